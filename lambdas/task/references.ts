/**
 * References inside task values: `${params.x}`, `${<henchman>.<field>}`, `${project.<setting>}`,
 * `${execution.id}`, `${trigger.<field>}`, `${item}` (inside `each`), `${secret:/ssm/name}`.
 *
 * - `$${` writes a literal `${`.
 * - `${raw:<reference>}` opts out of shell quoting where the value stands in a shell command.
 * - A string that is exactly one reference is a whole-value reference and keeps the value's type;
 *   otherwise the values are formatted into the string.
 */

export type ReferenceRoot = 'params' | 'project' | 'execution' | 'trigger' | 'item' | 'henchman' | 'secret';

export interface Reference {
  /** The reference's text as written, including `${` and `}`. */
  readonly text: string;
  readonly root: ReferenceRoot;
  /** For root "henchman": the henchman's name. */
  readonly henchman?: string;
  /** Field names and list indexes after the root: `${provision.tags.role}` → ["tags", "role"]. */
  readonly path: readonly (string | number)[];
  /** For root "secret": the SSM parameter name. */
  readonly secret?: string;
  /** `${raw:...}`: not shell-quoted. */
  readonly raw: boolean;
  /** Offset of `${` in the string. */
  readonly start: number;
}

/** A string value split into literal text and references. */
export type TemplatePart = string | Reference;

export interface ReferenceSyntaxError {
  readonly message: string;
  readonly start: number;
}

export interface ParsedTemplate {
  readonly parts: readonly TemplatePart[];
  readonly errors: readonly ReferenceSyntaxError[];
}

const FIXED_ROOTS = new Set(['params', 'project', 'execution', 'trigger', 'item']);
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** The head may also be a henchman name, which NAME_PATTERN lets start with a digit. */
const HEAD_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const SECRET_NAME = /^\/[A-Za-z0-9_.\-/]+$/;

/** Splits a string into literal text and references; syntax errors are returned, never thrown. */
export function parseTemplate(value: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const errors: ReferenceSyntaxError[] = [];
  let literal = '';
  let i = 0;
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      literal += '${';
      i += 3;
      continue;
    }
    if (!value.startsWith('${', i)) {
      literal += value[i];
      i += 1;
      continue;
    }
    const close = value.indexOf('}', i + 2);
    if (close < 0) {
      errors.push({ start: i, message: `"${value.slice(i)}" opens a reference that is never closed with "}"` });
      literal += value.slice(i);
      break;
    }
    const text = value.slice(i, close + 1);
    const parsed = parseReferenceBody(value.slice(i + 2, close), text, i);
    if ('message' in parsed) {
      errors.push(parsed);
      literal += text;
    } else {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(parsed);
    }
    i = close + 1;
  }
  if (literal) parts.push(literal);
  return { parts, errors };
}

function parseReferenceBody(body: string, text: string, start: number): Reference | ReferenceSyntaxError {
  let raw = false;
  let rest = body.trim();
  if (rest.startsWith('raw:')) {
    raw = true;
    rest = rest.slice(4).trim();
  }
  if (rest.startsWith('secret:')) {
    const secret = rest.slice(7).trim();
    if (!SECRET_NAME.test(secret)) {
      return { start, message: `${text} names no SSM parameter: write \${secret:/path/to/parameter}` };
    }
    return { text, root: 'secret', path: [], secret, raw, start };
  }
  const segments = splitPath(rest);
  if (!segments || segments.length === 0 || typeof segments[0] !== 'string') {
    return { start, message: `${text} is not a reference: write \${params.name}, \${<henchman>.<field>}, \${project.<setting>}, \${execution.id}, \${trigger.<field>}, \${item} or \${secret:/name}` };
  }
  const [head, ...path] = segments as [string, ...(string | number)[]];
  if (FIXED_ROOTS.has(head)) {
    return { text, root: head as ReferenceRoot, path, raw, start };
  }
  return { text, root: 'henchman', henchman: head, path, raw, start };
}

/** `a.b[0].c` → ["a", "b", 0, "c"]; undefined when malformed. */
function splitPath(expression: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|(\.)/gy;
  let expectSegment = true;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(expression)) !== null) {
    consumed = re.lastIndex;
    if (match[1] !== undefined) {
      if (!expectSegment || !(out.length === 0 ? HEAD_SEGMENT : SEGMENT).test(match[1])) return undefined;
      out.push(match[1]);
      expectSegment = false;
    } else if (match[2] !== undefined) {
      if (expectSegment) return undefined;
      out.push(Number(match[2]));
    } else {
      if (expectSegment) return undefined;
      expectSegment = true;
    }
  }
  if (consumed !== expression.length || expectSegment) return undefined;
  return out;
}

/** True when the string is exactly one reference (whole-value: keeps the value's type). */
export function wholeReference(parsed: ParsedTemplate): Reference | undefined {
  return parsed.errors.length === 0 && parsed.parts.length === 1 && typeof parsed.parts[0] !== 'string'
    ? parsed.parts[0]
    : undefined;
}

/** Every reference in a JSON-like value (strings at any depth), with the place of the string that holds it. */
export function collectReferences(
  value: unknown,
  place: readonly (string | number)[] = [],
): { place: (string | number)[]; reference: Reference }[] {
  const found: { place: (string | number)[]; reference: Reference }[] = [];
  walkStrings(value, place, (text, at) => {
    for (const part of parseTemplate(text).parts) {
      if (typeof part !== 'string') found.push({ place: at, reference: part });
    }
  });
  return found;
}

/** Calls `visit` for every string inside a JSON-like value, with its place. */
export function walkStrings(
  value: unknown,
  place: readonly (string | number)[],
  visit: (text: string, place: (string | number)[]) => void,
): void {
  if (typeof value === 'string') visit(value, [...place]);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...place, i], visit));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walkStrings(v, [...place, k], visit);
  }
}

/** The text of a secret reference, as it travels to the provider. */
export function secretText(name: string): string {
  return `\${secret:${name}}`;
}

/** Matches secret references inside any string (used by providers to resolve them). */
export const SECRET_REFERENCE = /\$\{secret:(\/[A-Za-z0-9_.\-/]+)\}/g;

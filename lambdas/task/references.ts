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
const DIGITS = /^[0-9]+$/;

const NO_ERRORS: readonly ReferenceSyntaxError[] = Object.freeze([]);
const EMPTY: ParsedTemplate = Object.freeze({ parts: Object.freeze([]), errors: NO_ERRORS });

/** Splits a string into literal text and references; syntax errors are returned, never thrown. */
export function parseTemplate(value: string): ParsedTemplate {
  // Most strings of a task hold no reference at all: one indexOf answers for them.
  let open = value.indexOf('${');
  if (open < 0) return value === '' ? EMPTY : { parts: [value], errors: NO_ERRORS };
  const parts: TemplatePart[] = [];
  let errors: ReferenceSyntaxError[] | undefined;
  let literal = '';
  let i = 0;
  while (open >= 0) {
    // `$${` writes a literal `${` (no `${` lies between i and open, so that `$` belongs to no earlier token).
    if (open > i && value.charCodeAt(open - 1) === 0x24 /* $ */) {
      literal += `${value.slice(i, open - 1)}\${`;
      i = open + 2;
      open = value.indexOf('${', i);
      continue;
    }
    literal += value.slice(i, open);
    const close = value.indexOf('}', open + 2);
    if (close < 0) {
      (errors ??= []).push({ start: open, message: `"${value.slice(open)}" opens a reference that is never closed with "}"` });
      literal += value.slice(open);
      i = value.length;
      break;
    }
    const text = value.slice(open, close + 1);
    const parsed = parseReferenceBody(value.slice(open + 2, close), text, open);
    if ('message' in parsed) {
      (errors ??= []).push(parsed);
      literal += text;
    } else {
      if (literal) parts.push(literal);
      literal = '';
      parts.push(parsed);
    }
    i = close + 1;
    open = value.indexOf('${', i);
  }
  literal += value.slice(i);
  if (literal) parts.push(literal);
  return { parts, errors: errors ?? NO_ERRORS };
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
  const head = segments[0];
  const path = segments.slice(1);
  if (FIXED_ROOTS.has(head)) {
    return { text, root: head as ReferenceRoot, path, raw, start };
  }
  return { text, root: 'henchman', henchman: head, path, raw, start };
}

/** Whether a character ends a field name in a path: . [ ] */
function isPathMark(c: number): boolean {
  return c === 0x2e || c === 0x5b || c === 0x5d;
}

/** `a.b[0].c` → ["a", "b", 0, "c"]; undefined when malformed. */
function splitPath(expression: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  let expectSegment = true;
  let i = 0;
  while (i < expression.length) {
    const c = expression.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (expectSegment) return undefined;
      expectSegment = true;
      i += 1;
    } else if (c === 0x5b /* [ */) {
      const close = expression.indexOf(']', i + 1);
      if (expectSegment || close < 0 || !DIGITS.test(expression.slice(i + 1, close))) return undefined;
      out.push(Number(expression.slice(i + 1, close)));
      i = close + 1;
    } else if (c === 0x5d /* ] */) {
      return undefined;
    } else {
      let end = i + 1;
      while (end < expression.length && !isPathMark(expression.charCodeAt(end))) end += 1;
      const segment = expression.slice(i, end);
      if (!expectSegment || !(out.length === 0 ? HEAD_SEGMENT : SEGMENT).test(segment)) return undefined;
      out.push(segment);
      expectSegment = false;
      i = end;
    }
  }
  return expectSegment ? undefined : out;
}

const parsedFor = new WeakMap<object, (text: string) => ParsedTemplate>();

/**
 * parseTemplate, remembered for one owner (a task): its rules and its compiler read the same strings several
 * times over, so each is parsed once. The parses live as long as the owner does, never from one task to the
 * next; they are shared, so nobody may change them (their types are readonly).
 */
export function templatesOf(owner: object): (text: string) => ParsedTemplate {
  let parse = parsedFor.get(owner);
  if (!parse) {
    const known = new Map<string, ParsedTemplate>();
    parse = (text) => {
      let parsed = known.get(text);
      if (!parsed) known.set(text, (parsed = parseTemplate(text)));
      return parsed;
    };
    parsedFor.set(owner, parse);
  }
  return parse;
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

/** Calls `visit` for every string inside a JSON-like value, with its place (a fresh array `visit` may keep). */
export function walkStrings(
  value: unknown,
  place: readonly (string | number)[],
  visit: (text: string, place: (string | number)[]) => void,
): void {
  // One path grows and shrinks along the walk; only the places handed to `visit` are copied.
  walkFrom(value, [...place], visit);
}

function walkFrom(node: unknown, path: (string | number)[], visit: (text: string, place: (string | number)[]) => void): void {
  if (typeof node === 'string') visit(node, path.slice());
  else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i += 1) {
      path.push(i);
      walkFrom(node[i], path, visit);
      path.pop();
    }
  } else if (node && typeof node === 'object') {
    for (const key of Object.keys(node)) {
      path.push(key);
      walkFrom((node as Record<string, unknown>)[key], path, visit);
      path.pop();
    }
  }
}

/** The text of a secret reference, as it travels to the provider. */
export function secretText(name: string): string {
  return `\${secret:${name}}`;
}

/**
 * A project setting's text in the task language, for a secret mark: settings are plain values in which
 * `${secret:/name}` names a secret (a `$` right before it makes it a literal, as `$${` does in a task); every other
 * `${` is literal text, escaped here as `$${`.
 */
export function settingText(value: string): string {
  return value.replace(/\$\{(?!secret:\/[A-Za-z0-9_.\-/]+\})/g, '$$$${');
}

/** The secrets a text in the task language names (parse errors aside), in order. */
export function secretNamesIn(text: string): string[] {
  const names: string[] = [];
  for (const part of parseTemplate(text).parts) if (typeof part !== 'string' && part.root === 'secret') names.push(part.secret!);
  return names;
}

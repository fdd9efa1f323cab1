/**
 * Reads a task's source text (YAML or JSON, one document) into a plain value, keeping a way back from a
 * place in the value to the line and column where the source wrote it.
 *
 * YAML is read twice over, lazily: js-yaml gives the value of a plain task fast (./quick-yaml.ts: about a
 * tenth of the time of the `yaml` package), and the `yaml` package, with its positions, gives every error and
 * every line and column. Whenever js-yaml cannot vouch that its value is the one `yaml` would give, the `yaml`
 * package reads the source as before.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { jsonTextDepth, MAX_DEPTH, yamlTextDepth } from './depth.ts';
import type { TaskError } from './errors.ts';
import { quickYamlValue } from './quick-yaml.ts';

export type SourceFormat = 'yaml' | 'json';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface ParsedSource {
  /** The document's value; undefined when the source could not be read. */
  value?: unknown;
  errors: TaskError[];
  /** Where the source wrote the value at a place (or the nearest enclosing one that exists). */
  locate(place: readonly (string | number)[]): SourcePosition | undefined;
}

/** JSON when the text starts with `{`, YAML otherwise. */
export function guessFormat(source: string): SourceFormat {
  return source.trimStart().startsWith('{') ? 'json' : 'yaml';
}

const YAML_MESSAGES: Partial<Record<string, string>> = {
  MULTIPLE_DOCS: 'the source holds more than one document: write one task per file, without "---" between tasks',
  TAB_AS_INDENT: 'tabs cannot indent YAML: indent with spaces',
};

export interface ParseOptions {
  format?: SourceFormat;
  /** Read YAML with js-yaml when it can vouch for the value (default true); false: always with the `yaml` package. */
  quick?: boolean;
}

export function parseTask(source: string, options: ParseOptions = {}): ParsedSource {
  const format = options.format ?? guessFormat(source);
  const lineCounter = new LineCounter();
  // The YAML document gives places their line and column; a source whose value was read by JSON.parse or js-yaml
  // needs it only when an error must be located, so it is built then (it costs ten times the reading).
  let parsed: ReturnType<typeof parseDocument> | undefined;
  const yamlDocument = () => (parsed ??= parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true }));
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, source.length)));
    return { line, column: col };
  };
  const locate = (place: readonly (string | number)[]): SourcePosition | undefined => {
    const document = yamlDocument();
    if (format === 'json' && document.errors.length > 0) return undefined;
    const offset = locateOffset(document.contents, place);
    return offset === undefined ? undefined : position(offset);
  };

  // Deeper documents would overflow the stack of the parsers and of every walk after them: refused unread.
  const depth = format === 'json' ? jsonTextDepth(source) : yamlTextDepth(source);
  if (depth > MAX_DEPTH) return { errors: [tooDeep(format)], locate: () => undefined };

  if (format === 'json') {
    try {
      const value: unknown = JSON.parse(source);
      return { value, errors: [], locate };
    } catch (error) {
      const message = (error as Error).message;
      const at = jsonErrorOffset(message, yamlDocument().errors[0]?.pos[0]);
      const { line, column } = position(at);
      return {
        errors: [{ code: 'json-syntax', place: '', line, column, message: `the JSON cannot be read: ${message}` }],
        locate: () => undefined,
      };
    }
  }

  if (options.quick !== false) {
    const quick = quickYamlValue(source);
    if (quick) return { value: quick.value, errors: [], locate };
  }
  const document = yamlDocument();
  if (document.errors.length > 0) {
    return {
      errors: document.errors.map((e) => {
        const { line, column } = position(e.pos[0]);
        if (e.code === 'DUPLICATE_KEY') {
          const key = (/^[^:\n]*/.exec(source.slice(e.pos[0]))?.[0] ?? '').trim().replace(/^["']|["']$/g, '');
          return { code: 'duplicate-field', place: '', line, column, message: `the field '${key}' is written twice in the same map` };
        }
        const message = YAML_MESSAGES[e.code] ?? `the YAML cannot be read: ${lowerFirst(e.message)}`;
        return { code: e.code === 'MULTIPLE_DOCS' ? 'multiple-documents' : 'yaml-syntax', place: '', line, column, message };
      }),
      locate: () => undefined,
    };
  }
  if (document.contents === null) {
    return { errors: [{ code: 'empty-document', place: '', line: 1, column: 1, message: 'the document is empty: a task needs at least `task` and `plot`' }], locate };
  }
  try {
    return { value: document.toJS({ maxAliasCount: 100 }), errors: [], locate };
  } catch (error) {
    return {
      errors: [{ code: 'yaml-syntax', place: '', line: 1, column: 1, message: `the YAML cannot be read: ${lowerFirst((error as Error).message)}` }],
      locate: () => undefined,
    };
  }
}

function tooDeep(format: SourceFormat): TaskError {
  return {
    code: 'too-deep',
    place: '',
    line: 1,
    column: 1,
    message: `the ${format === 'json' ? 'JSON' : 'YAML'} nests deeper than ${MAX_DEPTH} levels: a task needs far fewer`,
  };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The offset JSON.parse names in its message ("at position 12", "(line 3 column 5)"), else a fallback. */
function jsonErrorOffset(message: string, fallback: number | undefined): number {
  const position = /position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  return fallback ?? 0;
}

/**
 * The offset of a place: a map member's key (that is where a reader looks for `host:`), a list item's start;
 * when the place does not exist, the nearest enclosing node that does.
 */
function locateOffset(root: unknown, place: readonly (string | number)[]): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const segment of place) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return offset;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment] as Node | null;
      offset = node?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

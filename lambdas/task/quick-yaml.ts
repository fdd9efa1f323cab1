/**
 * A fast first reading of YAML with js-yaml, for sources whose value it can vouch for.
 *
 * The `yaml` package stays the reference (./parse.ts): it reports every error with its line and column. js-yaml
 * reads a large task about ten times faster, but the two differ at the edges of the language, so this reading
 * answers only for what both read alike, and answers "ask `yaml`" (undefined) for everything else:
 * - scalars resolve with the very tests and conversions of `yaml`'s YAML 1.2 core schema (below), not with
 *   js-yaml's own (which also reads 0b101, -0x1F and 1_000, and turns -0 into 0); timestamps stay text;
 * - explicit tags (`!!str 1`, `!x`, `! a`) and directives (`%YAML 1.1` switches `yaml` to another schema);
 * - anchors, hence aliases and merge keys: js-yaml shares the aliased object and does not bound alias
 *   expansion, `yaml` copies it and stops at 100 aliases (`<<` without an alias is a plain key in both);
 * - keys that are not text: a null key is '' for `yaml` and 'null' for js-yaml, a collection key is written
 *   out differently (explicit `?` keys, collections before ':', entries of a flow map with no ':');
 * - what `yaml` refuses and js-yaml lets through: tabs in indentation, implicit keys longer than 1024
 *   characters, flow collections and quoted texts over several lines (their indentation rules differ), a
 *   comment right after one (`[a]#c`), content on the line of a document marker (`--- a: 1`), a carriage
 *   return alone (a line break for js-yaml only);
 * - a document that is not a map: a task always is one, and empty or scalar documents have errors of their own.
 * Duplicate keys, several documents and syntax errors make js-yaml throw: the `yaml` package reports them.
 * The agreement of the two readings is tested on a wide set of tricky documents (test/task/quick-yaml.test.ts).
 */
import { load, Schema, Type } from 'js-yaml';
import type { State } from 'js-yaml';

// The tests and conversions of `yaml`'s core schema (yaml/dist/schema/core and common/null.js), in its order.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * What a plain scalar is in `yaml`'s core schema: null, bool, int or float, else (undefined) text. A look at the
 * first character comes before the patterns: this runs on every plain scalar, keys included.
 */
function coreKind(text: string): 'null' | 'bool' | 'int' | 'float' | undefined {
  const c = text.charCodeAt(0);
  const letter = c | 0x20;
  if ((text.length <= 1 || letter === 0x6e) /* n */ && NULL.test(text)) return 'null';
  if ((letter === 0x74 /* t */ || letter === 0x66) /* f */ && BOOL.test(text)) return 'bool';
  if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e /* digit + - . */) {
    if (INT_OCT.test(text) || INT.test(text) || INT_HEX.test(text)) return 'int';
    if (FLOAT_NAN.test(text) || FLOAT_EXP.test(text) || FLOAT.test(text)) return 'float';
  }
  return undefined;
}

/** The value of a core scalar, converted as `yaml` does. */
function coreValue(text: string): unknown {
  switch (coreKind(text)) {
    case 'null':
      return null;
    case 'bool':
      return text[0] === 't' || text[0] === 'T';
    case 'int':
      return INT_OCT.test(text) ? parseInt(text.substring(2), 8) : INT.test(text) ? parseInt(text, 10) : parseInt(text.substring(2), 16);
    case 'float':
      if (!FLOAT_NAN.test(text)) return parseFloat(text);
      return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    default:
      return text;
  }
}

/**
 * The core schema as one implicit type (js-yaml tries each implicit type on every plain scalar: one is cheaper
 * than four), under a tag of its own that no document can name. It has no explicit types: a tag such as `!!int 3`
 * is unknown, so js-yaml throws and the `yaml` package reads the source; its resolve refuses an explicit tag too
 * (js-yaml passes it as a second argument).
 */
const CORE = new Schema({
  implicit: [
    new Type('tag:mastermind,2025:core-scalar', {
      kind: 'scalar',
      resolve: ((text: unknown, explicitTag?: string) =>
        explicitTag === undefined && typeof text === 'string' && coreKind(text) !== undefined) as (data: unknown) => boolean,
      construct: coreValue,
    }),
  ],
  explicit: [],
});

/** Thrown from the listener to stop js-yaml when the source holds something only `yaml` reads right. */
class AskYaml extends Error {}

const FLOW_END = new Set([0x5d /* ] */, 0x7d /* } */]);
const QUOTES = new Set([0x22 /* " */, 0x27 /* ' */]);

/**
 * Sources js-yaml is not asked about at all: a directive line, an explicit key (`? `), a tab in the
 * indentation of a line, a carriage return that ends a line alone (a line break for js-yaml, not for `yaml`),
 * content on the line of a document marker (`--- a: 1`, which `yaml` refuses), or a line longer than any
 * implicit key `yaml` accepts.
 */
function plainEnough(source: string): boolean {
  // Each pattern only where its character occurs at all: a search for one character is much cheaper.
  if (source.includes('%') && /^%/m.test(source)) return false;
  if (source.includes('\t') && /^[ \t]*\t/m.test(source)) return false;
  if (source.includes('?') && /(?:^|[\s[{,])\?(?:\s|$)/m.test(source)) return false;
  if (source.includes('\r') && /\r(?!\n)/.test(source)) return false;
  if ((source.includes('---') || source.includes('...')) && /^(?:---|\.\.\.)[ \t]+[^\s#]/m.test(source)) return false;
  let start = 0;
  while (start < source.length) {
    const end = source.indexOf('\n', start);
    const stop = end < 0 ? source.length : end;
    if (stop - start > 1024) return false;
    start = stop + 1;
  }
  return true;
}

/** What the listener reads of js-yaml's loader state (its published type leaves the tag and the anchors out). */
interface LoaderState {
  readonly input: string;
  readonly position: number;
  readonly kind: string | null;
  readonly tag: string | null;
  readonly result: unknown;
  readonly anchorMap?: Record<string, unknown>;
}

/** The last character before `at` that is not a space, a tab or a line break. */
function previousMark(input: string, at: number): number {
  let i = at - 1;
  while (i >= 0 && isBlank(input.charCodeAt(i))) i -= 1;
  return input.charCodeAt(i);
}

/** A space, a tab or a line break. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** The next character that is not a space or a tab, from `at`. */
function nextMark(input: string, at: number): number {
  let i = at;
  while (input.charCodeAt(i) === 0x20 || input.charCodeAt(i) === 0x09) i += 1;
  return input.charCodeAt(i);
}

/** Where a node opened at `at` starts: past the spaces, line breaks and comments js-yaml skips before it. */
function nodeStart(input: string, at: number): number {
  let i = at;
  for (;;) {
    const c = input.charCodeAt(i);
    if (isBlank(c)) i += 1;
    else if (c === 0x23 /* # */) {
      const end = input.indexOf('\n', i);
      if (end < 0) return input.length;
      i = end + 1;
    } else return i;
  }
}

/**
 * The document's value when js-yaml reads it exactly as the `yaml` package would (with its core schema and
 * maxAliasCount 100); undefined when only `yaml` can say (including every source with an error).
 */
export function quickYamlValue(source: string): { value: Record<string, unknown> } | undefined {
  if (!plainEnough(source)) return undefined;
  let document: LoaderState | undefined;
  const opened: number[] = [];
  const listener = (event: 'open' | 'close', loader: State) => {
    const state = loader as unknown as LoaderState;
    document = state;
    if (event === 'open') {
      opened.push(state.position);
      return;
    }
    const { input, position, result } = state;
    const from = opened.pop()!;
    if (state.tag !== null && state.tag.charCodeAt(0) === 0x21 /* ! */) throw new AskYaml('a non-specific tag');
    // Only text keys read the same in both. A node directly followed by ':' is a key, and so is an entry of a flow
    // map that no ':' comes before (`{a, [b]}`).
    if (typeof result !== 'string') {
      if (nextMark(input, position) === 0x3a /* : */) throw new AskYaml('a key that is not text');
      // (js-yaml may open a node twice at one place, the outer one taking the inner one's value: no parent, that.)
      const parent = opened.length > 0 ? nodeStart(input, opened[opened.length - 1]!) : -1;
      if (input.charCodeAt(parent) === 0x7b /* { */) {
        const start = nodeStart(input, from);
        if (parent < start && previousMark(input, start) !== 0x3a) throw new AskYaml('a key that is not text');
      }
    }
    // A flow collection (it ends at "]" or "}") or a quoted scalar: written over several lines, or followed by a
    // comment with no space before it (`[a]#c`), it is read differently or refused by `yaml`.
    if ((state.kind === 'scalar' ? QUOTES : FLOW_END).has(input.charCodeAt(position - 1))) {
      const lineBreak = input.indexOf('\n', nodeStart(input, from));
      if (lineBreak >= 0 && lineBreak < position) throw new AskYaml('a flow collection or a quoted text over several lines');
      if (input.charCodeAt(position) === 0x23 /* # */) throw new AskYaml('a comment without a space before it');
    }
  };
  let value: unknown;
  try {
    value = load(source, { schema: CORE, listener });
  } catch {
    return undefined;
  }
  if (document?.anchorMap && Object.keys(document.anchorMap).length > 0) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return { value: value as Record<string, unknown> };
}

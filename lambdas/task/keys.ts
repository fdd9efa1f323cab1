/**
 * Keys and paths of the execution state that Step Functions reads the same way everywhere.
 *
 * AWS, "Using JSONPath paths" (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html):
 * "You must use square bracket notation if your field name contains any character that is not included in the
 * member-name-shorthand definition of the JsonPath ABNF rule. Therefore, to encode special characters, such as
 * punctuation marks (excluding _), you must use square bracket notation." A henchman name holds dashes and may begin
 * with a digit, neither of which member-name-shorthand (`[A-Za-z_][A-Za-z0-9_]*` in ASCII) takes; and the arguments
 * of intrinsic functions (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html) reserve
 * `'`, so a bracketed name inside one would need escapes AWS does not document for paths. Hence two rules:
 *
 * - keys the compiler owns (`out.<key>`, `count.retreats.<key>`) are {@link stateKey}s,
 *   member-name-shorthand by construction, so their paths are plain dot paths, valid in every field kind and inside
 *   intrinsic functions;
 * - keys that come with the data (param names, the fields of a hook's body, of an output, of an expect) stay as they
 *   are: a path to one uses bracket notation where a key is not shorthand (`$.params['role-name']`), only in fields
 *   that take a path (Parameters "x.$", ItemsPath, Choice Variable, ...), never inside an intrinsic function (the
 *   compiler passes such a value to the provider to look up instead: a late value, ./compiler/payload.ts).
 *
 * The console shows the state's keys (`find_nodes`); everything a person reads (status, history, resume, cancel)
 * turns them back into henchman names with {@link henchmanOfKey}.
 */

/** JSONPath member-name-shorthand, ASCII only: a key that needs no brackets. */
export const SHORTHAND = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The key of a henchman in the execution state: its name with `-` written `_`, and `_` before a name that begins with
 * a digit. One-to-one: a name ([a-z0-9-], NAME_PATTERN) holds no `_`, and never begins with one.
 *
 *   find-nodes → find_nodes        web → web        2nd-wave → _2nd_wave
 */
export function stateKey(henchman: string): string {
  const key = henchman.replaceAll('-', '_');
  return /^[0-9]/.test(key) ? `_${key}` : key;
}

/** The henchman name of a state key ({@link stateKey} read backwards). */
export function henchmanOfKey(key: string): string {
  return (/^_[0-9]/.test(key) ? key.slice(1) : key).replaceAll('_', '-');
}

/**
 * One segment of a path: `.name` when the key is shorthand, `[n]` for a list index, else `['key']`. A key holding a
 * quote or a backslash has no path AWS documents: refused (the caller names where it came from).
 */
export function pathSegment(segment: string | number): string {
  if (typeof segment === 'number') return `[${segment}]`;
  if (SHORTHAND.test(segment)) return `.${segment}`;
  if (/['\\\u0000-\u001f]/.test(segment) || segment === '') throw new Error(`the key ${JSON.stringify(segment)} cannot be written in a path`);
  return `['${segment}']`;
}

/**
 * A path an intrinsic function may take as an argument: `$` or `$$`, then only shorthand fields and list indexes.
 * Anything else (brackets around a name, filters, wildcards) is left out of intrinsic arguments.
 */
export const INTRINSIC_PATH = /^\$\$?(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*$/;

/** Whether `path` may stand inside an intrinsic function. */
export function intrinsicSafe(path: string): boolean {
  return INTRINSIC_PATH.test(path);
}

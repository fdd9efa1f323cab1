/**
 * Errors in a task definition: a stable code, the place in the task, and a sentence a person understands.
 *
 * Places are written the way a user reads the document: `plot[1].with.host`, `params.instanceType.default`,
 * `plot[0].with.tags["mastermind:project"]`; '' is the whole document.
 */

export interface TaskError {
  /** kebab-case and stable: 'unknown-field', 'duplicate-name', 'unknown-reference', 'output-not-guaranteed'. */
  code: string;
  /** 'plot[1].with.host'; '' for the whole document. */
  place: string;
  /** 1-based, set when the source was YAML or JSON. */
  line?: number;
  /** 1-based, set when the source was YAML or JSON. */
  column?: number;
  message: string;
}

export type PlacePath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** ["plot", 1, "with", "host"] → "plot[1].with.host". */
export function formatPlace(path: PlacePath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The inverse of {@link formatPlace}: "plot[1].with.host" → ["plot", 1, "with", "host"]. */
export function parsePlace(place: string): (string | number)[] {
  const path: (string | number)[] = [];
  const re = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < place.length && (match = re.exec(place)) !== null) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(JSON.parse(match[3]!) as string);
  }
  return path;
}

/** Builds a TaskError at a place given as a path. */
export function taskError(code: string, path: PlacePath, message: string): TaskError {
  return { code, place: formatPlace(path), message };
}

/** "file:3:7 plot[1].with.host: <message> (code)"; parts that are unknown are left out. */
export function formatTaskError(e: TaskError, file?: string): string {
  let where = file ?? '';
  if (e.line !== undefined) {
    where += `${where ? ':' : ''}${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  }
  const head = [where, e.place].filter(Boolean).join(' ');
  return `${head ? `${head}: ` : ''}${e.message} (${e.code})`;
}

/** Edit distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * How many candidates "did you mean" looks at, and how many words a list shows: a task with thousands of
 * names and as many errors would otherwise take quadratic time (and text) to report.
 */
export const MAX_SUGGESTION_CANDIDATES = 256;
export const MAX_LISTED_WORDS = 20;

/** The closest candidate when it is close enough to be a typo, else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let seen = 0;
  for (const candidate of candidates) {
    if (++seen > MAX_SUGGESTION_CANDIDATES) break;
    if (Math.abs(candidate.length - word.length) > allowed) continue; // farther than a typo, whatever the letters
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean 'x'?)` or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : ` (did you mean '${best}'?)`;
}

/** "'a', 'b' or 'c'" (or "... and 'c'"); past MAX_LISTED_WORDS, "'a', 'b', ... and 20 more". */
export function listWords(words: readonly string[], joiner: 'or' | 'and' = 'or'): string {
  if (words.length > MAX_LISTED_WORDS) {
    return `${words.slice(0, MAX_LISTED_WORDS).map((w) => `'${w}'`).join(', ')} ${joiner} ${words.length - MAX_LISTED_WORDS} more`;
  }
  const shown = words.map((w) => `'${w}'`);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} ${joiner} ${shown[shown.length - 1]}`;
}

/** A short description of a value for messages: the string "3", the number 3, a list, a map. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

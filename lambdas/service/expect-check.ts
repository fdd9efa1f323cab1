/**
 * Why an output did not meet a henchman's `expect`, in the task's own words: the conditions not met and the values
 * the output held. The state machine's Choice ("<h>: check", lambdas/task/compiler/expect.ts) decides; this reads
 * the same rules again over the output the history recorded, to say which condition failed and what was seen:
 *
 *   exitCode equals 0 (saw 3); stdout matches "ok*" (saw "3\n")
 *
 * | condition                         | met when (as the compiled Choice rule)                                      |
 * | --------------------------------- | --------------------------------------------------------------------------- |
 * | equals v / notEquals v            | the field is there, of v's type, and (not) equal to v                       |
 * | lessThan ... greaterThanOrEquals  | the field is there, a number (or text) like v, and compares so              |
 * | matches glob                      | the field is a text matching the glob (`*` any text, `\*` a star)           |
 * | exists true / false               | the field is (not) there (null counts as there)                             |
 * | all / any / not                   | every one / one / not                                                       |
 * | map form { field: value }         | each field equals its value                                                 |
 */
import type { Condition, Expect } from '#task/schema';

const ORDER = {
  lessThan: (c: number) => c < 0,
  lessThanOrEquals: (c: number) => c <= 0,
  greaterThan: (c: number) => c > 0,
  greaterThanOrEquals: (c: number) => c >= 0,
} as const;

const ABSENT = Symbol('absent');

/** The value at "a.b.0" (digits index lists), or ABSENT. */
function valueAt(output: unknown, field: string): unknown {
  let at: unknown = output;
  for (const segment of field.split('.')) {
    if (/^\d+$/.test(segment)) {
      if (!Array.isArray(at) || Number(segment) >= at.length) return ABSENT;
      at = at[Number(segment)];
    } else {
      if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, segment)) return ABSENT;
      at = (at as Record<string, unknown>)[segment];
    }
  }
  return at;
}

function equal(seen: unknown, value: unknown): boolean {
  if (seen === ABSENT) return false;
  if (value === null) return seen === null;
  return typeof seen === typeof value && seen === value;
}

/** ASL StringMatches: `*` any text, `\*` and `\\` literal. */
function globMatches(text: string, glob: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) pattern += escape(glob[++i]!);
    else pattern += c === '*' ? '.*' : escape(c);
  }
  return new RegExp(`^${pattern}$`, 's').test(text);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function ordered(seen: unknown, value: unknown, test: (c: number) => boolean): boolean {
  if (typeof value === 'number') return typeof seen === 'number' && test(seen - value);
  if (typeof value === 'string') return typeof seen === 'string' && test(seen < value ? -1 : seen > value ? 1 : 0);
  return false;
}

function met(comparison: string, seen: unknown, value: unknown): boolean {
  switch (comparison) {
    case 'equals':
      return equal(seen, value);
    case 'notEquals':
      return !equal(seen, value);
    case 'matches':
      return typeof seen === 'string' && typeof value === 'string' && globMatches(seen, value);
    case 'exists':
      return value === false ? seen === ABSENT : seen !== ABSENT;
    default:
      return ordered(seen, value, ORDER[comparison as keyof typeof ORDER]);
  }
}

/** A value as the sentence shows it: JSON, cut. */
export function shown(value: unknown, max = 120): string {
  if (value === ABSENT) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const COMPARISON_WORDS: Record<string, string> = {
  equals: 'equals',
  notEquals: 'does not equal',
  lessThan: 'is less than',
  lessThanOrEquals: 'is at most',
  greaterThan: 'is greater than',
  greaterThanOrEquals: 'is at least',
  matches: 'matches',
};

function leafText(field: string, comparison: string, value: unknown): string {
  if (comparison === 'exists') return value === false ? `${field} is absent` : `${field} is present`;
  return `${field} ${COMPARISON_WORDS[comparison] ?? comparison} ${shown(value)}`;
}

/** One condition: met, or the sentences saying what was not met (with the values seen). */
function check(condition: Condition, output: unknown): { met: boolean; text: string; unmet: string[] } {
  if ('all' in condition) {
    const parts = condition.all.map((c) => check(c, output));
    return { met: parts.every((p) => p.met), text: `all of (${parts.map((p) => p.text).join('; ')})`, unmet: parts.flatMap((p) => p.unmet) };
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => check(c, output));
    const ok = parts.some((p) => p.met);
    return { met: ok, text: `any of (${parts.map((p) => p.text).join('; ')})`, unmet: ok ? [] : [`none of (${parts.flatMap((p) => p.unmet).join('; ')})`] };
  }
  if ('not' in condition) {
    const inner = check(condition.not, output);
    return { met: !inner.met, text: `not ${inner.text}`, unmet: inner.met ? [`not ${inner.text}, but it is (${seenOf(condition.not, output)})`] : [] };
  }
  const seen = valueAt(output, condition.field);
  const comparisons = Object.keys(COMPARISON_WORDS).concat('exists').filter((c) => (condition as Record<string, unknown>)[c] !== undefined);
  const results = comparisons.map((c) => {
    const value = (condition as Record<string, unknown>)[c];
    return { met: met(c, seen, value), text: leafText(condition.field, c, value) };
  });
  const failed = results.filter((r) => !r.met);
  return {
    met: failed.length === 0,
    text: results.map((r) => r.text).join(' and '),
    unmet: failed.map((r) => `${r.text} (saw ${shown(seen)})`),
  };
}

/** The values a condition reads, as seen: "exitCode 0, stdout \"x\"". */
function seenOf(condition: Condition, output: unknown): string {
  if ('all' in condition) return condition.all.map((c) => seenOf(c, output)).join(', ');
  if ('any' in condition) return condition.any.map((c) => seenOf(c, output)).join(', ');
  if ('not' in condition) return seenOf(condition.not, output);
  return `${condition.field} ${shown(valueAt(output, condition.field))}`;
}

/**
 * The conditions of `expect` the output does not meet, each with the value seen; empty when it meets them all
 * (then the Choice and this reading disagree, and the caller says so otherwise).
 */
export function unmetConditions(expect: Expect, output: unknown): string[] {
  const conditions: Condition[] = Array.isArray(expect) ? expect : Object.entries(expect).map(([field, equals]) => ({ field, equals }));
  return conditions.flatMap((c) => check(c, output).unmet);
}

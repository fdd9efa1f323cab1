/**
 * Where things live in the execution state, and what the helper states are called.
 *
 * The execution state is small and JSON-only:
 *
 *   {
 *     params:  { ... },                      the execution's params, defaults merged in
 *     trigger: { ... },                      what started it (alarm name, hook body), {} when nothing
 *     out:     { <henchman>: <record> },     one record per henchman played (see below)
 *     count:   { plays: { <henchman>: n }, retreats: { <henchman>: n } }
 *     polls:   { <henchman>: { answer: { Payload }, waited } }   only for henchmen that poll
 *     failure: { Error, Cause }              the last failure on a failure route
 *   }
 *
 * A henchman's record in `out` is one of
 *   { output: {...} }                        it completed (its provider's output; a list for `each`)
 *   { failed: true, error, cause }           it failed and its onFailure is `continue`
 *   { undone: true }                         it was taken back by its undo
 *   { fired: true }                          it was started with `fire` (no output is awaited)
 * so "completed, and not taken back" is exactly "`out.<name>.output` is present".
 *
 * Helper state names hold ": ", which a henchman name ([a-z0-9-]) never does, so they never collide.
 */

/** `$.a.b[0]`: JSONPath of a field path under a root. Names are [A-Za-z_][A-Za-z0-9_-]*, safe in dot notation. */
export function jsonPath(root: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((at, segment) => (typeof segment === 'number' ? `${at}[${segment}]` : `${at}.${segment}`), root);
}

export const STATE = {
  params: '$.params',
  trigger: '$.trigger',
  failure: '$.failure',
  count: '$.count',
  executionId: '$$.Execution.Id',
  itemValue: '$$.Map.Item.Value',
  itemIndex: '$$.Map.Item.Index',
} as const;

/** `$.out.<name>`: the henchman's record. */
export const recordPath = (henchman: string): string => `$.out.${henchman}`;
/** `$.out.<name>.output`: the henchman's output (present only while it stands completed). */
export const outputPath = (henchman: string): string => `$.out.${henchman}.output`;
/** `$.count.plays.<name>`: how often the henchman has been played (the event's `attempt`). */
export const playsPath = (henchman: string): string => `$.count.plays.${henchman}`;
/** `$.count.retreats.<name>`: how often the henchman's retreat was taken. */
export const retreatsPath = (henchman: string): string => `$.count.retreats.${henchman}`;
/** `$.polls.<name>`: the last answer of a polling henchman and the seconds waited so far. */
export const pollPath = (henchman: string): string => `$.polls.${henchman}`;

export const NAMES = {
  input: 'start: input',
  params: 'start: params',
  done: 'task: done',
  aborted: 'task: aborted',
  check: (h: string) => `${h}: check`,
  unexpected: (h: string) => `${h}: unexpected`,
  failed: (h: string) => `${h}: failed`,
  pollChoice: (h: string) => `${h}: poll?`,
  count: (h: string) => `${h}: count`,
  wait: (h: string) => `${h}: wait`,
  poll: (h: string) => `${h}: poll`,
  output: (h: string) => `${h}: output`,
  timedOut: (h: string) => `${h}: timed out`,
  retreatChoice: (h: string) => `${h}: retreat?`,
  retreat: (h: string) => `${h}: retreat`,
  /** In the retreat of `failed`, the undo of `undone` (and its guard, with "?"). */
  retreatUndo: (failed: string, undone: string) => (failed === undone ? `${failed}: undo` : `${failed}: undo ${undone}`),
  rollbackUndo: (h: string) => `rollback: ${h}`,
  /** Inside `each`: the first state of one item (its helpers are named "<h>: item check", ...). */
  item: (h: string) => `${h}: item`,
} as const;

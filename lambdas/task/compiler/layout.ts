/**
 * Where things live in the execution state, and what the helper states are called.
 *
 * The execution state is small and JSON-only:
 *
 *   {
 *     params:  { ... },                      the execution's params (their own names), defaults merged in
 *     trigger: { ... },                      what started it (alarm name, hook body), {} when nothing
 *     context: { ... },                      the constant part of every provider event's context (./start.ts)
 *     out:     { <key>: <record> },          one record per henchman played (see below)
 *     count:   { pass: n, retreats: "(<key>)..." }   the pass over the plot, the retreats taken (RETREATS_PATH)
 *     failure: { Error, Cause }              the last failure on a failure route
 *     walk:    { at, stop, mode, then, ... } where a retreat or the rollback stands (WALK, at the end of this file)
 *   }
 *
 * <key> is the henchman's state key (../keys.ts stateKey: `find-nodes` → `find_nodes`, `2nd` → `_2nd`), so that
 * every path the compiler writes into `out` and `count` is a plain dot path, valid inside intrinsic functions; a
 * reader turns it back into the name with henchmanOfKey. Params keep the names the task gives them: a path to a param
 * whose name is not JSONPath shorthand uses brackets (`$.params['role-name']`) and stays out of intrinsic functions.
 *
 * A resumed execution's input also holds `resume: { of, from, out, count }`: the execution it resumes, the
 * henchman it begins at, and the `out` and `count` it carries over (./start.ts); its state keeps
 * `resume: { of, from }`.
 *
 * A henchman's record in `out` is one of
 *   {}                                       it waits for the world and has not answered yet: the start
 *                                            states give every such henchman (not `each`) this empty record,
 *                                            which its Task state hands to the provider as `was` (./poll.ts)
 *   { output: {...} }                        it completed (its provider's output; a list for `each`)
 *   { Error: "Mastermind.Polled", Cause }    it is waiting for the world: its action's first answer, caught
 *                                            (its message the answer, stamped with the play it belongs to:
 *                                            ../../providers/contract.ts PolledError); replaced by { output }
 *                                            once the action answers; left behind, harmless, when the play fails
 *   { failed: true, error, cause }           it failed and its onFailure is `continue`
 *   { undone: true }                         it was taken back by its undo (an undo that waits for the world
 *                                            keeps its answer in the walk: WALK.undoing)
 *   { fired: true }                          it was started with `fire` (no output is awaited)
 * so "completed, and not taken back" is exactly "`out.<key>.output` is present" (while an undo polls, the
 * guard that started it has already been passed).
 *
 * Helper state names hold ": ", which a henchman name ([a-z0-9-]) never does, so they never collide.
 */
import { pathSegment, stateKey } from '../keys.ts';

/**
 * `$.a.b[0]`: JSONPath of a field path under a root; a key that is not JSONPath shorthand in brackets
 * (`$.params['role-name']`, ../keys.ts pathSegment).
 */
export function jsonPath(root: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((at, segment) => at + pathSegment(segment), root);
}

export { henchmanOfKey, stateKey } from '../keys.ts';

export const STATE = {
  params: '$.params',
  trigger: '$.trigger',
  failure: '$.failure',
  count: '$.count',
  /** The constant part of every provider event's context, built once by the start states (./start.ts). */
  context: '$.context',
  /** A resumed execution's input: { of, from, out, count } (lambdas/service/resume.ts). */
  resume: '$.resume',
  executionId: '$$.Execution.Id',
  startTime: '$$.Execution.StartTime',
  itemValue: '$$.Map.Item.Value',
  itemIndex: '$$.Map.Item.Index',
} as const;

/** `$.out.<key>`: the henchman's record. */
export const recordPath = (henchman: string): string => `$.out.${stateKey(henchman)}`;
/** `$.out.<key>.output`: the henchman's output (present only while it stands completed). */
export const outputPath = (henchman: string): string => `$.out.${stateKey(henchman)}.output`;
/**
 * `$.count.pass`: the pass over the plot the execution is in, 1 and one more after each retreat taken: every move's
 * `attempt` (a move played again after a retreat has a new one: ec2's ClientToken and ssh's detached directories
 * tell its plays apart by it).
 */
export const PASS_PATH = '$.count.pass';
/**
 * `$.count.retreats`: the retreats taken, as one text: "(<key>)" once per retreat of the henchman, in the order taken
 * ("(deploy)(deploy)(check)"). A retreat appends its mark (States.Format) and "<F>: retreat?" matches it
 * (StringMatches, N marks: the retreat was taken N times), so that one shared state ("walk: next pass") keeps every
 * henchman's count: a number per henchman would take a state of its own to store (a Pass computes a number only
 * inside an object). A key is [a-z0-9_]: the marks never meet "(", ")" or "*" inside a key.
 */
export const RETREATS_PATH = '$.count.retreats';
/** The mark of one retreat of the henchman in RETREATS_PATH. */
export const retreatMark = (henchman: string): string => `(${stateKey(henchman)})`;

export const NAMES = {
  /** The first state: a resume, an input lacking params or trigger, or a complete input. */
  start: 'start: input?',
  /** Only for params whose defaults hold a backslash or a quote: the defaults as data (./start.ts). */
  defaults: 'start: defaults',
  input: 'start: input',
  params: 'start: params',
  resume: 'start: resume',
  resumeFrom: 'resume: from?',
  resumeUnknown: 'resume: no such henchman',
  done: 'task: done',
  aborted: 'task: aborted',
  check: (h: string) => `${h}: check`,
  unexpected: (h: string) => `${h}: unexpected`,
  failed: (h: string) => `${h}: failed`,
  pollChoice: (h: string) => `${h}: poll?`,
  wait: (h: string) => `${h}: wait`,
  poll: (h: string) => `${h}: poll`,
  output: (h: string) => `${h}: output`,
  retreatChoice: (h: string) => `${h}: retreat?`,
  retreat: (h: string) => `${h}: retreat`,
  /** Inside `each`: the first state of one item (its helpers are named "<h>: item check", ...). */
  item: (h: string) => `${h}: item`,
  /** Before the Map of `each`: does the list hold more than MAX_EACH_ITEMS items? The henchman's first state. */
  items: (h: string) => `${h}: items?`,
  tooManyItems: (h: string) => `${h}: too many items`,
  /** After the Map of `each`: did an item fail? Then "X: items failed" gathers them and "X: item failure" names them. */
  failedItems: (h: string) => `${h}: failed items?`,
  itemsFailed: (h: string) => `${h}: items failed`,
  itemFailure: (h: string) => `${h}: item failure`,
  /**
   * Was one of the failed items ended by a cancel or the task's deadline? Then "X: items aborted" gathers those and
   * "X: item abort" takes the abort route with the first one's error. Short names: a 64-character henchman name leaves
   * 16 characters for a helper's (80 at most).
   */
  abortedItems: (h: string) => `${h}: aborted?`,
  itemsAborted: (h: string) => `${h}: items aborted`,
  itemAbort: (h: string) => `${h}: item abort`,
  /** The list of `each` has no value in this execution (a field of the trigger's body, a param left out, ...). */
  noList: (h: string) => `${h}: no list`,
  /** The list of `each` as JSON text, when the compiler cannot prove it a list; "X: list?" sends an object to "X: not a list". */
  listText: (h: string) => `${h}: list`,
  listCheck: (h: string) => `${h}: list?`,
  notAList: (h: string) => `${h}: not a list`,
} as const;

/**
 * The most items one `each` henchman plays over in one execution; a longer list takes the henchman's failure
 * route with Mastermind.Invalid before any item is played.
 *
 * Why: the Map's result (the list of the items' outputs) lands in the execution state, which Step Functions
 * limits to 256 KiB, and an execution whose state outgrows it fails outright, whatever the task's onFailure
 * says. An ssh `run` output keeps up to 8 KiB each of stdout and stderr, so a few dozen items could pass the
 * limit. With at most 100 items, and the providers keeping about 2 KiB of output per item inside `each`, the
 * list stays near 200 KiB and leaves room for the rest of the state. A list this long belongs in several
 * henchmen (or executions), each over a part of it.
 *
 * The check is one Choice state ("<h>: items?", one transition): is there an item at index MAX_EACH_ITEMS?
 */
export const MAX_EACH_ITEMS = 100;

/** The helper states of a poll loop. */
export interface PollNames {
  readonly choice: string;
  readonly wait: string;
  readonly poll: string;
  readonly output: string;
}

/**
 * The poll loop helpers of the Task state `first`: "<h>: poll?", "<h>: wait", ... for a henchman; for a state
 * that is itself a helper (an undo step, an each item) its name and the helper's: "undo: provision poll?".
 */
export function pollNames(first: string): PollNames {
  if (!first.includes(': ')) {
    return { choice: NAMES.pollChoice(first), wait: NAMES.wait(first), poll: NAMES.poll(first), output: NAMES.output(first) };
  }
  const name = (helper: string) => `${first} ${helper}`;
  return { choice: name('poll?'), wait: name('wait'), poll: name('poll'), output: name('output') };
}

/**
 * How much command output (stdout, stderr) the execution state may hold in all: 160 KiB of the 256 KB a state may
 * have, the rest left for params, trigger, counters and the other outputs. The compiler shares it out among the
 * moves whose outputs carry text (an `each` henchman counts MAX_EACH_ITEMS times): when the share of one text field
 * falls under the providers' own cut (8 KiB), the event's context carries `maxText` and the provider keeps only that
 * many characters (the tail) of each text field.
 */
export const TEXT_BUDGET = 160 * 1024;

/**
 * The undo walk (./walk.ts): a retreat and the rollback walk over the plot newest first, led by `$.walk`:
 *   { at, stop, mode: "retreat" | "rollback", then, pass?, retreats?, error? }
 * `at` is the place the walk stands at (a retreat: the henchman's index in the plot; the rollback: the plot's length
 * plus the henchman's index among those with an undo), `stop` the last place it visits, `then` where it goes once
 * past it (the retreat's target, or "task: aborted"); `pass` and `retreats` carry a counter being raised (a Pass
 * computes a number only inside an object: the next state moves it to its place in $.count), `error` a failing
 * undo's error. Left in the state after a walk (small), written again by the next one.
 */
export const WALK = {
  record: '$.walk',
  at: '$.walk.at',
  stop: '$.walk.stop',
  mode: '$.walk.mode',
  then: '$.walk.then',
  pass: '$.walk.pass',
  retreats: '$.walk.retreats',
  error: '$.walk.error',
  /** The first answer of an undo that waits for the world (caught: Mastermind.Polled); every step of the walk drops it. */
  undoing: '$.walk.undoing',
  /**
   * Only in a task played as a chain of executions (./handover.ts): the history events this execution may have
   * written so far, counted in the worst case, and what the walk just begun may add.
   */
  spent: '$.walk.spent',
  cost: '$.walk.cost',
} as const;

/** The states of the undo walk; each henchman's own ones hold its name once (at most 80 characters with 64 of name). */
export const WALK_NAMES = {
  /** The walk's Choice: past the stop → `then`; a place → its henchman's step; else → "walk: next". */
  step: 'walk: step?',
  next: 'walk: next',
  /** An undo failed during a retreat: its error becomes the failure, and the abort route is taken. */
  abort: 'walk: abort',
  /** The abort route's first state with `rollback: true`: starts the rollback's walk. */
  rollback: 'task: rollback',
  /** After a retreat's start: its mark kept, and the next pass over the plot begins (`$.count.pass`, every move's attempt). */
  nextPass: 'walk: next pass',
  /** The undo of the henchman (a Task, its poll loop "undo: <h> poll?", ...). */
  undo: (h: string) => `undo: ${h}`,
  /** The undo of an `each` henchman: the Map over its outputs; each item's undo is "undo: <h>" inside it. */
  undoItems: (h: string) => `undo: ${h} items`,
  undoItemGuard: (h: string) => `undo: ${h} skip?`,
  undoItemSkipped: (h: string) => `undo: ${h} skipped`,
  /** A failing undo that serves a retreat and the rollback: the rollback goes on ("walk: next"), a retreat aborts. */
  undoFailed: 'walk: undo failed?',
  /** A task played as a chain of executions (./handover.ts): does the walk just begun fit this execution's history? */
  fits: 'walk: fits?',
  /** A retreat's walk is over and the pass from its target would not fit: hand over, the walk done. */
  handOver: 'walk: hand over',
} as const;

/** The states of a task played as a chain of executions (./handover.ts). */
export const HANDOVER_NAMES = {
  /** Starts the next execution of the chain with what this one holds. */
  start: 'task: hand over',
  /** This execution's part is played: it ends, and the next one goes on. */
  done: 'task: handed over',
  failed: 'task: handover failed',
  /** The first states of an execution handed over to. */
  begin: 'start: handover',
  version: 'handover: version?',
  otherVersion: 'handover: other version',
} as const;

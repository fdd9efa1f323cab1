/**
 * The history budget: Step Functions keeps at most 25,000 events in one execution's history (a Standard workflow
 * that reaches the quota fails). A task whose worst case fits runs in one execution; one beyond it is played as a
 * chain of executions, one piece at a time (../compiler/handover.ts: a pass over the plot, a retreat's walk back, the
 * rollback), so each piece must fit a fresh execution. Code `history-budget`: at plot[i] of the henchman that
 * contributes most when one pass does not fit, at the retreat whose walk does not, at `rollback`.
 *
 * The worst case counts what AWS writes (HistoryEvent types in the Step Functions API reference):
 *
 * | what                                 | events                                                                |
 * | ------------------------------------ | --------------------------------------------------------------------- |
 * | the execution                        | ExecutionStarted, ExecutionSucceeded/Failed, and its start and end    |
 * |                                      | states: {@link EXECUTION_EVENTS}                                      |
 * | a Pass, Choice or Wait state         | …StateEntered, …StateExited: 2                                        |
 * | a provider Task state (lambda:invoke)| TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded or        |
 * |                                      | TaskFailed, TaskStateExited: 5; each retry 3 more (TaskScheduled,     |
 * |                                      | TaskStarted, TaskFailed)                                              |
 * | its retries, worst case              | the Lambda service's 3, the move's transient `retry.attempts` (2 when |
 * |                                      | left out) and, on the Task that polls, every poll round               |
 * |                                      | (../compiler/poll.ts waitingRetrier): each retrier spent to its end   |
 * | a move that waits                    | + "wait" and two states to spare (2 each), and its Task entered again |
 * |                                      | (an item of `each`: "poll?", "wait", "output" and its poll Task)      |
 * | the states around a move             | {@link MOVE_HELPER_EVENTS} (items?, expect, output and failure states)|
 * | `each`                               | the Map (MapStateEntered, …Started, …Succeeded, …Exited: 4), then     |
 * |                                      | per item MapIterationStarted/Succeeded (2), the move and its failure  |
 * |                                      | record (2); counted for MAX_EACH_ITEMS items, the most the compiler   |
 * |                                      | lets through                                                          |
 *
 * | a retreat's undo walk               | per retreat, {@link RETREAT_EVENTS} ("<F>: retreat", "walk: next     |
 * | (../compiler/walk.ts)                | pass", the last "walk: step?", one to spare); per henchman from its   |
 * |                                      | target to the failed one, {@link WALK_VISIT_EVENTS} ("walk: step?",    |
 * |                                      | "walk: next": the walk visits those with an undo, the count all)     |
 * | an undo                              | its Task states, and the walk's states around it: {@link UNDO_EVENTS}  |
 *
 * How often: a henchman is played once, and once more each time a retreat to it or to an earlier henchman is taken
 * (1 + the sum of those retreats' `times`: every retreat starts one more pass from its target); passed over by a
 * retreat's walk, and its undo played, once for each retreat over it (from its target to the failed henchman, its
 * `times`), its undo once more for the rollback (`rollback: true`). Retreats, moves, items, poll rounds and retries
 * multiply: the figure is an upper bound, never an estimate of a normal run.
 */
import { findAction } from '../catalog.ts';
import type { ActionSpec } from '../catalog.ts';
import { moveTiming } from '../compiler/deadline.ts';
import { MAX_EACH_ITEMS } from '../compiler/layout.ts';
import { DEFAULT_POLL_TIMEOUT, waitingRetrier } from '../compiler/poll.ts';
import { LAMBDA_RETRIES } from '../compiler/states.ts';
import { parseDuration } from '../duration.ts';
import { taskError } from '../errors.ts';
import type { MoveShape } from '../invocation.ts';
import type { Henchman, Task } from '../schema.ts';
import type { Rule } from './context.ts';

/** The most events Step Functions keeps in one execution's history. */
export const HISTORY_EVENT_LIMIT = 25_000;
/** ExecutionStarted and its end, and the start and end states around the plot (a generous count). */
export const EXECUTION_EVENTS = 12;
/** The Pass and Choice states around one play of a move, 4 states of 2 events at most. */
export const MOVE_HELPER_EVENTS = 8;
/**
 * The Pass and Choice states around one play of an `each` (../compiler/henchman.ts): "items?", "list", "list?",
 * "failed items?", "items failed", "item failure", "aborted?", "items aborted", "item abort": 9 states of 2 events.
 */
export const EACH_HELPER_EVENTS = 18;
const STATE_EVENTS = 2;
/**
 * A retreat's own states besides "<F>: retreat?": "<F>: retreat", "walk: next pass", the walk's last "walk: step?",
 * and one to spare.
 */
export const RETREAT_EVENTS = 4 * STATE_EVENTS;
/** A retreat's walk over one henchman: "walk: step?", "walk: next". */
export const WALK_VISIT_EVENTS = 2 * STATE_EVENTS;
/** Around one undo, at most: "walk: step?", "walk: undo failed?" (or "undo: <h> done?"), "walk: next", and one to spare. */
export const UNDO_EVENTS = 4 * STATE_EVENTS;
const TASK_EVENTS = 5;
const RETRY_EVENTS = 3;
const MAP_EVENTS = 4;
const ITERATION_EVENTS = 2;

/** One henchman's part of the worst case, and what makes it. */
export interface HistoryShare {
  readonly name: string;
  readonly index: number;
  readonly events: number;
  readonly plays: number;
  readonly items: number;
  /** Poll rounds of one play of the move (0 when it does not wait). */
  readonly rounds: number;
  /** Retries of one Task state entry besides the poll rounds (the Lambda service's and transient ones). */
  readonly retries: number;
}

export interface HistoryWorstCase {
  readonly events: number;
  readonly shares: readonly HistoryShare[];
}

/** The events of one play of a move (for one item): its Task states, their retries, its waits. */
function moveEvents(move: MoveShape, spec: ActionSpec | undefined, retries: number): { events: number; rounds: number } {
  const timing = moveTiming(move, spec, DEFAULT_POLL_TIMEOUT);
  const task = TASK_EVENTS + RETRY_EVENTS * retries;
  if (!timing.polls) return { events: task, rounds: 0 };
  const { spec: polls, bound } = timing.polls;
  const rounds = waitingRetrier(polls.every, bound, polls.firstWait).MaxAttempts ?? 0;
  return { events: task + 3 * STATE_EVENTS + task + RETRY_EVENTS * rounds, rounds };
}

/** The move, or the same move once per item of an `each`. */
function played(h: Henchman, one: number): number {
  return h.each === undefined ? one : MAP_EVENTS + MAX_EACH_ITEMS * (ITERATION_EVENTS + one);
}

function durationsKnown(h: Henchman): boolean {
  return h.timeout === undefined || (typeof h.timeout === 'string' && parseDuration(h.timeout) !== undefined);
}

/** What one henchman costs in history events: one play of its move, and one undo of it (0 without an undo). */
export interface HenchmanEvents {
  readonly name: string;
  readonly index: number;
  /** One play: its Task states, retries, poll rounds and the states around it (every item of an `each`). */
  readonly play: number;
  /** One undo, with the walk's states around it; 0 when it has none (or its action is not known). */
  readonly undo: number;
  readonly items: number;
  readonly rounds: number;
  readonly retries: number;
  /** Its action is known and its durations read: what it costs can be counted. */
  readonly counted: boolean;
}

/** Each henchman's cost in history events (those whose action is not known count nothing). */
export function henchmanEvents(task: Task): HenchmanEvents[] {
  return task.plot.map((h, i) => {
    const spec = findAction(h.provider, h.action);
    const retries = LAMBDA_RETRIES + (h.retry?.attempts ?? 2);
    const items = h.each === undefined ? 1 : MAX_EACH_ITEMS;
    if (!spec || !durationsKnown(h)) return { name: h.name, index: i, play: 0, undo: 0, items, rounds: 0, retries, counted: false };
    const move = moveEvents(h, spec, retries);
    // An item of each may end in its failure record (a Pass); the states around the Map count once.
    const play = h.each === undefined ? move.events + MOVE_HELPER_EVENTS : played(h, move.events + STATE_EVENTS) + EACH_HELPER_EVENTS;
    const undo = h.undo === undefined || h.fire === true ? undefined : typeof h.undo === 'string' ? { action: h.undo, with: h.with } : h.undo;
    const undoSpec = undo ? findAction(h.provider, undo.action) : undefined;
    let undoEvents = 0;
    if (undo && undoSpec) {
      const step = moveEvents({ provider: h.provider, action: undo.action, with: undo.with, timeout: h.timeout }, undoSpec, retries);
      undoEvents = UNDO_EVENTS + played(h, step.events + STATE_EVENTS);
    }
    return { name: h.name, index: i, play, undo: undoEvents, items, rounds: move.rounds, retries, counted: true };
  });
}

/** Each retreat of the plot: the places it goes from and back to, and how often it may be taken. */
function retreatsOf(task: Task): { from: number; to: number; times: number }[] {
  const index = new Map(task.plot.map((h, i) => [h.name, i]));
  return task.plot.flatMap((h, from) => {
    const f = h.onFailure;
    if (typeof f !== 'object' || f === null || !('retreat' in f)) return [];
    const to = index.get(f.retreat);
    return to === undefined || to > from ? [] : [{ from, to, times: f.times }];
  });
}

/** The worst case of a task's history in one execution, henchman by henchman. */
export function historyWorstCase(task: Task): HistoryWorstCase {
  const retreats = retreatsOf(task);
  const shares = henchmanEvents(task).map((c, i): HistoryShare => {
    const base = { name: c.name, index: i, items: c.items, retries: c.retries };
    if (!c.counted) return { ...base, events: 0, plays: 1, rounds: 0 };
    const plays = 1 + retreats.filter((r) => r.to <= i).reduce((sum, r) => sum + r.times, 0);
    let events = plays * c.play;
    const visits = retreats.filter((r) => r.to <= i && i <= r.from).reduce((sum, r) => sum + r.times, 0);
    events += visits * WALK_VISIT_EVENTS + retreats.filter((r) => r.from === i).reduce((sum, r) => sum + r.times, 0) * RETREAT_EVENTS;
    if (c.undo > 0) events += (visits + (task.rollback ? 1 : 0)) * c.undo;
    return { ...base, events, plays, rounds: c.rounds };
  });
  return { events: EXECUTION_EVENTS + shares.reduce((sum, s) => sum + s.events, 0), shares };
}

/**
 * The events a handed-over execution may still write when it begins a piece (the check "walk: fits?" or the
 * walk's end, "task: hand over" and its retries, "task: handed over", the execution's own end), with room to spare.
 */
export const HANDOVER_EVENTS = 64;

/**
 * A task whose worst case does not fit one execution is played as a chain of executions (../compiler/handover.ts),
 * each one piece at a time: the forward pass over the plot, one retreat's walk back, the rollback. What each piece
 * may cost in the worst case, in history events.
 */
export interface HistoryPieces {
  /** One pass over the plot, every henchman played once (and its failure route: a retreat's own states). */
  readonly forward: number;
  /** Each retreat's walk back from the henchman that fails to its target (its undo moves). */
  readonly walks: readonly { readonly from: number; readonly to: number; readonly events: number }[];
  /** The rollback's walk over every henchman with an undo. */
  readonly rollback: number;
}

export function historyPieces(task: Task): HistoryPieces {
  const costs = henchmanEvents(task);
  const forward = costs.reduce((sum, c) => sum + c.play, 0) + RETREAT_EVENTS + STATE_EVENTS;
  const walks = retreatsOf(task).map(({ from, to }) => ({
    from,
    to,
    events: RETREAT_EVENTS + costs.slice(to, from + 1).reduce((sum, c) => sum + WALK_VISIT_EVENTS + c.undo, 0),
  }));
  const rollback = task.rollback ? 2 * STATE_EVENTS + costs.reduce((sum, c) => sum + (c.undo > 0 ? c.undo + 2 * STATE_EVENTS : 0), 0) : 0;
  return { forward, walks, rollback };
}

/** Does the task's worst case exceed one execution's history, so that it is played as a chain of executions? */
export function needsHandover(task: Task): boolean {
  return historyWorstCase(task).events > HISTORY_EVENT_LIMIT;
}

const number = (n: number) => n.toLocaleString('en-US');

export const historyBudget: Rule = (task) => {
  const worst = historyWorstCase(task);
  if (worst.events <= HISTORY_EVENT_LIMIT) return [];
  // Beyond one execution, the task is played as a chain of executions (../compiler/handover.ts), one piece at a time:
  // it fits when each piece fits a fresh execution.
  const pieces = historyPieces(task);
  const room = HISTORY_EVENT_LIMIT - EXECUTION_EVENTS - HANDOVER_EVENTS;
  if (pieces.forward > room) return [beyondOneExecution(worst)];
  const costs = henchmanEvents(task);
  const errors = [];
  for (const walk of pieces.walks) {
    if (walk.events <= room) continue;
    const failed = task.plot[walk.from]!;
    const most = costs.slice(walk.to, walk.from + 1).reduce((a, b) => (b.undo > a.undo ? b : a));
    errors.push(
      taskError(
        'history-budget',
        ['plot', walk.from, 'onFailure', 'retreat'],
        `the retreat of '${failed.name}' to '${task.plot[walk.to]!.name}' could write ${number(walk.events)} history events in the worst case as it walks back, beyond the ${number(room)} one execution has room for (Step Functions keeps ${number(HISTORY_EVENT_LIMIT)}; a longer task is played as a chain of executions, but one walk must fit one); the undo of '${most.name}' contributes most: ${number(most.undo)} events: retreat to a later henchman, or shorten the undo moves' timeouts`,
      ),
    );
  }
  if (pieces.rollback > room) {
    const most = costs.reduce((a, b) => (b.undo > a.undo ? b : a));
    errors.push(
      taskError(
        'history-budget',
        ['rollback'],
        `the rollback could write ${number(pieces.rollback)} history events in the worst case, beyond the ${number(room)} one execution has room for (Step Functions keeps ${number(HISTORY_EVENT_LIMIT)}; a longer task is played as a chain of executions, but the rollback must fit one); the undo of '${most.name}' contributes most: ${number(most.undo)} events: shorten the undo moves' timeouts`,
      ),
    );
  }
  return errors;
};

/** One pass over the plot does not fit one execution: what the whole task could write, and who contributes most. */
function beyondOneExecution(worst: HistoryWorstCase) {
  const most = worst.shares.reduce((a, b) => (b.events > a.events ? b : a));
  const what = [
    `${most.plays} play${most.plays === 1 ? '' : 's'}`,
    ...(most.items > 1 ? [`${most.items} items of each`] : []),
    ...(most.rounds > 0 ? [`${most.rounds} poll rounds`] : []),
    `${most.retries} retries a call`,
  ].join(', ');
  return taskError(
    'history-budget',
    ['plot', most.index],
    `the task could write ${number(worst.events)} history events in the worst case, beyond the ${number(HISTORY_EVENT_LIMIT)} Step Functions keeps for one execution; henchman '${most.name}' contributes most: ${number(most.events)} events (${what}): shorten its timeout, or lower its retry attempts or the times of the retreats over it`,
  );
}

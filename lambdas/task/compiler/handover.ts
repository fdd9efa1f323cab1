/**
 * A task played as a chain of executions. Step Functions keeps at most 25,000 events in one execution's history (an
 * execution that reaches it fails, rollback or not). When a task's worst case does not fit one execution
 * (../rules/history.ts historyWorstCase: retreats multiply the plot, poll rounds and retries multiply each move), it
 * is played one piece at a time, and an execution that could not fit its next piece hands over to a new execution of
 * the same task version, which goes on where it stood (AWS's "continue as new" pattern). A piece is one pass over
 * the plot, one retreat's walk back, or the rollback; validation refuses a task whose single piece would not fit a
 * fresh execution (../rules/history.ts historyBudget), so every piece is played whole in some execution.
 *
 * A task whose worst case fits one execution compiles without any of this: the states below exist only in the
 * definitions of tasks that need them.
 *
 * The count. `$.walk.spent` holds the events this execution may have written so far, in the worst case: the
 * execution's own (EXECUTION_EVENTS) at its start; a retreat adds the pass that led to it (counted whole: a pass
 * from a retreat's target to the failing henchman is never more) and the walk it begins, the rollback the same with
 * its walk. The checks stand before each piece:
 *
 *   "<F>: retreat" / "task: rollback"   spent + the pass + the walk begun (its cost kept in $.walk.cost)
 *   "walk: fits?"                      spent ≤ the room left → "walk: step?"; else → "task: hand over" (the walk
 *                                      is played by the next execution)
 *   "walk: step?", past a retreat's    spent ≤ room − one pass → the target; else → "walk: hand over" (the walk is
 *   stop                               done: the next execution begins the pass at the target)
 *   "task: hand over"                  StartExecution of the same state machine ($$.StateMachine.Id), its input the
 *                                      params, the trigger, and `resume: { of, version, out, count, failure, walk,
 *                                      started? }`; then "task: handed over" (Succeed, output the new execution)
 *
 * The new execution: "start: input?" → "start: handover" (the state as it stood, its count begun anew: the
 * execution's own events and the walk it plays) → "handover: version?" (the version it was compiled for is the one
 * handed over from, else "handover: other version" fails it: a task saved again between the two would read a state
 * it does not know) → "walk: step?", which plays the walk or, past its stop, goes to the target.
 *
 * The task's deadline (context.started) is the first execution's, carried over; the context's execution is each
 * execution's own (cancels and logs name it). AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID links the two in the console.
 */
import type { Task } from '../schema.ts';
import { EXECUTION_EVENTS, HANDOVER_EVENTS, HISTORY_EVENT_LIMIT, historyPieces, needsHandover } from '../rules/history.ts';
import type { ChoiceRule, JsonObject, State } from './asl.ts';
import { isPresent } from './expect.ts';
import { HANDOVER_NAMES, STATE, WALK, WALK_NAMES } from './layout.ts';
import { choice, ERRORS, fail, pass, succeed } from './states.ts';
import { undoable } from './undo.ts';

/** The Step Functions service integration that starts an execution (request-response: it does not wait for it). */
export const START_EXECUTION = 'arn:aws:states:::states:startExecution';

/** The input field that makes Step Functions show the new execution as started by this one. */
const STARTED_BY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

export interface Handover {
  /** What one pass over the plot may write, in the worst case. */
  readonly pass: number;
  /** Each retreat's walk, by the plot index of the henchman that retreats. */
  readonly walks: ReadonlyMap<number, number>;
  readonly rollback: number;
  /** The most events spent before a piece begins that still leave room for the hand-over. */
  readonly room: number;
  /** The task version the definition is compiled for: a handed-over execution must find the same. */
  readonly version: number;
  /** The task has a timeout: the deadline's start travels to the next execution. */
  readonly deadline: boolean;
}

/** How a task is played as a chain of executions; undefined when its worst case fits one. */
export function handoverOf(task: Task, version: number): Handover | undefined {
  if (!needsHandover(task)) return undefined;
  const pieces = historyPieces(task);
  // Only a retreat or the rollback begins a new piece: a plot without them is one pass, which fits or is refused.
  if (pieces.walks.length === 0 && !(task.rollback && task.plot.some(undoable))) return undefined;
  return {
    pass: pieces.forward,
    walks: new Map(pieces.walks.map((w) => [w.from, w.events])),
    rollback: pieces.rollback,
    room: HISTORY_EVENT_LIMIT - HANDOVER_EVENTS,
    version,
    deadline: task.timeout !== undefined,
  };
}

/** The walk record's count as an execution begins: its own events. */
export const BEGUN = { spent: EXECUTION_EVENTS } as const;

/** The fields a retreat's or the rollback's first Pass adds to the walk record: the count, and the walk's cost. */
export function walkCount(h: Handover, walk: number): JsonObject {
  return { 'spent.$': `States.MathAdd(${WALK.spent}, ${h.pass + walk})`, cost: walk };
}

/** Past a retreat's stop: the target when one more pass fits this execution. */
export function passFits(h: Handover): ChoiceRule {
  return { Variable: WALK.spent, NumericLessThanEquals: h.room - h.pass };
}

/** The states that hand an execution over to the next one, and those the next one begins with. */
export function handoverStates(h: Handover, context: JsonObject): Record<string, State> {
  const walkFields = { 'at.$': WALK.at, 'stop.$': WALK.stop, 'mode.$': WALK.mode, 'then.$': WALK.then };
  const resume: JsonObject = {
    'of.$': STATE.executionId,
    version: h.version,
    'out.$': '$.out',
    'count.$': STATE.count,
    'failure.$': STATE.failure,
    // The next execution's count begins with its own events and the walk it plays (0 once the walk is done).
    walk: { ...walkFields, 'spent.$': `States.MathAdd(${WALK.cost}, ${EXECUTION_EVENTS})` },
    ...(h.deadline ? { 'started.$': `${STATE.context}.started` } : {}),
  };
  const handOver: State = {
    Type: 'Task',
    Resource: START_EXECUTION,
    Parameters: {
      'StateMachineArn.$': '$$.StateMachine.Id',
      Input: { 'params.$': STATE.params, 'trigger.$': STATE.trigger, resume, [`${STARTED_BY}.$`]: STATE.executionId },
    },
    ResultSelector: { 'executionArn.$': '$.ExecutionArn', 'startDate.$': '$.StartDate' },
    ResultPath: '$.handedOver',
    OutputPath: '$.handedOver',
    Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.handoverError', Next: HANDOVER_NAMES.failed }],
    Next: HANDOVER_NAMES.done,
  } as unknown as State;
  const begunContext: JsonObject = { ...context };
  if (h.deadline) begunContext['started.$'] = `${STATE.resume}.started`;
  return {
    [WALK_NAMES.fits]: choice([{ rule: { Variable: WALK.spent, NumericLessThanEquals: h.room }, next: WALK_NAMES.step }], HANDOVER_NAMES.start),
    [WALK_NAMES.handOver]: pass({ parameters: { ...walkFields, spent: 0, cost: 0 }, resultPath: WALK.record, target: HANDOVER_NAMES.start }),
    [HANDOVER_NAMES.start]: handOver,
    [HANDOVER_NAMES.done]: succeed(),
    [HANDOVER_NAMES.failed]: fail({ errorPath: '$.handoverError.Error', causePath: '$.handoverError.Cause' }),
    [HANDOVER_NAMES.begin]: pass({
      parameters: {
        'params.$': STATE.params,
        'trigger.$': STATE.trigger,
        context: begunContext,
        'out.$': `${STATE.resume}.out`,
        'count.$': `${STATE.resume}.count`,
        'failure.$': `${STATE.resume}.failure`,
        'walk.$': `${STATE.resume}.walk`,
        resume: { 'of.$': `${STATE.resume}.of`, 'version.$': `${STATE.resume}.version` },
      },
      target: HANDOVER_NAMES.version,
    }),
    [HANDOVER_NAMES.version]: choice([{ rule: { Variable: `${STATE.resume}.version`, NumericEquals: h.version }, next: WALK_NAMES.step }], HANDOVER_NAMES.otherVersion),
    [HANDOVER_NAMES.otherVersion]: fail({
      error: ERRORS.invalid,
      cause: `this execution was handed over from an execution of another version of the task (this one is version ${h.version}): it cannot go on where that one stood`,
    }),
  };
}

/** The rule of "start: input?" that takes a handed-over execution's input to "start: handover". */
export function handoverRule(h: Handover): { rule: ChoiceRule; next: string } {
  const fields = ['of', 'version', 'out', 'count', 'failure', 'walk', ...(h.deadline ? ['started'] : [])];
  return { rule: { And: fields.map((f) => isPresent(`${STATE.resume}.${f}`)) }, next: HANDOVER_NAMES.begin };
}


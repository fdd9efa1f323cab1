/**
 * Moves that wait for the world. An action that polls (catalog `polls: { every }`) may answer
 * `{ poll: { after, state } }`: the machine waits `after` seconds, then asks again with phase "poll" and that
 * state handed back. While the world is not ready, a poll answers by throwing Mastermind.Waiting (the provider
 * runtime turns a poll's "ask me again", and a passing failure to look, into that error), and the poll Task
 * state's own Retry asks again every `every` seconds, at most ⌈(bound − first wait) / every⌉ times: the
 * henchman's timeout (else {@link DEFAULT_POLL_TIMEOUT}) bounds the waits inside the state machine, with no
 * counter state.
 *
 *   "X" (phase do or undo) → "X: poll?" ─output→ "X: output" → on
 *                                       └─else→ "X: wait" → "X: poll" ─output→ "X: output"
 *                                                            ├─Mastermind.Waiting: retried every `every` s
 *                                                            └─still waiting after the last retry → "X: timed out" → failure route
 *
 * A move that answers at once costs two transitions more than a plain one ("X: poll?", "X: output"); a move that
 * waits costs two more ("X: wait", "X: poll"), and each poll round after the first costs one: a retry of
 * "X: poll", which Step Functions bills as one state transition. Why a Retry rather than a Choice → Wait → Task
 * loop: see the README ("Choices"). Forward moves (./henchman.ts), the items of `each` and undo steps
 * (./rollback.ts) all wait through this one builder. Helper names: pollNames.
 */
import type { Catcher, JsonObject, Retrier, State } from './asl.ts';
import { isPresent } from './expect.ts';
import type { StateGraph } from './graph.ts';
import { pollNames } from './layout.ts';
import type { PollNames } from './layout.ts';
import { choice, ERRORS, invoke, waitSecondsPath } from './states.ts';

/** How long a polling move may wait when its henchman gives no timeout. */
export const DEFAULT_POLL_TIMEOUT = '10m';

export interface PollingMoveOptions {
  /** The Task state that makes the move (phase do or undo); its helpers are named by {@link pollNames}. */
  first: string;
  functionName: string;
  /** The provider event as a Parameters template, or the JSONPath of one ("$.event" inside a Map). */
  event: JsonObject | string;
  /** With `event` a JSONPath: whether that event carries `secrets` (the marks travel to the polls with it). */
  marked?: boolean;
  /** With `event` a JSONPath: whether that event carries `late` marks (they travel to the polls with it). */
  late?: boolean;
  /** Where `{ answer: { Payload } }` lives while the move waits. */
  slot: string;
  /**
   * The record holding `slot` as one of its fields: the first answer then replaces that whole record (a
   * henchman played again loses its old record at once). Left out, the first answer lands at `slot`.
   */
  within?: string;
  /** Seconds the move may wait in all. */
  bound: number;
  /** Seconds between two polls after the first (the action's catalog `polls.every`). */
  every: number;
  /** Seconds the first answer asks to wait (catalog `polls.firstWait`, else `every`): part of the bound. */
  firstWait?: number;
  timeoutSeconds?: number;
  retry: Retrier[];
  catch?: Catcher[];
  /** The state after the action answered `{ output }` (found at `<slot>.answer.Payload.output`). */
  output: State;
  /** The state after the waits reached the bound. */
  timedOut: State;
}

/** The `{ Error, Cause }` of a move still waiting at its bound. */
export function timeoutFailure(name: string, timeout: string): { Error: string; Cause: string } {
  return { Error: ERRORS.timeout, Cause: `${name} was still waiting after ${timeout}` };
}

/**
 * The Retry of a poll's Mastermind.Waiting: every `every` seconds, as often as fits in `bound` after the first
 * wait (`firstWait` seconds), so that the waits add up to the bound.
 */
export function waitingRetrier(every: number, bound: number, firstWait = every): Retrier {
  return { ErrorEquals: [ERRORS.waiting], IntervalSeconds: every, MaxAttempts: Math.max(1, Math.ceil((bound - firstWait) / every)), BackoffRate: 1 };
}

/**
 * The provider event of a poll: the move's own event, with phase "poll" and the state the action handed back. Its
 * secret marks are the move's own: a literal of the definition, or (inside a Map) the item's event, itself built
 * from literals by the ItemSelector.
 */
function pollEvent(event: JsonObject | string, state: string, marked = false, late = false): JsonObject {
  if (typeof event === 'string') {
    const marks: JsonObject = marked ? { 'secrets.$': `${event}.secrets` } : {};
    if (late) marks['late.$'] = `${event}.late`;
    return { 'action.$': `${event}.action`, 'input.$': `${event}.input`, ...marks, phase: 'poll', 'poll.$': state, 'context.$': `${event}.context` };
  }
  return { ...event, phase: 'poll', 'poll.$': state };
}

/** Adds the move's Task state and its poll loop to `graph`; returns the helpers' names. */
export function pollingMove(graph: StateGraph, o: PollingMoveOptions): PollNames {
  const names = pollNames(o.first);
  const answer = `${o.slot}.answer.Payload`;
  const firstAnswer: JsonObject = { answer: { 'Payload.$': '$.Payload' } };
  let resultSelector = firstAnswer;
  let resultPath = o.slot;
  if (o.within !== undefined) {
    if (!o.slot.startsWith(`${o.within}.`)) throw new Error(`the poll slot ${o.slot} is not a field of ${o.within}`);
    resultSelector = { [o.slot.slice(o.within.length + 1)]: firstAnswer };
    resultPath = o.within;
  }
  // Still waiting after the last retry: the move timed out. The error itself is dropped (ResultPath null): the
  // "timed out" state records what happened.
  const timedOut: Catcher = { ErrorEquals: [ERRORS.waiting], ResultPath: null, Next: names.timedOut };

  graph.add(
    o.first,
    invoke({
      functionName: o.functionName,
      payload: o.event,
      resultSelector,
      resultPath,
      timeoutSeconds: o.timeoutSeconds,
      retry: o.retry,
      ...(o.catch ? { catch: o.catch } : {}),
      target: names.choice,
    }),
  );
  graph.add(names.choice, choice([{ rule: isPresent(`${answer}.poll`, false), next: names.output }], names.wait));
  graph.add(names.wait, waitSecondsPath(`${answer}.poll.after`, names.poll));
  graph.add(
    names.poll,
    invoke({
      functionName: o.functionName,
      payload: pollEvent(o.event, `${answer}.poll.state`, o.marked, o.late),
      resultSelector: { 'Payload.$': '$.Payload' },
      resultPath: `${o.slot}.answer`,
      timeoutSeconds: o.timeoutSeconds,
      retry: [waitingRetrier(o.every, o.bound, o.firstWait), ...o.retry],
      catch: [timedOut, ...(o.catch ?? [])],
      target: names.output,
    }),
  );
  graph.add(names.output, o.output);
  graph.add(names.timedOut, o.timedOut);
  return names;
}

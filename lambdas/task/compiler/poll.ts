/**
 * Moves that wait for the world. An action that polls (catalog `polls: true`) may answer
 * `{ poll: { after, state } }`: it is asked again after `after` seconds with phase "poll" and its state handed
 * back, until it answers `{ output }` or the seconds waited reach the bound (the henchman's timeout, else
 * {@link DEFAULT_POLL_TIMEOUT}).
 *
 *   "X" (phase do or undo) → "X: poll?" ─output→ "X: output" → on
 *                                       ├─waited ≥ bound→ "X: timed out" → failure route
 *                                       └─else→ "X: count" → "X: wait" → "X: poll" → "X: poll?"
 *
 * A move that answers at once costs two transitions more than a plain one ("X: poll?", "X: output"); each
 * poll round costs four ("X: poll?", "X: count", "X: wait", "X: poll"). Forward moves (./henchman.ts), the
 * items of `each` and undo steps (./rollback.ts) all wait through this one builder. Helper names: pollNames.
 */
import type { Catcher, JsonObject, Retrier, State } from './asl.ts';
import { isPresent } from './expect.ts';
import type { StateGraph } from './graph.ts';
import { pollNames } from './layout.ts';
import type { PollNames } from './layout.ts';
import { choice, ERRORS, invoke, pass, waitSecondsPath } from './states.ts';

/** How long a polling move may wait when its henchman gives no timeout. */
export const DEFAULT_POLL_TIMEOUT = '10m';

export interface PollingMoveOptions {
  /** The Task state that makes the move (phase do or undo); its helpers are named by {@link pollNames}. */
  first: string;
  functionName: string;
  /** The provider event as a Parameters template, or the JSONPath of one ("$.event" inside a Map). */
  event: JsonObject | string;
  /** Where `{ answer: { Payload }, waited }` lives while the move waits. */
  slot: string;
  /**
   * The record holding `slot` as one of its fields: the first answer then replaces that whole record (a
   * henchman played again loses its old record at once). Left out, the first answer lands at `slot`.
   */
  within?: string;
  /** Seconds the move may wait in all. */
  bound: number;
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

/** The provider event of a poll: the move's own event, with phase "poll" and the state the action handed back. */
function pollEvent(event: JsonObject | string, state: string): JsonObject {
  if (typeof event === 'string') {
    return { 'action.$': `${event}.action`, 'input.$': `${event}.input`, phase: 'poll', 'poll.$': state, 'context.$': `${event}.context` };
  }
  return { ...event, phase: 'poll', 'poll.$': state };
}

/** Adds the move's Task state and its poll loop to `graph`; returns the helpers' names. */
export function pollingMove(graph: StateGraph, o: PollingMoveOptions): PollNames {
  const names = pollNames(o.first);
  const answer = `${o.slot}.answer.Payload`;
  const firstAnswer: JsonObject = { answer: { 'Payload.$': '$.Payload' }, waited: 0 };
  let resultSelector = firstAnswer;
  let resultPath = o.slot;
  if (o.within !== undefined) {
    if (!o.slot.startsWith(`${o.within}.`)) throw new Error(`the poll slot ${o.slot} is not a field of ${o.within}`);
    resultSelector = { [o.slot.slice(o.within.length + 1)]: firstAnswer };
    resultPath = o.within;
  }
  const task = (payload: JsonObject | string, selector: JsonObject, path: string, target: string) =>
    invoke({
      functionName: o.functionName,
      payload,
      resultSelector: selector,
      resultPath: path,
      timeoutSeconds: o.timeoutSeconds,
      retry: o.retry,
      ...(o.catch ? { catch: o.catch } : {}),
      target,
    });

  graph.add(o.first, task(o.event, resultSelector, resultPath, names.choice));
  graph.add(
    names.choice,
    choice(
      [
        { rule: isPresent(`${answer}.poll`, false), next: names.output },
        { rule: { Variable: `${o.slot}.waited`, NumericGreaterThanEquals: o.bound }, next: names.timedOut },
      ],
      names.count,
    ),
  );
  graph.add(
    names.count,
    pass({
      parameters: { 'answer.$': `${o.slot}.answer`, 'waited.$': `States.MathAdd(${o.slot}.waited, ${answer}.poll.after)` },
      resultPath: o.slot,
      target: names.wait,
    }),
  );
  graph.add(names.wait, waitSecondsPath(`${answer}.poll.after`, names.poll));
  graph.add(names.poll, task(pollEvent(o.event, `${answer}.poll.state`), { 'Payload.$': '$.Payload' }, `${o.slot}.answer`, names.choice));
  graph.add(names.output, o.output);
  graph.add(names.timedOut, o.timedOut);
  return names;
}

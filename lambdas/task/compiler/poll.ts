/**
 * Moves that wait for the world. An action that polls (catalog `polls: { every }`) may answer
 * `{ poll: { after, state } }`: the machine waits, then asks again with phase "poll" and that state handed back.
 * While the world is not ready, a poll answers by throwing Mastermind.Waiting (the provider runtime turns a poll's
 * "ask me again", and a passing failure to look, into that error), and the Task state's own Retry asks again every
 * `every` seconds (a long wait backs off up to 5 minutes: waitingRetrier), as often as the intervals take to add up
 * to the bound: the henchman's timeout (else {@link DEFAULT_POLL_TIMEOUT}) bounds the waits inside the state
 * machine, with no counter state.
 *
 * A forward move and an undo wait in their one Task state (pollingTask): its first answer that asks to be polled
 * comes as the error Mastermind.Polled, which its Catch keeps before a Wait that leads back to it. The items of
 * `each` (whose event is data, "$.event") wait in a loop of their own (pollingMove):
 *
 *   "X" (phase do or undo) → "X: poll?" ─output→ "X: output" → on
 *                                       └─else→ "X: wait" → "X: poll" ─output→ "X: output"
 *                                                            └─Mastermind.Waiting: retried every `every` s (backing off when long)
 *
 * Either way, a move still waiting after the last retry fails with that Mastermind.Waiting (its cause says what it
 * waits for, in the provider's words), which the state's Catch takes like any other failure of the move. Each poll
 * round after the first costs one transition: a retry, which Step Functions bills as one state transition. Why a
 * Retry rather than a Choice → Wait → Task loop: see the README ("Choices"). Helper names: pollNames.
 */
import type { Catcher, JsonObject, Retrier, State } from './asl.ts';
import { isPresent } from './expect.ts';
import type { StateGraph } from './graph.ts';
import { pollNames } from './layout.ts';
import type { PollNames } from './layout.ts';
import { choice, ERRORS, invoke, waitSeconds, waitSecondsPath } from './states.ts';
import type { Target } from './states.ts';

/** How long a polling move may wait when its henchman gives no timeout. */
export const DEFAULT_POLL_TIMEOUT = '10m';

/** What every move that waits says: its Task state, its function, how long and how often it waits, its Retry and Catch. */
interface WaitingMove {
  /** The Task state that makes the move (phase do or undo); its helpers are named by {@link pollNames}. */
  first: string;
  functionName: string;
  /** Seconds the move may wait in all. */
  bound: number;
  /** Seconds between two polls after the first (the action's catalog `polls.every`). */
  every: number;
  /** Seconds the first answer asks to wait (catalog `polls.firstWait`, else `every`): part of the bound. */
  firstWait?: number;
  timeoutSeconds?: number;
  retry: Retrier[];
  catch?: Catcher[];
}

export interface PollingMoveOptions extends WaitingMove {
  /** The JSONPath of the provider event, data of the iteration ("$.event" inside a Map). */
  event: string;
  /** Whether that event carries `secrets` (the marks travel to the polls with it). */
  marked?: boolean;
  /** Whether that event carries `late` marks (they travel to the polls with it). */
  late?: boolean;
  /** Where `{ answer }` (the action's answer) lives while the move waits. */
  slot: string;
  /** The state after the action answered `{ output }` (found at `<slot>.answer.output`). */
  output: State;
}

/**
 * A wait of at most this many rounds at `every` keeps a flat interval (10 minutes at 5 s is 120 rounds); a longer
 * one backs off, so that a long wait stays within Step Functions' 25,000 history events (../rules/history.ts).
 */
export const FLAT_POLL_ROUNDS = 180;
/** How much longer each interval of a backing-off wait is than the one before (the Retry's BackoffRate). */
export const POLL_BACKOFF_RATE = 1.5;
/** The longest interval of a backing-off wait (the Retry's MaxDelaySeconds): 5 minutes. */
export const POLL_MAX_DELAY_SECONDS = 300;
/** Step Functions' largest MaxAttempts. */
const MAX_ATTEMPTS = 99_999_999;

/**
 * The Retry of a poll's Mastermind.Waiting, so that the waits add up to `bound` after the first wait (`firstWait`
 * seconds). With W = bound − firstWait:
 *
 * - flat, when ⌈W / every⌉ ≤ FLAT_POLL_ROUNDS: every `every` seconds, MaxAttempts = max(1, ⌈W / every⌉),
 *   BackoffRate 1;
 * - backing off otherwise: Step Functions waits IntervalSeconds × BackoffRate^(n−1) before retry n, at most
 *   MaxDelaySeconds. The intervals are every·1.5^k (k = 0, 1, ...) up to the cap of 300 s, then 300 s each:
 *   with g = the number of growing intervals (the k with every·1.5^k < 300) and G their sum,
 *   MaxAttempts = the smallest n whose intervals add up to W: n ≤ g when the growing ones suffice, else
 *   g + ⌈(W − G) / 300⌉ (at most 99,999,999). A `2d` wait at 10 s is 583 rounds instead of 17,279.
 */
export function waitingRetrier(every: number, bound: number, firstWait = every): Retrier {
  const wait = bound - firstWait;
  const flat = Math.max(1, Math.ceil(wait / every));
  if (flat <= FLAT_POLL_ROUNDS) return { ErrorEquals: [ERRORS.waiting], IntervalSeconds: every, MaxAttempts: flat, BackoffRate: 1 };
  return {
    ErrorEquals: [ERRORS.waiting],
    IntervalSeconds: every,
    MaxAttempts: Math.min(MAX_ATTEMPTS, backoffAttempts(every, wait)),
    BackoffRate: POLL_BACKOFF_RATE,
    MaxDelaySeconds: Math.max(every, POLL_MAX_DELAY_SECONDS),
  };
}

/** How many backing-off intervals (see waitingRetrier) add up to `wait` seconds. */
function backoffAttempts(every: number, wait: number): number {
  const cap = Math.max(every, POLL_MAX_DELAY_SECONDS);
  let sum = 0;
  let n = 0;
  for (let interval = every; interval < cap; interval *= POLL_BACKOFF_RATE) {
    if (sum >= wait) return n;
    sum += interval;
    n += 1;
  }
  return sum >= wait ? n : n + Math.ceil((wait - sum) / cap);
}

/**
 * The provider event of an item's poll: the item's event, with phase "poll" and the state the action handed back.
 * Its secret marks are the item's event's, built from literals of the definition by the Map's ItemSelector.
 */
function pollEvent(event: string, state: string, marked = false, late = false): JsonObject {
  const marks: JsonObject = marked ? { 'secrets.$': `${event}.secrets` } : {};
  if (late) marks['late.$'] = `${event}.late`;
  return { 'action.$': `${event}.action`, 'input.$': `${event}.input`, ...marks, phase: 'poll', 'poll.$': state, 'context.$': `${event}.context`, 'move.$': `${event}.move` };
}

export interface PollingTaskOptions extends WaitingMove {
  /** The provider event as a Parameters template (written once, for every round). */
  event: JsonObject;
  /** Where the answer lands (the Task's ResultPath): `{ output }`, or `{ poll }` while the move waits. */
  slot: string;
  /**
   * What the event sends as `was`, the place holding the last answer, present whenever the Task state is entered: the
   * henchman's record for a forward move (its answer is the record: the start states give every such henchman an
   * empty one), the walk for an undo (its answer is the walk's `undoing`, which every step of the walk drops).
   */
  was: string;
  /** Where the move goes once answered with `{ output }` (null: the end of the execution). */
  answered: Target;
}

/**
 * A move that waits for the world in one Task state (a forward move, an undo; the items of `each` use
 * {@link pollingMove}). The state is entered once for the move, then once more after its first wait, for its poll
 * rounds. A first answer that asks to be called again reaches it as the error Mastermind.Polled
 * (../../providers/contract.ts PolledError: its message is the answer, stamped with the play), which its first
 * catcher keeps in `slot` before the Wait; the event carries that place back (`was`), and the provider runtime
 * (joinContext) takes a call whose `was` holds a Mastermind.Polled of this very play for a poll round. The
 * definition holds the event, the Retry and the Catch once, and no Choice tells a done answer from one that waits:
 *
 *   "X" ─{ output }→ on
 *    ├─Mastermind.Polled (kept in `slot`)→ "X: wait" (the first wait) → "X" (a poll round: Mastermind.Waiting
 *    │                                                                        retried every `every` s)
 *    └─any other failure→ the move's Catch
 *
 * A move still waiting after the last retry fails with that Mastermind.Waiting (its cause: what it waits for, in the
 * provider's words), which the Catch takes like any failure of the move. A move that answers at once costs one
 * transition, as a plain one; one that waits, two more ("X: wait", "X" again), and each poll round after the first
 * one: a retry of "X". The first wait is the catalog's (`polls.firstWait`, else `every`): the providers' first
 * answers ask for exactly that.
 */
export function pollingTask(graph: StateGraph, o: PollingTaskOptions): PollNames {
  const names = pollNames(o.first);
  const polled: Catcher = { ErrorEquals: [ERRORS.polled], ResultPath: o.slot, Next: names.wait };
  graph.add(
    o.first,
    invoke({
      functionName: o.functionName,
      payload: { ...o.event, 'was.$': o.was },
      resultPath: o.slot,
      timeoutSeconds: o.timeoutSeconds,
      retry: [waitingRetrier(o.every, o.bound, o.firstWait), ...o.retry],
      catch: [polled, ...(o.catch ?? [])],
      target: o.answered,
    }),
  );
  graph.add(names.wait, waitSeconds(o.firstWait ?? o.every, o.first));
  return names;
}

/** Adds the move's Task state and its poll loop to `graph` (the items of `each`); returns the helpers' names. */
export function pollingMove(graph: StateGraph, o: PollingMoveOptions): PollNames {
  const names = pollNames(o.first);
  const answer = `${o.slot}.answer`;
  graph.add(
    o.first,
    invoke({
      functionName: o.functionName,
      payload: o.event,
      resultSelector: { 'answer.$': '$' },
      resultPath: o.slot,
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
      resultPath: `${o.slot}.answer`,
      timeoutSeconds: o.timeoutSeconds,
      retry: [waitingRetrier(o.every, o.bound, o.firstWait), ...o.retry],
      ...(o.catch ? { catch: o.catch } : {}),
      target: names.output,
    }),
  );
  graph.add(names.output, o.output);
  return names;
}

/**
 * The provider contract (../shared/DESIGN.md "Provider contract"): the event a provider Lambda receives
 * from a Task state, the result it returns, and the errors it throws.
 *
 * The state machine sends the context in two parts: `context`, what every move of the execution shares (project, task,
 * version, execution, maxText, taskTimeout, started: written once into the execution state by the start states), and
 * `move`, the move's own (henchman, attempt, item, timeout, detach): lambdas/task/compiler/payload.ts. Whoever reads an
 * event first joins them ({@link joinContext}: the provider runtime, the local engine), so actions see one context.
 */

export type Phase = 'do' | 'undo' | 'poll';

export interface ProviderContext {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  /** The execution ARN (or the local execution id). */
  readonly execution: string;
  readonly henchman: string;
  /** How often this henchman has been played in this execution: 1, then 2 after one retreat, ... Retries keep it. */
  readonly attempt: number;
  /** Inside `each`: the item's index. */
  readonly item?: number;
  /**
   * The most characters a text field of the output may keep (its tail), set by the compiler when the task's
   * moves together could otherwise fill the execution state (256 KB).
   */
  readonly maxText?: number;
  /**
   * The henchman's timeout in seconds, set by the compiler (../task/compiler/deadline.ts) for moves that do not wait
   * for the world. The provider ends its remote work within it and fails the move with Mastermind.Timeout; the Task
   * state (or a detached move's poll loop) waits a grace longer.
   */
  readonly timeout?: number;
  /** The move is compiled to poll: a command runs detached on the host and the action answers `{ poll }`. */
  readonly detach?: boolean;
  /**
   * The task's timeout in seconds and when the execution started (ISO 8601, $$.Execution.StartTime), set by the
   * compiler in every event of a task with a timeout (the part of the context every move shares, built once). In
   * phases do and poll the provider ends a move that would outlive the task's deadline at it and fails it with
   * Mastermind.TaskTimeout (./deadline.ts), which every provider Task state sends to the abort route; in phase undo
   * it is ignored (a rollback must run).
   */
  readonly taskTimeout?: number;
  readonly started?: string;
}

/**
 * One place of the input where the task's own source (or the project settings) names a secret. The compiler writes
 * these as literals of the state machine's definition, so nothing that arrives at run time can add one:
 *
 *   { "path": ["key"], "text": "${secret:/mastermind/web/ssh-key}" }
 *   { "path": ["command", "values", "1"], "text": "${secret:/mastermind/web/db-password}" }
 *   { "path": ["tags", "auth"], "text": "Bearer ${secret:/mastermind/_shared/token}" }
 *
 * `path` is the key path of a string inside `input` (field names and list indexes); `text` is that string in the
 * task language: `${secret:/name}` is the secret's value, `$${` a literal `${`, everything else literal. The
 * provider puts the text, secrets resolved, at the place; it reads no other string for secret references (the
 * input keeps the reference text at the place, for history).
 */
export interface SecretMark {
  readonly path: readonly (string | number)[];
  readonly text: string;
}

/**
 * A mark as the event carries it: a SecretMark, or its bare path when the string at that place is a literal of the
 * definition and is the mark's text itself (the usual case: `"key": "${secret:/mastermind/web/ssh-key}"` is marked
 * `"key"`, a field of the input by its name alone; `["tags", "auth"]` deeper). The provider then reads the text at the
 * place. Either way the marks are literals of the definition, and
 * the string at a bare-marked place is too (the compiler writes a bare path only where the Parameters template holds
 * the text literally), so nothing that arrives at run time is ever read for secrets.
 */
export type WireSecretMark = SecretMark | readonly (string | number)[] | string;

/** The path of a mark, bare or not. */
export function markPath(mark: WireSecretMark): readonly (string | number)[] {
  if (typeof mark === 'string') return [mark];
  return Array.isArray(mark) ? (mark as readonly (string | number)[]) : (mark as SecretMark).path;
}

/**
 * A place of the input whose value the compiler could not prove present in every execution (a field of a hook's
 * body, a list index, a key inside a map param or an output typed as an object or list, a field of an `each` item, a
 * param without default): the state machine passes the part it can prove (the trigger's body, the list, the item)
 * and the provider walks the rest (./late.ts). A value that is not there fails the move with Mastermind.Invalid
 * naming the reference, which the henchman's failure route takes (a missing path read by the state machine itself
 * would be States.Runtime, which no Catch takes):
 *
 *   { "path": ["host"], "text": "${trigger.body.host}", "at": ["host"] }      input.host = (trigger.body).host
 *   { "path": ["url"], "join": true }                                         input.url = its parts, joined as text
 *
 * Marks are applied in order (a join comes after the lookups of its parts), before input checks and secrets.
 */
export type LateMark =
  | { readonly path: readonly (string | number)[]; readonly text: string; readonly at: readonly (string | number)[] }
  | { readonly path: readonly (string | number)[]; readonly join: true };

export interface ProviderEvent {
  readonly action: string;
  /**
   * The action's input: references resolved. Where the task names a secret the input holds the reference text
   * `${secret:/name}`, and `secrets` marks the place: only marked places are resolved.
   */
  readonly input: Record<string, unknown>;
  /** The places of `input` that hold secrets (see {@link SecretMark}, {@link WireSecretMark}); left out when there are none. */
  readonly secrets?: readonly WireSecretMark[];
  /** The places of `input` the provider completes from the execution's data (see {@link LateMark}); left out when none. */
  readonly late?: readonly LateMark[];
  /** The compiler leaves out "do" (the commonest); {@link joinContext} puts it back before anyone reads the event. */
  readonly phase: Phase;
  /** With phase "poll": the state the action's first answer (phase do or undo) asked to be handed back; every poll gets it. */
  readonly poll?: unknown;
  readonly context: ProviderContext;
  /**
   * The move's own part of the context, as the state machine sends it inside `each` (elsewhere its fields stand at the
   * top of the event: MOVE_FIELDS); {@link joinContext} merges it into `context`.
   */
  readonly move?: Partial<ProviderContext>;
  /**
   * Where the move's last answer is kept in the execution state, as a move's one Task state sends it (in phase do,
   * the henchman's record; in phase undo, the walk, whose `undoing` holds the undo's answer). An event that carries it
   * comes from a Task state that waits in itself: a first answer that asks to be called again is thrown as
   * {@link PolledError}, which that state's Catch keeps in that place; when `was` holds one of this very play
   * ({@link PollStamp}), the call is a poll round. {@link joinContext} reads it and takes it out. See
   * ../task/compiler/poll.ts.
   */
  readonly was?: unknown;
}

/**
 * Which play a `{ poll }` answer belongs to: the provider runtime (and the local engine) stamp every first answer
 * that asks to be called again with the execution and the pass (context.attempt) of the move. A henchman is played at
 * most once per pass (a retreat begins the next pass; a loop without a retreat is refused), so a stamp that matches
 * says "this call is the next round of that answer", and an answer left over from a play that failed while it
 * waited (or from another execution: a resume, a chain) never does.
 */
export interface PollStamp {
  readonly execution: string;
  readonly attempt: number;
}

/** The move's own part of the context, as the compiler writes it at the top of an event (or in its `move`). */
export const MOVE_FIELDS = ['henchman', 'attempt', 'item', 'timeout', 'detach'] as const;

/**
 * The event as the providers read it: its move's fields (at its top, or in its `move`: MOVE_FIELDS) merged into its
 * `context` (the move's win) and dropped from the top, and its phase "do" when it gives none (the compiler leaves "do"
 * out: some 13 bytes less in every forward Task state). Anything that is not an event is returned as it is, for the
 * checks that follow to refuse.
 */
export function joinContext<T>(event: T): T {
  const e = event as Record<string, unknown> | null;
  if (!e || typeof e !== 'object' || Array.isArray(e)) return event;
  const joined: Record<string, unknown> = { ...e };
  if (joined.phase === undefined) joined.phase = 'do';
  const top: Record<string, unknown> = {};
  for (const field of MOVE_FIELDS) {
    if (field in joined) {
      top[field] = joined[field];
      delete joined[field];
    }
  }
  const move = joined.move;
  const nested = move && typeof move === 'object' && !Array.isArray(move) ? (move as object) : undefined;
  if (Object.keys(top).length > 0 || move !== undefined) {
    if (!joined.context || typeof joined.context !== 'object' || (move !== undefined && !nested)) return event;
    delete joined.move;
    joined.context = { ...(joined.context as object), ...top, ...nested };
  }
  if ('was' in joined) {
    const was = joined.was;
    delete joined.was;
    const round = pollRound(joined.phase, was, joined.context);
    if (round) {
      joined.phase = 'poll';
      joined.poll = round.state;
    }
  }
  return joined as T;
}

/** Whether an event comes from a Task state that waits in itself (it carries `was`): see {@link settleAnswer}. */
export function waitsInItsTask(event: unknown): boolean {
  return event !== null && typeof event === 'object' && 'was' in event;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The message of a failure's cause. A Lambda function's error reaches Step Functions as the JSON of
 * { errorType, errorMessage, trace } (the provider's message, and a stack trace nobody reading a task needs);
 * any other cause (a timeout, an unmet expect, a stop, an error the local engine caught) is text already.
 */
export function causeMessage(cause: string | undefined): string | undefined {
  if (cause === undefined || !cause.startsWith('{')) return cause;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = objectOf(JSON.parse(cause));
  } catch {
    return cause;
  }
  return typeof parsed?.errorMessage === 'string' && typeof parsed.errorType === 'string' ? parsed.errorMessage : cause;
}

/** The `{ after, state, for }` a {@link PolledError} carries, from its message. */
export function polledAnswer(cause: unknown): Record<string, unknown> | undefined {
  const message = typeof cause === 'string' ? causeMessage(cause) : undefined;
  if (message === undefined) return undefined;
  try {
    return objectOf(JSON.parse(message));
  } catch {
    return undefined;
  }
}

/**
 * The answer a call of a move's one Task state continues (`was`: see {@link ProviderEvent.was}): the first answer,
 * caught as `{ Error: "Mastermind.Polled", Cause }`, when it asked to be called again in this very play (its stamp
 * names this execution and pass), else none (the call is the move's do or undo).
 */
function pollRound(phase: unknown, was: unknown, context: unknown): { state: unknown } | undefined {
  const caught = objectOf(phase === 'undo' ? objectOf(was)?.undoing : phase === 'do' ? was : undefined);
  if (caught?.Error !== ERROR_NAMES.polled) return undefined;
  const poll = polledAnswer(caught.Cause);
  const stamp = objectOf(poll?.for);
  const ctx = objectOf(context);
  if (!poll || !stamp || !ctx || !('state' in poll)) return undefined;
  return stamp.execution === ctx.execution && stamp.attempt === ctx.attempt ? { state: poll.state } : undefined;
}

/**
 * A first answer (phase do or undo) that asks to be called again, stamped with the play it belongs to
 * ({@link PollStamp}): thrown as {@link PolledError} to a Task state that waits in itself (`inItsTask`: its event
 * carried `was`), returned as `{ poll }` to the loop of an item of `each`. Any other result as it is.
 */
export function settleAnswer(event: Pick<ProviderEvent, 'phase' | 'context'>, result: ProviderResult, inItsTask: boolean): ProviderResult {
  if (event.phase === 'poll' || !('poll' in result)) return result;
  const stamp: PollStamp = { execution: event.context.execution, attempt: event.context.attempt };
  const poll = { ...result.poll, for: stamp };
  if (!inItsTask) return { poll };
  const length = JSON.stringify(poll).length;
  if (length > MAX_POLLED_ANSWER) {
    throw new FailedError(`the action asked to be called again with ${length} characters of state; a move that waits keeps at most ${MAX_POLLED_ANSWER}`);
  }
  throw new PolledError(poll);
}

export type ProviderResult =
  | { readonly output: Record<string, unknown> }
  | { readonly poll: { readonly after: number; readonly state: unknown; readonly waitingFor?: string; readonly for?: PollStamp } };
/*
 * `waitingFor`: what the action waits for, in its own words, completing "waiting for ..." ("i-0abc to be running (it
 * is pending)"). Each poll round that is not done yet carries it as the message of its Mastermind.Waiting, so the
 * execution's history (and status, history, watch) say what a waiting move waits for.
 */

export const ERROR_NAMES = {
  transient: 'Mastermind.Transient',
  failed: 'Mastermind.Failed',
  invalid: 'Mastermind.Invalid',
  waiting: 'Mastermind.Waiting',
  polled: 'Mastermind.Polled',
  timeout: 'Mastermind.Timeout',
  cancelled: 'Mastermind.Cancelled',
  taskTimeout: 'Mastermind.TaskTimeout',
} as const;

export type ErrorName = (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES];

/** A provider error: its `name` is what the state machine routes on (Retry, Catch). */
export class ProviderError extends Error {
  constructor(
    override readonly name: ErrorName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Try the same move again: throttling, a dropped connection, a 5xx. */
export class TransientError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_NAMES.transient, message, options);
  }
}

/** The move failed: take the henchman's failure route. */
export class FailedError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_NAMES.failed, message, options);
  }
}

/** Bad input: no retry will help. */
export class InvalidError extends ProviderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ERROR_NAMES.invalid, message, options);
  }
}

/**
 * The henchman's timeout ran out (context.timeout): the provider ended the remote work on the host before it threw
 * this, so nothing the move started lands after the failure route has begun. Never retried; the failure route takes it.
 */
export class TimeoutError extends ProviderError {
  constructor(message: string) {
    super(ERROR_NAMES.timeout, message);
  }
}

/**
 * Someone asked to cancel the execution (POST .../cancel): thrown by the provider runtime before a do or poll,
 * never before an undo. The state machine takes the abort route (rollback included), whatever the henchman's
 * onFailure says; the message names who cancelled, when and why.
 */
export class CancelledError extends ProviderError {
  constructor(message: string) {
    super(ERROR_NAMES.cancelled, message);
  }
}

/**
 * The task's timeout ran out (context.taskTimeout): the move was ended on the host at the task's deadline, or not
 * started. Never retried; the state machine takes the abort route (rollback included), not the henchman's.
 */
export class TaskTimeoutError extends ProviderError {
  constructor(message: string) {
    super(ERROR_NAMES.taskTimeout, message);
  }
}

/**
 * A poll's "not done yet, ask me again". An action answers `{ poll }` in every phase; in phase "poll" the provider
 * runtime (and the local engine, for in-process handlers) throws it as this error, which the polling Task state's
 * Retry catches: it asks again every N seconds, handing back the state of the first answer, up to the henchman's
 * timeout. The last one, thrown when the retries are spent, is the move's failure ("still waiting for <what the
 * action waits for>"). See ../task/compiler/poll.ts.
 */
export class WaitingError extends ProviderError {
  constructor(message = 'still waiting: the action asked to be called again') {
    super(ERROR_NAMES.waiting, message);
  }
}

/**
 * A first answer that asks to be called again, as a Task state that waits in itself takes it: an error its Catch
 * keeps in the move's place (the henchman's record, the walk's `undoing`) before its Wait, so that no Choice has to
 * tell an answer that is done from one that is not (a move answered at once costs one transition, as a plain one).
 * Its message is the JSON of `{ after, state, waitingFor?, for }`; the next call hands it back as `was`.
 */
export class PolledError extends ProviderError {
  constructor(readonly poll: Record<string, unknown>) {
    super(ERROR_NAMES.polled, JSON.stringify(poll));
    // Lambda sends a function error's stack as its `trace`, which the Catch keeps in the execution state with the
    // message: nobody needs a stack for an answer.
    this.stack = ERROR_NAMES.polled;
  }
}

/**
 * The longest first answer (the JSON of `{ after, state, waitingFor, for }`) that travels as a Mastermind.Polled:
 * Step Functions keeps at most 32,768 characters of an error's cause, and the cause is the JSON of the whole error.
 */
export const MAX_POLLED_ANSWER = 16_384;

/** A result as the state machine takes it: in phase "poll", `{ poll }` becomes a thrown {@link WaitingError}. */
export function settlePoll(phase: Phase, result: ProviderResult): ProviderResult {
  if (phase === 'poll' && 'poll' in result) {
    const words = result.poll.waitingFor;
    throw new WaitingError(words ? `${WAITING_FOR}${words}` : `still waiting: the action asked to be called again in ${result.poll.after} s`);
  }
  return result;
}

/** How the message of a poll round's Mastermind.Waiting begins when the action said what it waits for. */
const WAITING_FOR = 'still waiting for ';

/**
 * What a waiting move waits for, from the message of its Mastermind.Waiting: the action's words (its `waitingFor`), or
 * the whole message when it gave none (a passing failure to look says so).
 */
export function waitingWords(message: string): string | undefined {
  if (message.length === 0) return undefined;
  return message.startsWith(WAITING_FOR) ? message.slice(WAITING_FOR.length) : message;
}

/**
 * An error as the state machine takes it: in phase "poll", a passing failure to look (Mastermind.Transient)
 * is one more round of waiting. The polling Task state's retry budget for transient errors is spent once per move, not
 * per round, so a few throttled looks spread over a long wait must not fail the move; the timeout still bounds it.
 */
export function settlePollError(phase: Phase, error: unknown): unknown {
  if (phase === 'poll' && error instanceof Error && error.name === ERROR_NAMES.transient) {
    return new WaitingError(`still waiting: the look failed for a passing reason (${error.message}); asked again`);
  }
  return error;
}

/** The largest text (stdout, stderr) an output keeps, in characters; the tail is kept. */
export const MAX_TEXT = 8192;

/**
 * The largest text an output keeps inside `each` (context.item set): the Map collects every item's output in the
 * execution state, which must stay under 256 KB for the largest list the compiler lets through.
 */
export const MAX_ITEM_TEXT = 512;

/** Cuts text to its last `max` characters; says whether it did. */
export function keepTail(text: string, max = MAX_TEXT): { text: string; truncated: boolean } {
  return text.length <= max ? { text, truncated: false } : { text: text.slice(text.length - max), truncated: true };
}

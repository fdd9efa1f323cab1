/**
 * An execution's history, read as the game it is: per henchman, each move it made (one play of its do or its undo)
 * with its action, how many times it was tried (retries), how many times it looked again while it waited (poll
 * rounds) and what it waited for, when it started and ended, and its output or error. Built from
 * GetExecutionHistory events, the same on AWS and in local mode; pure.
 *
 * | what the history shows                                        | the move                                        |
 * | ------------------------------------------------------------- | ----------------------------------------------- |
 * | its Task state answered { output }                            | succeeded, with the output                      |
 * | ... then "<h>: unexpected" (its expect was not met)           | failed: Mastermind.Unexpected, naming the       |
 * |                                                               | conditions not met and the values seen          |
 * | it answered { poll } (or threw it: Mastermind.Polled) / its   | waiting: rounds, waitingFor (the provider's     |
 * | poll round threw Mastermind.Waiting                           | words), pollAfter                               |
 * | it left its Task state still waiting (the henchman's timeout) | failed: Mastermind.Waiting, what it waited for  |
 * | it was invoked with InvocationType Event (`fire`)             | fired (its result never comes back to the       |
 * |                                                               | execution: Lambda runs it on its own)           |
 * | an inline Map (`each`)                                        | one move with its items, by index, each with    |
 * |                                                               | its item value (and host) and its own state;    |
 * |                                                               | failed when an item failed                      |
 * | a Task, Map or item still under way when the execution ended  | stopped                                         |
 * | the provider event of its Task state (TaskScheduled)           | input: the event's `input` (late values filled  |
 * |                                                               | in as the provider fills them; a secret stays   |
 * |                                                               | its reference text `${secret:/name}`)           |
 *
 * The one place that reads state names is {@link stateRole} (and the poll helpers' names, through the compiler's
 * layout): every other fact comes from the events themselves (the provider event in LambdaFunctionScheduled or
 * TaskScheduled names the henchman, phase and action).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { HANDOVER_NAMES, NAMES, pollNames } from '#task/compiler/layout';
import { causeMessage, polledAnswer, waitingWords } from '#providers/contract';
import { resolveLate } from '#providers/late';

/** How a failure's cause reads (the provider contract's reader of a Lambda function's error): executions.ts, tests. */
export { causeMessage };

/**
 * `fired`: invoked with `fire` (the execution went on without its result). `stopped`: the execution was stopped or
 * ended (or its state machine deleted) while the move was under way.
 */
export type MoveStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'fired' | 'stopped';

export interface MoveError {
  readonly error: string;
  readonly cause?: string;
}

/** What a move, or one item of an `each` move, did. */
export interface PlaySummary {
  /** Times the move's own Task state was invoked: 1, more after retries (transient errors). */
  readonly attempts: number;
  /** Times it looked again while it waited for the world (poll rounds); left out when it never waited. */
  readonly rounds?: number;
  /** While waiting (and after, if it never answered): what it waits for, in the provider's words. */
  readonly waitingFor?: string;
  /** While waiting after its first answer: seconds until the first look. */
  readonly pollAfter?: number;
  readonly start: string;
  readonly end?: string;
  readonly status: MoveStatus;
  /**
   * The action's input as its provider was handed it (the provider event's `input`, its late values filled in as
   * the provider fills them): references resolved, except secrets, which stay their reference text
   * (`${secret:/mastermind/web/ssh-key}`), as the history holds them. An `each` move has none: its items have theirs.
   */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: MoveError;
}

/** One item of an `each` move. */
export interface ItemSummary extends PlaySummary {
  /** The item's place in the list, from 0. */
  readonly index: number;
  /** The item's value (left out for a fired `each`, whose items the Map does not keep). */
  readonly item?: unknown;
  /** The host the item's action went to, when its input names one (ssh, chef). */
  readonly host?: string;
}

export interface MoveSummary extends PlaySummary {
  /** The move's first state: the henchman's own Task or Map state, or an undo step's ("rollback: provision"). */
  readonly state: string;
  /** do, or undo. */
  readonly phase: string;
  readonly action?: string;
  /** For `each`: every item, in list order. The move's attempts are then 1 (the items have their own). */
  readonly items?: ItemSummary[];
}

export interface HenchmanSummary {
  readonly henchman: string;
  /** The last move's status. */
  readonly status: MoveStatus;
  /** In the order played. */
  readonly moves: MoveSummary[];
}

/** Says why a henchman's output did not meet its expect (the conditions not met, the values seen); undefined when it cannot. */
export type ExpectExplainer = (henchman: string, output: unknown) => string | undefined;

export interface SummaryOptions {
  readonly explain?: ExpectExplainer;
}

interface Play {
  state: string;
  henchman: string;
  phase: string;
  action?: string;
  attempts: number;
  rounds: number;
  waitingFor?: string;
  pollAfter?: number;
  start: string;
  end?: string;
  status: MoveStatus;
  input?: unknown;
  output?: unknown;
  error?: MoveError;
  /**
   * The states that poll this move, once it asked to be polled: its own Task state, entered again after its wait (a
   * forward move, an undo), or "<first> poll" (an item of `each`).
   */
  pollStates?: readonly string[];
  /** Its events now come from the poll state: a TaskScheduled is a round, not an attempt. */
  polling: boolean;
  /** The last look ended in Mastermind.Waiting: leaving the state without another look means the poll gave up. */
  gaveUp: boolean;
  /** `each`: the items by index. */
  items?: Map<number, Item>;
}

interface Item {
  index: number;
  item?: unknown;
  host?: string;
  start: string;
  end?: string;
  /** MapIterationFailed / Aborted, when no play says more. */
  ended?: MoveStatus;
  play?: Play;
}

/** The thread an event belongs to: the execution itself (undefined) or one item of a Map. */
type Thread = Item | undefined;

/** What a poll that is not done yet throws (lambdas/providers/contract.ts WaitingError). */
const WAITING = 'Mastermind.Waiting';
/** What a first answer that asks to be called again throws to a Task state that waits in itself (PolledError). */
const POLLED = 'Mastermind.Polled';
/** What an unmet expect fails with (lambdas/task/compiler/states.ts ERRORS.unexpected). */
const UNEXPECTED = 'Mastermind.Unexpected';

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The henchman a helper state belongs to: "configure: retreat?" → "configure"; the undo walk's "undo: provision",
 * "undo: provision poll" → "provision" (a henchman name is [a-z0-9-]).
 */
export function henchmanOfState(state: string): string {
  const walked = /^(?:undo|replay): ([a-z0-9-]+)/.exec(state);
  if (walked) return walked[1]!;
  const colon = state.indexOf(':');
  return colon === -1 ? state : state.slice(0, colon);
}

export type StateRole = 'unexpected' | 'item-unexpected' | 'other';

/**
 * What a state is, by its name (lambdas/task/compiler/layout.ts NAMES): the one function that maps the compiler's
 * state names to henchmen and meanings, so that a change of names is made here alone. A Task state's henchman is
 * read from the provider event it was handed, not from here.
 */
export function stateRole(state: string): { readonly henchman: string; readonly role: StateRole } {
  const henchman = henchmanOfState(state);
  if (state === NAMES.unexpected(henchman)) return { henchman, role: 'unexpected' };
  if (state === `${NAMES.item(henchman)} unexpected`) return { henchman, role: 'item-unexpected' };
  return { henchman, role: 'other' };
}

/** The henchmen whose expect was not met in these events (whose explanation needs their task's expect). */
export function unmetExpects(events: readonly HistoryEvent[]): string[] {
  const names = new Set<string>();
  for (const event of events) {
    const name = event.stateEnteredEventDetails?.name;
    if (event.type !== 'PassStateEntered' || name === undefined) continue;
    const { henchman, role } = stateRole(name);
    if (role !== 'other') names.add(henchman);
  }
  return [...names];
}

function time(event: HistoryEvent): string {
  return event.timestamp instanceof Date ? event.timestamp.toISOString() : String(event.timestamp);
}

function failure(details: { error?: string; cause?: string } | undefined): MoveError {
  const cause = causeMessage(details?.cause);
  return { error: details?.error ?? 'Unknown', ...(cause !== undefined ? { cause } : {}) };
}

/** A short JSON of a value, for a sentence. */
function brief(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function newPlay(state: string, start: string): Play {
  return { state, henchman: henchmanOfState(state), phase: 'do', attempts: 0, rounds: 0, start, status: 'running', polling: false, gaveUp: false };
}

const OPEN: readonly MoveStatus[] = ['running', 'waiting'];

export function summarizeHistory(events: readonly HistoryEvent[], options: SummaryOptions = {}): HenchmanSummary[] {
  /** Every event's play (Task states) and thread. */
  const playOf = new Map<number, Play>();
  const threadOf = new Map<number, Thread>();
  /** Top-level moves, in order. */
  const plays: Play[] = [];
  /** The Map visits under way, by state name. */
  const maps = new Map<string, Play>();

  const lastPlay = (thread: Thread, henchman?: string): Play | undefined => {
    if (thread) return thread.play;
    for (let i = plays.length - 1; i >= 0; i--) if (henchman === undefined || plays[i]!.henchman === henchman) return plays[i];
    return undefined;
  };

  const unexpected = (play: Play | undefined, item?: Item): void => {
    if (!play || play.status !== 'succeeded') return;
    const explained = options.explain?.(play.henchman, play.output);
    const subject = item ? `${play.henchman} for item [${item.index}]` : play.henchman;
    play.status = 'failed';
    play.error = {
      error: UNEXPECTED,
      cause: `the output of ${subject} does not meet its expect: ${explained ?? `its output was ${brief(play.output)}`}`,
    };
  };

  for (const event of events) {
    const id = event.id ?? 0;
    const previous = event.previousEventId;
    const type = event.type ?? '';
    let thread: Thread = previous !== undefined ? threadOf.get(previous) : undefined;
    if (type.startsWith('MapState')) thread = undefined;

    switch (type) {
      case 'MapStateEntered': {
        const play = newPlay(event.stateEnteredEventDetails?.name ?? 'unknown', time(event));
        play.attempts = 1;
        play.items = new Map();
        plays.push(play);
        maps.set(play.state, play);
        playOf.set(id, play);
        break;
      }
      case 'MapStateExited':
      case 'MapStateAborted': {
        const play = previous !== undefined ? playOf.get(previous) : undefined;
        const map = play?.items ? play : maps.get(event.stateExitedEventDetails?.name ?? '');
        if (map) {
          map.end ??= time(event);
          if (type === 'MapStateAborted') map.status = 'stopped';
          maps.delete(map.state);
        }
        break;
      }
      case 'MapIterationStarted': {
        const details = event.mapIterationStartedEventDetails;
        const map = maps.get(details?.name ?? '');
        if (map?.items && details?.index !== undefined) {
          const item: Item = { index: details.index, start: time(event) };
          map.items.set(details.index, item);
          thread = item;
        }
        break;
      }
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
      case 'MapIterationAborted': {
        const details = event.mapIterationSucceededEventDetails ?? event.mapIterationFailedEventDetails ?? event.mapIterationAbortedEventDetails;
        const item = details?.index !== undefined ? maps.get(details.name ?? '')?.items?.get(details.index) : undefined;
        if (item) {
          item.end = time(event);
          if (type !== 'MapIterationSucceeded') item.ended = type === 'MapIterationFailed' ? 'failed' : 'stopped';
          thread = item;
        }
        break;
      }
      case 'TaskStateEntered': {
        const name = event.stateEnteredEventDetails?.name ?? 'unknown';
        // The hand-over of a task played as a chain of executions is no move (the execution's output names the next one).
        if (name === HANDOVER_NAMES.start) break;
        const last = lastPlay(thread);
        if (last && last.pollStates?.includes(name) && last.status === 'waiting') {
          // The poll state of a move that asked to be called again: its looks are the move's rounds.
          last.polling = true;
          playOf.set(id, last);
          break;
        }
        const play = newPlay(name, time(event));
        if (thread) {
          thread.play ??= play;
          // The first state of an item gets the Map's ItemSelector output: { event, value } (value: the item).
          const value = record(parseJson(event.stateEnteredEventDetails?.input));
          if (thread.item === undefined && value && 'value' in value) thread.item = value.value;
        } else {
          plays.push(play);
        }
        playOf.set(id, play);
        break;
      }
      case 'PassStateEntered': {
        const { henchman, role } = stateRole(event.stateEnteredEventDetails?.name ?? '');
        if (role === 'unexpected') unexpected(lastPlay(undefined, henchman));
        if (role === 'item-unexpected' && thread) unexpected(thread.play, thread);
        break;
      }
      case 'ExecutionFailed':
      case 'ExecutionTimedOut':
      case 'ExecutionAborted':
        // Whatever was still under way was cut short by the end.
        for (const play of plays) {
          const cut = (p: Play) => {
            if (!OPEN.includes(p.status)) return;
            p.status = 'stopped';
            p.end ??= time(event);
          };
          if (!play.items) {
            cut(play);
            continue;
          }
          if (play.end === undefined) {
            play.status = 'stopped';
            play.end = time(event);
          }
          for (const item of play.items.values()) {
            if (item.play) cut(item.play);
            else if (item.end === undefined) item.ended = 'stopped';
            item.end ??= time(event);
          }
        }
        break;
      default: {
        const play = previous !== undefined ? playOf.get(previous) : undefined;
        if (play && !play.items) {
          playOf.set(id, play);
          taskEvent(play, event, thread);
        }
      }
    }
    threadOf.set(id, thread);
  }

  const byHenchman = new Map<string, MoveSummary[]>();
  for (const play of plays) {
    const move = play.items ? mapMove(play) : { state: play.state, phase: play.phase, ...(play.action !== undefined ? { action: play.action } : {}), ...playSummary(play) };
    const list = byHenchman.get(play.henchman) ?? [];
    list.push(move);
    byHenchman.set(play.henchman, list);
  }
  return [...byHenchman].map(([henchman, list]) => ({ henchman, status: list[list.length - 1]!.status, moves: list }));
}

/**
 * The provider event a Task state sent: a LambdaFunctionScheduled's `input` (a state that names the function as its
 * Resource), or a TaskScheduled's Parameters `Payload` (lambda:invoke: a fired move, and every move of definitions
 * compiled before moves named their function). Its move's fields stand at its top, in its `move` or (older events) in
 * its `context`.
 */
function scheduledEvent(event: HistoryEvent): { event?: Record<string, unknown>; fired: boolean } {
  if (event.type === 'LambdaFunctionScheduled') return { event: record(parseJson(event.lambdaFunctionScheduledEventDetails?.input)), fired: false };
  const parameters = record(parseJson(event.taskScheduledEventDetails?.parameters));
  return { event: record(parameters?.Payload), fired: parameters?.InvocationType === 'Event' };
}

/** The henchman an event's move names. */
function eventHenchman(payload: Record<string, unknown>): unknown {
  return payload.henchman ?? record(payload.move)?.henchman ?? record(payload.context)?.henchman;
}

/** One event of a Task state's visit (scheduled, succeeded, failed, ...) applied to its play. */
function taskEvent(play: Play, event: HistoryEvent, thread: Thread): void {
  switch (event.type) {
    case 'LambdaFunctionScheduled':
    case 'TaskScheduled': {
      if (play.polling) play.rounds += 1;
      else play.attempts += 1;
      play.status = play.polling ? 'waiting' : 'running';
      play.gaveUp = false;
      // A retry or a new round: what the earlier one ended with is no longer the move's result.
      delete play.error;
      delete play.end;
      delete play.pollAfter;
      const { event: payload, fired } = scheduledEvent(event);
      if (fired) play.status = 'fired';
      if (!payload) break;
      // An event with no phase is a do (the compiler leaves "do" out).
      const phase = payload.phase ?? 'do';
      if (typeof phase === 'string' && phase !== 'poll') play.phase = phase;
      if (typeof payload.action === 'string') play.action = payload.action;
      const henchman = eventHenchman(payload);
      if (typeof henchman === 'string') play.henchman = henchman;
      const host = record(payload.input)?.host;
      if (thread && typeof host === 'string') thread.host = host;
      if (payload.phase !== 'poll' && 'input' in payload) play.input = providedInput(payload, play.henchman);
      break;
    }
    case 'LambdaFunctionSucceeded':
    case 'TaskSucceeded': {
      play.end = time(event);
      if (play.status === 'fired') break;
      // The answer: a LambdaFunctionSucceeded's output itself, a TaskSucceeded's (lambda:invoke) its Payload.
      const payload =
        event.type === 'LambdaFunctionSucceeded'
          ? record(parseJson(event.lambdaFunctionSucceededEventDetails?.output))
          : record(record(parseJson(event.taskSucceededEventDetails?.output))?.Payload);
      const poll = record(payload?.poll);
      if (poll) {
        play.status = 'waiting';
        play.pollStates = [play.state, pollNames(play.state).poll];
        if (typeof poll.after === 'number') play.pollAfter = poll.after;
        if (typeof poll.waitingFor === 'string') play.waitingFor = poll.waitingFor;
      } else {
        play.status = 'succeeded';
        if (payload && 'output' in payload) play.output = payload.output;
      }
      break;
    }
    case 'LambdaFunctionFailed':
    case 'TaskFailed': {
      play.end = time(event);
      const details = event.type === 'LambdaFunctionFailed' ? event.lambdaFunctionFailedEventDetails : event.taskFailedEventDetails;
      if (details?.error === POLLED) {
        // A first answer that asks to be called again, thrown to a Task state that waits in itself (its Catch keeps it
        // and goes to its Wait): the move waits; its next entry is a poll round.
        const poll = polledAnswer(details.cause);
        play.status = 'waiting';
        play.pollStates = [play.state];
        if (typeof poll?.after === 'number') play.pollAfter = poll.after;
        if (typeof poll?.waitingFor === 'string') play.waitingFor = poll.waitingFor;
        break;
      }
      if (details?.error === WAITING) {
        // Not done yet: the polling Task state's Retry looks again (or, at the timeout, gives up: see TaskStateExited).
        play.status = 'waiting';
        play.gaveUp = true;
        const words = waitingWords(causeMessage(details.cause) ?? '');
        if (words !== undefined) play.waitingFor = words;
        break;
      }
      play.status = 'failed';
      play.error = failure(details);
      break;
    }
    case 'LambdaFunctionTimedOut':
    case 'TaskTimedOut':
      play.end = time(event);
      play.status = 'failed';
      play.error = failure(event.type === 'LambdaFunctionTimedOut' ? event.lambdaFunctionTimedOutEventDetails : event.taskTimedOutEventDetails);
      break;
    case 'LambdaFunctionStartFailed':
    case 'LambdaFunctionScheduleFailed':
    case 'TaskStartFailed':
      play.end = time(event);
      play.status = 'failed';
      play.error = failure(
        event.type === 'LambdaFunctionStartFailed'
          ? event.lambdaFunctionStartFailedEventDetails
          : event.type === 'LambdaFunctionScheduleFailed'
            ? event.lambdaFunctionScheduleFailedEventDetails
            : event.taskStartFailedEventDetails,
      );
      break;
    case 'TaskSubmitFailed':
      play.end = time(event);
      play.status = 'failed';
      play.error = failure(event.taskSubmitFailedEventDetails);
      break;
    case 'TaskStateAborted':
      play.end ??= time(event);
      play.status = 'stopped';
      break;
    case 'TaskStateExited':
      play.end ??= time(event);
      if (play.gaveUp && play.status === 'waiting') {
        play.status = 'failed';
        delete play.pollAfter;
        play.error = { error: WAITING, cause: "still waiting when the henchman's timeout was up" };
      }
      break;
    default:
      break;
  }
}

/**
 * The input a provider event hands its action. On AWS the event carries the places the state machine could not fill
 * (`late`), which the provider fills before it acts (lambdas/providers/late.ts); the local engine records the event
 * with them filled. Filled here the same way, so both show what the action acted on; as it came when a value is
 * missing (the move then failed with Mastermind.Invalid, naming the reference). Secrets are never resolved here.
 */
function providedInput(payload: Record<string, unknown>, henchman: string): unknown {
  const input = record(payload.input);
  if (!input || !Array.isArray(payload.late)) return payload.input;
  try {
    return resolveLate(input, payload.late as Parameters<typeof resolveLate>[1], henchman);
  } catch {
    return payload.input;
  }
}

function playSummary(play: Play): PlaySummary {
  return {
    attempts: play.attempts,
    ...(play.rounds > 0 ? { rounds: play.rounds } : {}),
    ...(play.waitingFor !== undefined ? { waitingFor: play.waitingFor } : {}),
    ...(play.pollAfter !== undefined && play.status === 'waiting' ? { pollAfter: play.pollAfter } : {}),
    start: play.start,
    ...(play.end !== undefined ? { end: play.end } : {}),
    status: play.status,
    ...(play.input !== undefined ? { input: play.input } : {}),
    ...(play.output !== undefined ? { output: play.output } : {}),
    ...(play.error !== undefined ? { error: play.error } : {}),
  };
}

function itemSummary(item: Item): ItemSummary {
  const played = item.play ? playSummary(item.play) : { attempts: 0, start: item.start, status: 'running' as MoveStatus };
  // An iteration that ended badly with no move to say so (a failure before its Task was invoked).
  const status = item.ended && !['failed', 'stopped'].includes(played.status) ? item.ended : played.status;
  return {
    index: item.index,
    ...(item.item !== undefined ? { item: item.item } : {}),
    ...(item.host !== undefined ? { host: item.host } : {}),
    ...played,
    ...(played.end === undefined && item.end !== undefined ? { end: item.end } : {}),
    status,
  };
}

/** How an item is named in a sentence: "[1] web-2" (its value, a host), "[1] bad on 10.0.0.5" (a value and the host it went to). */
export function itemLabel(item: ItemSummary): string {
  const value = item.item === undefined ? undefined : typeof item.item === 'string' ? item.item : brief(item.item, 60);
  const name = value === undefined ? item.host : item.host === undefined || item.host === item.item ? value : `${value} on ${item.host}`;
  return `[${item.index}]${name ? ` ${name}` : ''}`;
}

/** An `each` move: its items, and its status from theirs. */
function mapMove(play: Play): MoveSummary {
  const items = [...play.items!.values()].sort((a, b) => a.index - b.index).map(itemSummary);
  const first = [...play.items!.values()].find((i) => i.play)?.play;
  const henchman = first?.henchman ?? play.henchman;
  play.henchman = henchman;
  const failed = items.filter((i) => i.status === 'failed');
  const has = (status: MoveStatus) => items.some((i) => i.status === status);
  let status: MoveStatus;
  if (failed.length > 0) status = 'failed';
  else if (play.status === 'stopped' || has('stopped')) status = 'stopped';
  else if (has('running') || has('waiting') || play.end === undefined) status = has('waiting') && !has('running') ? 'waiting' : 'running';
  else if (items.length > 0 && items.every((i) => i.status === 'fired')) status = 'fired';
  else status = 'succeeded';
  const error: MoveError | undefined =
    failed.length > 0
      ? {
          error: failed[0]!.error?.error ?? 'Mastermind.Failed',
          cause: `${failed.length} of ${items.length} items failed: ${failed.map((i) => `${itemLabel(i)}: ${i.error?.cause ?? i.error?.error ?? 'failed'}`).join('; ')}`,
        }
      : undefined;
  return {
    state: play.state,
    phase: first?.phase ?? 'do',
    ...(first?.action !== undefined ? { action: first.action } : {}),
    attempts: 1,
    start: play.start,
    ...(play.end !== undefined ? { end: play.end } : {}),
    status,
    ...(error ? { error } : {}),
    items,
  };
}

/** The project, task and task version an execution plays, from the context its first move was handed. */
export function executionContext(events: readonly HistoryEvent[]): { project?: string; task?: string; version?: number } {
  for (const event of events) {
    if (event.type !== 'TaskScheduled' && event.type !== 'LambdaFunctionScheduled') continue;
    const context = record(scheduledEvent(event).event?.context);
    if (!context) continue;
    return {
      ...(typeof context.project === 'string' ? { project: context.project } : {}),
      ...(typeof context.task === 'string' ? { task: context.task } : {}),
      ...(typeof context.version === 'number' ? { version: context.version } : {}),
    };
  }
  return {};
}

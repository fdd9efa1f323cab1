/**
 * An execution's history, read as the game it is: per henchman, each move (a visit of one of its Task
 * states) with its phase (do, undo, poll), how many attempts it took, when it started and ended, and its
 * output or error. A poll's attempts are its rounds (each "not done yet" is a Mastermind.Waiting the poll Task
 * retries). Built from GetExecutionHistory events; pure.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** `stopped`: the execution was stopped (or its state machine deleted) while the move was under way. */
export type MoveStatus = 'running' | 'succeeded' | 'failed' | 'waiting' | 'stopped';

export interface MoveSummary {
  /** The Task state played (the henchman's own state, or a helper such as "undo: provision"). */
  readonly state: string;
  readonly phase: string;
  readonly action?: string;
  readonly attempts: number;
  readonly start: string;
  readonly end?: string;
  readonly status: MoveStatus;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause?: string };
  /** With status waiting: the action asked to be polled again after this many seconds. */
  readonly pollAfter?: number;
}

export interface HenchmanSummary {
  readonly henchman: string;
  /** The last move's status. */
  readonly status: MoveStatus;
  readonly moves: MoveSummary[];
}

interface OpenMove {
  state: string;
  henchman: string;
  phase: string;
  action?: string;
  attempts: number;
  start: string;
  end?: string;
  status: MoveStatus;
  output?: unknown;
  error?: { error: string; cause?: string };
  pollAfter?: number;
  /** The last attempt ended in Mastermind.Waiting: leaving the state without another attempt means the poll gave up. */
  gaveUp?: boolean;
}

/** What a poll that is not done yet throws (lambdas/providers/contract.ts WaitingError). */
const WAITING = 'Mastermind.Waiting';

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

function time(event: HistoryEvent): string {
  return event.timestamp instanceof Date ? event.timestamp.toISOString() : String(event.timestamp);
}

/**
 * The message of a failure's cause. A Lambda function's error reaches Step Functions as the JSON of
 * { errorType, errorMessage, trace } (the provider's message, and a stack trace nobody reading a task needs);
 * any other cause (a timeout, an unmet expect, a stop) is text already.
 */
export function causeMessage(cause: string | undefined): string | undefined {
  if (cause === undefined || !cause.startsWith('{')) return cause;
  const parsed = record(parseJson(cause));
  return typeof parsed?.errorMessage === 'string' && typeof parsed.errorType === 'string' ? parsed.errorMessage : cause;
}

function failure(details: { error?: string; cause?: string } | undefined): { error: string; cause?: string } {
  const cause = causeMessage(details?.cause);
  return { error: details?.error ?? 'Unknown', ...(cause !== undefined ? { cause } : {}) };
}

export function summarizeHistory(events: readonly HistoryEvent[]): HenchmanSummary[] {
  const moveOf = new Map<number, OpenMove>();
  const moves: OpenMove[] = [];
  for (const event of events) {
    const id = event.id ?? 0;
    if (event.type === 'TaskStateEntered') {
      const state = event.stateEnteredEventDetails?.name ?? 'unknown';
      const move: OpenMove = { state, henchman: henchmanOfState(state), phase: 'do', attempts: 0, start: time(event), status: 'running' };
      moves.push(move);
      moveOf.set(id, move);
      continue;
    }
    const move = event.previousEventId !== undefined ? moveOf.get(event.previousEventId) : undefined;
    if (!move) continue;
    moveOf.set(id, move);
    switch (event.type) {
      case 'TaskScheduled': {
        move.attempts += 1;
        move.status = 'running';
        move.gaveUp = false;
        // A retry: what the earlier attempt ended with is no longer the move's result.
        delete move.error;
        delete move.end;
        const payload = record(record(parseJson(event.taskScheduledEventDetails?.parameters))?.Payload);
        if (payload) {
          if (typeof payload.phase === 'string') move.phase = payload.phase;
          if (typeof payload.action === 'string') move.action = payload.action;
          // The move's own part of the context (payload.move) names it; events compiled before it, the context.
          const henchman = record(payload.move)?.henchman ?? record(payload.context)?.henchman;
          if (typeof henchman === 'string') move.henchman = henchman;
        }
        break;
      }
      case 'TaskSucceeded': {
        move.end = time(event);
        const payload = record(record(parseJson(event.taskSucceededEventDetails?.output))?.Payload);
        const poll = record(payload?.poll);
        if (poll) {
          move.status = 'waiting';
          if (typeof poll.after === 'number') move.pollAfter = poll.after;
        } else {
          move.status = 'succeeded';
          if (payload && 'output' in payload) move.output = payload.output;
        }
        break;
      }
      case 'TaskFailed':
        move.end = time(event);
        if (event.taskFailedEventDetails?.error === WAITING) {
          // A poll that is not done yet: the poll Task's Retry asks again (or, at the timeout, gives up: see
          // TaskStateExited).
          move.status = 'waiting';
          move.gaveUp = true;
          break;
        }
        move.status = 'failed';
        move.error = failure(event.taskFailedEventDetails);
        break;
      case 'TaskTimedOut':
        move.end = time(event);
        move.status = 'failed';
        move.error = failure(event.taskTimedOutEventDetails);
        break;
      case 'TaskStartFailed':
        move.end = time(event);
        move.status = 'failed';
        move.error = failure(event.taskStartFailedEventDetails);
        break;
      case 'TaskSubmitFailed':
        move.end = time(event);
        move.status = 'failed';
        move.error = failure(event.taskSubmitFailedEventDetails);
        break;
      case 'TaskStateAborted':
        move.end ??= time(event);
        move.status = 'stopped';
        break;
      case 'TaskStateExited':
        move.end ??= time(event);
        if (move.gaveUp && move.status === 'waiting') {
          move.status = 'failed';
          move.error = { error: 'States.Timeout', cause: 'still waiting when the henchman\'s timeout was up' };
        }
        break;
      default:
        break;
    }
  }

  const byHenchman = new Map<string, MoveSummary[]>();
  for (const move of moves) {
    const { henchman, gaveUp: _gaveUp, ...rest } = move;
    const summary: MoveSummary = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as unknown as MoveSummary;
    const list = byHenchman.get(henchman) ?? [];
    list.push(summary);
    byHenchman.set(henchman, list);
  }
  return [...byHenchman].map(([henchman, list]) => ({ henchman, status: list[list.length - 1]!.status, moves: list }));
}

/** The project, task and task version an execution plays, from the context its first move was handed. */
export function executionContext(events: readonly HistoryEvent[]): { project?: string; task?: string; version?: number } {
  for (const event of events) {
    if (event.type !== 'TaskScheduled') continue;
    const context = record(record(record(parseJson(event.taskScheduledEventDetails?.parameters))?.Payload)?.context);
    if (!context) continue;
    return {
      ...(typeof context.project === 'string' ? { project: context.project } : {}),
      ...(typeof context.task === 'string' ? { task: context.task } : {}),
      ...(typeof context.version === 'number' ? { version: context.version } : {}),
    };
  }
  return {};
}

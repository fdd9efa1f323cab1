/**
 * A move's deadline, and how long a command may run within it.
 *
 * The compiler puts the seconds the state machine gives a move into the event (context.timeout); the provider runtime
 * turns them into a deadline when the invocation starts (phase do or undo) and hands it to the action (ActionCall).
 * A command then runs for the smaller of its own `timeout` input and what is left before the deadline; the host's
 * watchdog (ssh/watchdog.ts, ssh/detached.ts) ends its process group at that limit. The Task state waits the limit and
 * a grace (../task/invocation.ts, DEADLINE_GRACE_SECONDS), so the provider's own end comes first.
 *
 * | what happened                                                       | error                                    |
 * | ------------------------------------------------------------------- | ---------------------------------------- |
 * | the deadline passed before the command started                      | Mastermind.Timeout (nothing was started) |
 * | the command was ended at the deadline (the henchman's timeout)      | Mastermind.Timeout, naming the henchman  |
 * |                                                                     | and its limit                            |
 * | the command was ended at its own `timeout` input                    | Mastermind.Failed (as before)            |
 * | an attached command's limit is beyond one invocation's budget       | Mastermind.Invalid (before anything ran: |
 * | (a `timeout` from a reference: the compiler could not detach it)    |  write it literally, or detach: true)    |
 * | the TASK's deadline (context.taskTimeout from context.started) came | Mastermind.TaskTimeout: the abort route  |
 * | first, or had passed when a do or poll invocation began             | (rollback included), not the henchman's  |
 *
 * The task's deadline bounds phases do and poll only: an undo is never ended by it (the rollback must run).
 */
import { INVOCATION_BUDGET_SECONDS } from '#task/invocation';
import { InvalidError, TaskTimeoutError, TimeoutError, type Phase, type ProviderContext } from './contract.ts';

export interface MoveDeadline {
  /** When the move's time is up, in milliseconds since the epoch. */
  readonly at: number;
  /** The move's limit in seconds (context.timeout), for messages. */
  readonly seconds: number;
  readonly henchman: string;
  /** Set when the task's deadline comes first: the task's timeout in seconds (context.taskTimeout), for messages. */
  readonly task?: number;
}

/** When the task's time is up (ms since the epoch), in phases do and poll of a task with a timeout. */
function taskDeadlineOf(phase: Phase, context: ProviderContext): number | undefined {
  const seconds = context.taskTimeout;
  if (phase === 'undo' || typeof seconds !== 'number' || !(seconds > 0) || typeof context.started !== 'string') return undefined;
  const start = Date.parse(context.started);
  return Number.isNaN(start) ? undefined : start + seconds * 1000;
}

/**
 * The deadline of a move's invocation that started at `started`: the henchman's (do, undo: context.timeout) or the
 * task's (do, poll), whichever comes first; none without either. Throws Mastermind.TaskTimeout when the task's
 * deadline has already passed (nothing is started).
 */
export function deadlineOf(phase: Phase, context: ProviderContext, started: number): MoveDeadline | undefined {
  const seconds = context.timeout;
  const own = phase !== 'poll' && typeof seconds === 'number' && seconds > 0 ? { at: started + seconds * 1000, seconds, henchman: context.henchman } : undefined;
  const taskAt = taskDeadlineOf(phase, context);
  if (taskAt === undefined) return own;
  const task = { at: taskAt, seconds: Math.max(0, (taskAt - started) / 1000), henchman: context.henchman, task: context.taskTimeout! };
  if (taskAt <= started) throw timeoutError(task, phase === 'poll' ? 'nothing more was waited for' : 'nothing was started');
  return own && own.at <= taskAt ? own : task;
}

/**
 * The error of a move whose deadline passed: it names the henchman and its limit (or the task's timeout, when that
 * came first: Mastermind.TaskTimeout), and says what became of the work.
 */
export function timeoutError(deadline: Pick<MoveDeadline, 'seconds' | 'henchman' | 'task'>, what: string): TimeoutError | TaskTimeoutError {
  if (deadline.task !== undefined) return new TaskTimeoutError(`the task ran out of its timeout (${deadline.task}s) during henchman '${deadline.henchman}': ${what}`);
  return new TimeoutError(`henchman '${deadline.henchman}' ran out of its timeout (${deadline.seconds}s): ${what}`);
}

export interface CommandLimit {
  /** How long the command may run, in seconds. */
  readonly seconds: number;
  /** The henchman's deadline, not the command's own timeout, sets the limit. */
  readonly byDeadline: boolean;
  /** The deadline that sets the limit is the task's (its timeout in seconds). */
  readonly task?: number;
}

/** How long a command may run: the smaller of its own timeout and what is left of the move's time. */
export function commandLimit(timeoutSeconds: number, deadline: MoveDeadline | undefined, now = Date.now()): CommandLimit {
  if (!deadline) return { seconds: timeoutSeconds, byDeadline: false };
  const left = (deadline.at - now) / 1000;
  if (left <= 0) throw timeoutError(deadline, 'nothing was started');
  if (left >= timeoutSeconds) return { seconds: timeoutSeconds, byDeadline: false };
  return deadline.task === undefined ? { seconds: left, byDeadline: true } : { seconds: left, byDeadline: true, task: deadline.task };
}

/** As {@link commandLimit}, for a command run attached (in this invocation): its limit must fit one invocation. */
export function attachedLimit(timeoutSeconds: number, deadline: MoveDeadline | undefined, now = Date.now()): CommandLimit {
  const limit = commandLimit(timeoutSeconds, deadline, now);
  if (limit.seconds > INVOCATION_BUDGET_SECONDS) {
    throw new InvalidError(
      `timeout ${timeoutSeconds}s is beyond what one provider invocation may spend (${INVOCATION_BUDGET_SECONDS / 60}m) and this move was compiled to run attached: write the timeout literally (the compiler then runs it detached) or give the henchman a timeout`,
    );
  }
  return limit;
}

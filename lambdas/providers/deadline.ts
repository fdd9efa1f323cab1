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
 */
import { INVOCATION_BUDGET_SECONDS } from '#task/invocation';
import { InvalidError, TimeoutError, type Phase, type ProviderContext } from './contract.ts';

export interface MoveDeadline {
  /** When the move's time is up, in milliseconds since the epoch. */
  readonly at: number;
  /** The move's limit in seconds (context.timeout), for messages. */
  readonly seconds: number;
  readonly henchman: string;
}

/** The deadline of a move's do or undo invocation that started at `started`; none in phase poll or without a timeout. */
export function deadlineOf(phase: Phase, context: ProviderContext, started: number): MoveDeadline | undefined {
  const seconds = context.timeout;
  if (phase === 'poll' || typeof seconds !== 'number' || !(seconds > 0)) return undefined;
  return { at: started + seconds * 1000, seconds, henchman: context.henchman };
}

/** The error of a move whose deadline passed: it names the henchman and its limit, and says what became of the work. */
export function timeoutError(deadline: Pick<MoveDeadline, 'seconds' | 'henchman'>, what: string): TimeoutError {
  return new TimeoutError(`henchman '${deadline.henchman}' ran out of its timeout (${deadline.seconds}s): ${what}`);
}

export interface CommandLimit {
  /** How long the command may run, in seconds. */
  readonly seconds: number;
  /** The henchman's deadline, not the command's own timeout, sets the limit. */
  readonly byDeadline: boolean;
}

/** How long a command may run: the smaller of its own timeout and what is left of the move's time. */
export function commandLimit(timeoutSeconds: number, deadline: MoveDeadline | undefined, now = Date.now()): CommandLimit {
  if (!deadline) return { seconds: timeoutSeconds, byDeadline: false };
  const left = (deadline.at - now) / 1000;
  if (left <= 0) throw timeoutError(deadline, 'nothing was started');
  return left < timeoutSeconds ? { seconds: left, byDeadline: true } : { seconds: timeoutSeconds, byDeadline: false };
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

/**
 * How long one move may take, as the compiler writes it into the state machine and the provider event
 * (see ../invocation.ts for the budget of one invocation and the moves that run detached):
 *
 * | the move                                  | context              | Task TimeoutSeconds          | states        |
 * | ----------------------------------------- | -------------------- | ---------------------------- | ------------- |
 * | waits for the world (catalog `polls`)     | —                    | the henchman's timeout       | poll loop     |
 * | runs detached on the host                 | timeout: T, detach   | min(L, budget) + grace       | poll loop,    |
 * |                                           |                      |                              | bound L+grace |
 * | anything else, with a henchman timeout T  | timeout: T           | min(T, budget) + grace       | one Task      |
 * | anything else, no henchman timeout        | —                    | — (the Lambda's own timeout) | one Task      |
 *
 * T is the henchman's timeout (left out when it gives none); L the smaller of T and the command's own `timeout`, the
 * watchdog's limit on the host, which the poll loop waits out with the grace. With `context.timeout` the provider
 * ends the remote command at the limit (the watchdog on the host kills its process group) and fails the move with
 * Mastermind.Timeout, within the grace: the provider's own end always comes before the state machine's.
 */
import type { ActionSpec, PollSpec } from '../catalog.ts';
import { DEADLINE_GRACE_SECONDS, detachedMove, invocationTimeoutSeconds } from '../invocation.ts';
import type { MoveShape } from '../invocation.ts';
import { seconds } from './states.ts';

export interface MoveTiming {
  /** context.timeout of the move's events. */
  readonly contextTimeout?: number;
  /** context.detach: the provider runs the command detached and answers `{ poll }`. */
  readonly detach?: boolean;
  /** TimeoutSeconds of each of the move's Task states. */
  readonly taskTimeoutSeconds?: number;
  /** The move polls: how often, and for how long in all (seconds); its timeout as the failure names it. */
  readonly polls?: { readonly spec: PollSpec; readonly bound: number; readonly timeout: string };
}

/** The timing of a move (a henchman's, or its undo's) whose action is `spec`; `defaultPollTimeout` bounds a wait with no timeout. */
export function moveTiming(move: MoveShape, spec: ActionSpec | undefined, defaultPollTimeout: string): MoveTiming {
  const henchman = move.timeout ? seconds(move.timeout) : undefined;
  if (spec?.polls) {
    const timeout = move.timeout ?? defaultPollTimeout;
    return { taskTimeoutSeconds: henchman, polls: { spec: spec.polls, bound: seconds(timeout), timeout } };
  }
  const detached = detachedMove(move);
  if (detached) {
    const limit = Math.max(1, Math.ceil(detached.limitSeconds));
    return {
      ...(henchman === undefined ? {} : { contextTimeout: henchman }),
      detach: true,
      taskTimeoutSeconds: invocationTimeoutSeconds(limit),
      polls: { spec: detached.polls, bound: limit + DEADLINE_GRACE_SECONDS, timeout: `${limit}s` },
    };
  }
  if (henchman === undefined) return {};
  return { contextTimeout: henchman, taskTimeoutSeconds: invocationTimeoutSeconds(henchman) };
}

/**
 * ssh wait-reachable: wait until the host accepts an SSH login (a fresh box booting), without a Lambda
 * sitting idle: each call tries once, and while the host does not answer the action asks to be called
 * again in 5 seconds ({ poll: { after: 5, state: { since } } }, `since` the time of the first try); the
 * compiler bounds the loop by the henchman's timeout.
 *
 * Input: the ssh connection fields (see run.ts).
 * Output: host, hostKey (the fingerprint the host presented, SHA256:..., which later moves can pin).
 *
 * | what happened                                        | answer                                    |
 * | ---------------------------------------------------- | ----------------------------------------- |
 * | login succeeded                                      | { output: { host, hostKey } }             |
 * | refused / unreachable / timeout while connecting,    | { poll: { after: 5, state: { since } } }  |
 * | closed before login (sshd not up yet)                |                                           |
 * | host key is not the pinned one                       | Mastermind.Failed                         |
 * | authentication failed                                | Mastermind.Failed                         |
 * | bad input                                            | Mastermind.Invalid                        |
 */
import { POLL_EVERY } from '#task/catalog';
import { TransientError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { withSession } from './connection.ts';
import { targetOf } from './target.ts';

/** Seconds between two tries: the first answer asks for them, and the Retry of the Task state that polls keeps to the same. */
export const POLL_AFTER_SECONDS = POLL_EVERY.ssh;
/** One try must end well before the Lambda's own timeout. */
export const TRY_TIMEOUT_SECONDS = 10;

/** When the first try was made: the state handed back to every poll (the do phase's answer). */
function firstTryAt(state: unknown, now: number): number {
  const since = (state as { since?: unknown } | undefined)?.since;
  const at = typeof since === 'string' ? Date.parse(since) : Number.NaN;
  return Number.isNaN(at) ? now : at;
}

export const waitReachable: Action = async (input, { phase, poll, logger }) => {
  const target = { ...targetOf(input), connectTimeoutSeconds: TRY_TIMEOUT_SECONDS };
  const now = Date.now();
  const since = phase === 'poll' ? firstTryAt(poll, now) : now;
  try {
    const hostKey = await withSession(target, async (session) => session.hostKey);
    return { output: { host: target.host, hostKey } };
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    const waitedSeconds = Math.round((now - since) / 1000);
    logger.info('host not reachable yet', { host: target.host, port: target.port, waitedSeconds, reason: error.message });
    return {
      poll: {
        after: POLL_AFTER_SECONDS,
        state: { since: new Date(since).toISOString() },
        waitingFor: `${target.host}:${target.port} to take SSH connections (last try: ${error.message})`,
      },
    };
  }
};

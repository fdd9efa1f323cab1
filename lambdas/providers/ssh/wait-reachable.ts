/**
 * ssh wait-reachable: wait until the host accepts an SSH login (a fresh box booting), without a Lambda
 * sitting idle: each call tries once, and while the host does not answer the action asks to be called
 * again in 5 seconds ({ poll: { after: 5, state: { tries } } }); the compiler bounds the loop by the
 * henchman's timeout.
 *
 * Input: the ssh connection fields (see run.ts).
 * Output: host, hostKey (the fingerprint the host presented, SHA256:..., which later moves can pin).
 *
 * | what happened                                        | answer                                    |
 * | ---------------------------------------------------- | ----------------------------------------- |
 * | login succeeded                                      | { output: { host, hostKey } }             |
 * | refused / unreachable / timeout while connecting,    | { poll: { after: 5, state: { tries } } }  |
 * | closed before login (sshd not up yet)                |                                           |
 * | host key is not the pinned one                       | Mastermind.Failed                         |
 * | authentication failed                                | Mastermind.Failed                         |
 * | bad input                                            | Mastermind.Invalid                        |
 */
import { TransientError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { withSession } from './connection.ts';
import { targetOf } from './target.ts';

export const POLL_AFTER_SECONDS = 5;
/** One try must end well before the Lambda's own timeout. */
export const TRY_TIMEOUT_SECONDS = 10;

function triesSoFar(state: unknown): number {
  const tries = (state as { tries?: unknown } | undefined)?.tries;
  return typeof tries === 'number' && Number.isInteger(tries) && tries >= 0 ? tries : 0;
}

export const waitReachable: Action = async (input, { phase, poll, logger }) => {
  const target = { ...targetOf(input), connectTimeoutSeconds: TRY_TIMEOUT_SECONDS };
  const tries = (phase === 'poll' ? triesSoFar(poll) : 0) + 1;
  try {
    const hostKey = await withSession(target, async (session) => session.hostKey);
    return { output: { host: target.host, hostKey } };
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    logger.info('host not reachable yet', { host: target.host, port: target.port, tries, reason: error.message });
    return { poll: { after: POLL_AFTER_SECONDS, state: { tries } } };
  }
};

/**
 * ssh run: run one command on one host.
 *
 * Input (lambdas/task/catalog.ts): host, port (22), user, key (the private key text: the runtime has resolved
 * its ${secret:/name} reference), hostKey (pinned SHA256 fingerprint, optional), command (text, or
 * { template, values } whose values are shell-quoted: see ../shell.ts), timeout (5m), allowExitCodes ([0]).
 * Output: exitCode, stdout, stderr (each its last 8 KiB), truncated.
 *
 * Attached (one invocation) unless the event's context says `detach` (the compiler does so for `detach: true` or a
 * timeout beyond one invocation): then the command runs detached on the host and the move polls it (./detached.ts);
 * its output, once it has ended, is exactly what an attached run gives.
 *
 * | what happened                                        | error                                     |
 * | ---------------------------------------------------- | ----------------------------------------- |
 * | bad input (command refers to a missing value, key    | Mastermind.Invalid                        |
 * | unreadable, port or hostKey malformed)               |                                           |
 * | refused / unreachable / timeout while connecting     | Mastermind.Transient (a retry may help)   |
 * | host key is not the pinned one                       | Mastermind.Failed (nothing was sent)      |
 * | authentication failed                                | Mastermind.Failed                         |
 * | exit code not in allowExitCodes                      | Mastermind.Failed (exit code and output   |
 * |                                                      | tail in the message: see exit-codes.ts)   |
 * | timeout reached (the command and its children are    | Mastermind.Failed                         |
 * | ended on the host: see watchdog.ts)                  |                                           |
 * | the henchman's timeout reached first (context.timeout,| Mastermind.Timeout (../deadline.ts)       |
 * | the command ended on the host the same way)          |                                           |
 * | connection lost while the command ran                | Mastermind.Failed (it may have run)       |
 */
import type { Action } from '../runtime.ts';
import { attachedLimit, commandLimit } from '../deadline.ts';
import { execWithin, withSession } from './connection.ts';
import { pollDetached, startDetached } from './detached.ts';
import { describeTarget, judgeExitCode } from './exit-codes.ts';
import { shellTextOf, targetOf, timeoutSecondsOf } from './target.ts';

export const run: Action = async (input, call) => {
  const target = targetOf(input);
  const judge = (result: Parameters<typeof judgeExitCode>[0]) => judgeExitCode(result, input.allowExitCodes as number[], describeTarget(target));
  if (call.phase === 'poll') return pollDetached(target, call.poll, judge);
  const command = shellTextOf(input, 'command');
  const timeoutSeconds = timeoutSecondsOf(input);
  if (call.context.detach) {
    const limit = commandLimit(timeoutSeconds, call.deadline);
    return withSession(target, (session) => startDetached(session, { command, limit, context: call.context, phase: call.phase }));
  }
  const limit = attachedLimit(timeoutSeconds, call.deadline);
  return judge(await withSession(target, (session) => execWithin(session, command, limit, call.deadline)));
};

/**
 * ssh run: run one command on one host.
 *
 * Input (lambdas/task/catalog.ts): host, port (22), user, key (the private key text: the runtime has resolved
 * its ${secret:/name} reference), hostKey (pinned SHA256 fingerprint, optional), command (text, or
 * { template, values } whose values are shell-quoted: see ../shell.ts), timeout (5m), allowExitCodes ([0]).
 * Output: exitCode, stdout, stderr (each its last 8 KiB), truncated.
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
 * | connection lost while the command ran                | Mastermind.Failed (it may have run)       |
 */
import type { Action } from '../runtime.ts';
import { withSession } from './connection.ts';
import { describeTarget, judgeExitCode } from './exit-codes.ts';
import { shellTextOf, targetOf, timeoutSecondsOf } from './target.ts';

export const run: Action = async (input) => {
  const command = shellTextOf(input, 'command');
  const timeoutSeconds = timeoutSecondsOf(input);
  const target = targetOf(input);
  const result = await withSession(target, (session) => session.exec(command, { timeoutSeconds }));
  return judgeExitCode(result, input.allowExitCodes as number[], describeTarget(target));
};

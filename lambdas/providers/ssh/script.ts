/**
 * ssh script: upload a multi-line script by SFTP, run it with its interpreter, remove it.
 *
 * Input: the ssh connection fields (see run.ts), script (text, or { template, values } whose values are
 * shell-quoted), interpreter (/bin/sh; a program and its arguments, e.g. "/usr/bin/env python3", each word
 * quoted), timeout (5m), allowExitCodes ([0]).
 * Output: exitCode, stdout, stderr (each its last 8 KiB), truncated.
 *
 * The script goes to a fresh, unguessable path under /tmp, created exclusively (an existing file or link
 * there is never followed) with mode 0700, and is removed afterwards whatever happened (exit code, timeout).
 * If removing it fails (the connection is gone), the move's own result or error stands and a warning is
 * logged with the path. Detached (context.detach, see run.ts and ./detached.ts), the script is removed with the job's
 * directory once a poll has seen the job end. The henchman's timeout ending it first: Mastermind.Timeout.
 *
 * | what happened                                        | error                                     |
 * | ---------------------------------------------------- | ----------------------------------------- |
 * | bad input (missing value, empty interpreter, key...) | Mastermind.Invalid                        |
 * | refused / unreachable / timeout while connecting     | Mastermind.Transient (a retry may help)   |
 * | connection lost while uploading                      | Mastermind.Transient (nothing ran yet)    |
 * | upload refused (no /tmp, disk full, permission)      | Mastermind.Failed                         |
 * | host key is not the pinned one, authentication       | Mastermind.Failed                         |
 * | exit code not in allowExitCodes, timeout reached,    | Mastermind.Failed                         |
 * | connection lost while the script ran                 |                                           |
 */
import { InvalidError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { shellQuote } from '../shell.ts';
import { attachedLimit, commandLimit } from '../deadline.ts';
import { execWithin, temporaryPath, withSession } from './connection.ts';
import { pollDetached, startDetached } from './detached.ts';
import { describeTarget, judgeExitCode } from './exit-codes.ts';
import { shellTextOf, targetOf, timeoutSecondsOf } from './target.ts';

/** "/usr/bin/env python3" → "'/usr/bin/env' 'python3'": words kept apart, none of them shell syntax. */
export function interpreterCommand(interpreter: string): string {
  const words = interpreter.trim().split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) throw new InvalidError('interpreter must name a program, e.g. /bin/sh');
  return words.map(shellQuote).join(' ');
}

export const script: Action = async (input, call) => {
  const target = targetOf(input);
  const judge = (result: Parameters<typeof judgeExitCode>[0]) => judgeExitCode(result, input.allowExitCodes as number[], describeTarget(target));
  if (call.phase === 'poll') return pollDetached(target, call.poll, judge);
  const text = shellTextOf(input, 'script');
  const interpreter = interpreterCommand(input.interpreter as string);
  const timeoutSeconds = timeoutSecondsOf(input);
  const path = temporaryPath('/tmp', 'mastermind-script-');
  if (call.context.detach) {
    // The script stays until the job is looked at for the last time, and goes with the job's directory.
    const limit = commandLimit(timeoutSeconds, call.deadline);
    return withSession(target, async (session) => {
      await session.writeFile(path, text, 0o700, { exclusive: true });
      return startDetached(session, { command: `${interpreter} ${shellQuote(path)}`, limit, context: call.context, phase: call.phase, files: [path] });
    });
  }
  const limit = attachedLimit(timeoutSeconds, call.deadline);
  const result = await withSession(target, async (session) => {
    await session.writeFile(path, text, 0o700, { exclusive: true });
    try {
      return await execWithin(session, `${interpreter} ${shellQuote(path)}`, limit, call.deadline);
    } finally {
      await session.removeFile(path).catch((error: unknown) =>
        call.logger.warn('the script could not be removed', { path, reason: (error as Error).message }),
      );
    }
  });
  return judge(result);
};

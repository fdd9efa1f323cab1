/**
 * ssh upload: write a file on the host by SFTP.
 *
 * Input: the ssh connection fields (see run.ts), path (remote; relative paths are under the user's home),
 * content (text, written as UTF-8), mode ("0644": octal, 3 or 4 digits; set on the file before the content
 * is written, also when the file existed with another mode).
 * Output: path, bytes (the UTF-8 length of content).
 *
 * | what happened                                        | error                                     |
 * | ---------------------------------------------------- | ----------------------------------------- |
 * | bad input (empty path, mode not octal, key...)       | Mastermind.Invalid                        |
 * | refused / unreachable / timeout while connecting,    | Mastermind.Transient (writing again is    |
 * | connection lost while writing                        | safe)                                     |
 * | host key is not the pinned one, authentication       | Mastermind.Failed                         |
 * | write refused (no such directory, permission, disk)  | Mastermind.Failed                         |
 */
import { InvalidError } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { withSession } from './connection.ts';
import { targetOf } from './target.ts';

/** "0644" or "644" or "4755" → the number; anything else is invalid input. */
export function parseMode(mode: string): number {
  if (!/^0?[0-7]{3,4}$/.test(mode)) throw new InvalidError(`mode must be an octal file mode such as 0644, not ${JSON.stringify(mode)}`);
  return Number.parseInt(mode, 8);
}

export const upload: Action = async (input) => {
  const path = input.path as string;
  if (path.trim() === '') throw new InvalidError('path must not be empty');
  const mode = parseMode(input.mode as string);
  const content = input.content as string;
  await withSession(targetOf(input), (session) => session.writeFile(path, content, mode));
  return { output: { path, bytes: Buffer.byteLength(content, 'utf8') } };
};

/**
 * Judging a finished command by its exit code (ssh run and script).
 *
 * An allowed exit code (allowExitCodes, [0] by default) gives the output
 *   { exitCode, stdout, stderr, truncated }
 * with stdout and stderr as the shell's $(...) gives a command's output: its trailing newlines removed. So an
 * `expect` compares what a user sees (`echo hello world` gives "hello world", which `equals: hello world` and
 * `matches: "*hello*"` both meet, on the local engine and on AWS alike), and `${move.stdout}` reads like $(...).
 * Any other exit code fails the move with Mastermind.Failed, because the state machine routes on the error
 * name (retry, onFailure) and a failed move has no output. The error message still reports the output:
 *   "exit code 3 is not allowed (allowed: 0) on ec2-user@10.0.0.5:22; stderr: <last 2000 characters>"
 * with the stdout tail instead when stderr is empty. A task that wants the whole output of a non-zero exit,
 * or wants to judge the exit code itself, lists it in allowExitCodes and uses `expect` on exitCode.
 */
import { FailedError } from '../contract.ts';
import { outputTail, type CommandResult } from './connection.ts';

/** Text without its trailing newlines, as the shell's $(...) takes a command's output (a loop: no regex backtracking). */
export function withoutTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end -= 1;
  return end === text.length ? text : text.slice(0, end);
}

export function judgeExitCode(result: CommandResult, allowExitCodes: readonly number[], where: string): { output: Record<string, unknown> } {
  if (allowExitCodes.includes(result.exitCode)) {
    return {
      output: {
        exitCode: result.exitCode,
        stdout: withoutTrailingNewlines(result.stdout),
        stderr: withoutTrailingNewlines(result.stderr),
        truncated: result.truncated,
      },
    };
  }
  const stream = result.stderr.trim() ? ['stderr', result.stderr] : result.stdout.trim() ? ['stdout', result.stdout] : undefined;
  const tail = stream ? `; ${stream[0]}: ${outputTail(stream[1]!)}` : '';
  throw new FailedError(
    `exit code ${result.exitCode} is not allowed (allowed: ${allowExitCodes.join(', ')}) on ${where}${tail}`,
  );
}

/** user@host:port, for messages. */
export function describeTarget(target: { user: string; host: string; port: number }): string {
  return `${target.user}@${target.host}:${target.port}`;
}

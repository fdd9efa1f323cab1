/**
 * Commands that outlive one provider invocation run detached on the host (../../task/invocation.ts): started in a
 * session of their own with their own watchdog, their output and exit status kept in files, and looked at by the
 * move's polls until they end. Used by ssh run and script and chef converge when the event's context says `detach`.
 *
 * On the host, one directory per move: ~/.mastermind/<execution>/<henchman>-<attempt>[-<item>]-<phase>/ (mode 0700):
 *
 *   command    the command text (written through stdin, never on a command line)
 *   pid        the runner's pid, which is also its process group (setsid; nohup where setsid is missing)
 *   stdout     the command's standard output; stderr likewise
 *   status     its exit status, written when it ends (status.tmp, then renamed: never read half-written)
 *   timedout   written by the watchdog when it ends the process group at the limit (or by the provider past it)
 *
 *   runner:  "${SHELL:-/bin/sh}" -c "<command>" >stdout 2>stderr &       the command, in the user's own shell
 *            ( sleep N; : > timedout; kill -KILL 0 ) &                    the watchdog: the whole group at the limit
 *            wait; echo $? > status                                      stopped when the command ends
 *
 * Starting twice is harmless: the directory is made with mkdir, so a retried start finds the job already there (a
 * start whose connection is lost is Mastermind.Transient: the move is tried again).
 *
 * A poll looks at the directory:
 *
 * | what it finds                                       | answer                                                 |
 * | --------------------------------------------------- | ------------------------------------------------------ |
 * | status                                              | the result, exactly as an attached run gives it        |
 * |                                                     | (exitCode, stdout and stderr tails, truncated); the    |
 * |                                                     | directory is removed                                   |
 * | timedout                                            | the directory is removed; Mastermind.Timeout when the  |
 * |                                                     | henchman's deadline set the limit, else Failed (as an  |
 * |                                                     | attached run at its own timeout)                       |
 * | neither, limit not yet passed                       | still running: poll again                              |
 * | neither, limit passed by {@link KILL_SLACK_SECONDS} | the watchdog did not act: the provider kills the group |
 * |                                                     | itself, then as timedout                               |
 * | no directory                                        | Mastermind.Failed: the job is gone (it may have run)   |
 * | the look itself failed (connection lost)            | Mastermind.Transient: one more round of waiting        |
 *
 * Where setsid is missing (nohup), the runner does not lead a process group of its own: the watchdog still ends the
 * whole group at the limit, but the provider's own kill past the limit reaches only the runner.
 */
import { DETACHED_POLLS } from '#task/invocation';
import { FailedError, TransientError, type ProviderContext, type ProviderResult } from '../contract.ts';
import { timeoutError, type CommandLimit } from '../deadline.ts';
import { shellQuote } from '../shell.ts';
import { CommandTimeoutError, outputTail, withSession, type CommandResult, type SshSession, type SshTarget } from './connection.ts';
import { BYTES_KEPT } from './tail-buffer.ts';
import { watchdogSeconds } from './watchdog.ts';

/** Past the limit, how long a poll trusts the host's watchdog before it ends the job itself. */
export const KILL_SLACK_SECONDS = 10;
/** How long one of the small commands that start, look at or clean up a job may take. */
const LOOK_SECONDS = 30;

/** What a detached move hands to its polls (the `state` of its `{ poll }` answer). */
export interface DetachedJob {
  /** The job's directory on the host, relative to $HOME. */
  readonly dir: string;
  /** When the limit passes, in milliseconds since the epoch. */
  readonly until: number;
  /** The limit in seconds. */
  readonly seconds: number;
  /** The henchman's timeout (context.timeout), not the command's own, set the limit. */
  readonly byDeadline: boolean;
  /** The task's deadline set the limit: the task's timeout in seconds (Mastermind.TaskTimeout when it is reached). */
  readonly task?: number;
  readonly henchman: string;
  /** The henchman's timeout, for the message when it set the limit. */
  readonly timeout?: number;
  /** What the action needs again when the job has ended (chef converge: the node name). */
  readonly data?: Record<string, unknown>;
  /** Files of the move outside the directory, removed with it (ssh script: the uploaded script). */
  readonly files?: readonly string[];
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The job's directory, relative to $HOME: one per execution, henchman, attempt, item and phase. */
export function jobDirectory(context: ProviderContext, phase: string): string {
  const execution = safe(context.execution.split(':').pop() || context.execution);
  const item = context.item === undefined ? '' : `-${context.item}`;
  return `.mastermind/${execution}/${safe(context.henchman)}-${context.attempt}${item}-${phase}`;
}

/** "$HOME"/'<dir>': the directory as the remote shell names it. */
function remote(dir: string): string {
  return `"\${HOME:-/tmp}"/${shellQuote(dir)}`;
}

/** The runner: run as `sh -c runner sh <dir> <seconds>` in a session of its own. */
const RUNNER = [
  'd=$1',
  'echo $$ > "$d/pid"',
  '"${SHELL:-/bin/sh}" -c "$(cat "$d/command")" > "$d/stdout" 2> "$d/stderr" < /dev/null &',
  'm=$!',
  `( trap 'kill $t 2>/dev/null; exit 0' TERM; sleep "$2" & t=$!; wait $t; : > "$d/timedout"; kill -KILL 0 ) >/dev/null 2>&1 &`,
  'w=$!',
  'wait $m',
  's=$?',
  'kill $w 2>/dev/null',
  'echo $s > "$d/status.tmp" && mv "$d/status.tmp" "$d/status"',
].join('\n');

/** Starts `command` detached in `dir` (its text through stdin), ended by its watchdog after `seconds`. */
export function startCommand(dir: string, seconds: number): string {
  const d = remote(dir);
  return [
    `d=${d}`,
    'umask 077',
    'mkdir -p "$(dirname "$d")" || exit 1',
    'if ! mkdir "$d" 2>/dev/null; then echo already; exit 0; fi',
    'cat > "$d/command" || exit 1',
    `r=${shellQuote(RUNNER)}`,
    'if command -v setsid >/dev/null 2>&1; then',
    `  setsid sh -c "$r" sh "$d" ${watchdogSeconds(seconds)} </dev/null >/dev/null 2>&1 &`,
    'else',
    `  nohup sh -c "$r" sh "$d" ${watchdogSeconds(seconds)} </dev/null >/dev/null 2>&1 &`,
    'fi',
    'echo started',
  ].join('\n');
}

/** Prints "exit <n>", "timedout", "running" or "gone". */
function lookCommand(dir: string): string {
  return [
    `d=${remote(dir)}`,
    'if [ -f "$d/status" ]; then echo "exit $(cat "$d/status")"',
    'elif [ -e "$d/timedout" ]; then echo timedout',
    'elif [ -d "$d" ]; then echo running',
    'else echo gone; fi',
  ].join('\n');
}

/** The tails of stdout (on stdout) and stderr (on stderr): one byte more than an attached run keeps, so a cut shows. */
function tailsCommand(dir: string): string {
  const n = BYTES_KEPT + 1;
  return [`d=${remote(dir)}`, `[ -f "$d/stdout" ] && tail -c ${n} "$d/stdout"`, `[ -f "$d/stderr" ] && tail -c ${n} "$d/stderr" >&2`, 'exit 0'].join('\n');
}

/** Ends the job's process group (the runner leads it) and marks it timed out. */
function killCommand(dir: string): string {
  return [`d=${remote(dir)}`, 'p=$(cat "$d/pid" 2>/dev/null)', 'if [ -n "$p" ]; then kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; fi', ': > "$d/timedout"', 'exit 0'].join('\n');
}

/** Removes the job's directory (and its files elsewhere), then the execution's and ~/.mastermind when left empty. */
function removeCommand(dir: string, files: readonly string[] = []): string {
  return [`d=${remote(dir)}`, 'rm -rf "$d"', ...files.map((file) => `rm -f ${shellQuote(file)}`), 'rmdir "$(dirname "$d")" 2>/dev/null', 'rmdir "${HOME:-/tmp}/.mastermind" 2>/dev/null', 'exit 0'].join('\n');
}

/**
 * Starts the command detached and answers `{ poll }` with the job. `limit` is the command's limit (./../deadline.ts);
 * `timeout` the henchman's (context.timeout).
 */
export async function startDetached(
  session: SshSession,
  o: { command: string; limit: CommandLimit; context: ProviderContext; phase: string; data?: Record<string, unknown>; files?: string[] },
): Promise<ProviderResult> {
  const dir = jobDirectory(o.context, o.phase);
  // Starting is idempotent (mkdir): when the connection is lost meanwhile, the move is tried again (Transient), and a
  // job started by the lost try is found and polled.
  const started = await session.exec(startCommand(dir, o.limit.seconds), { timeoutSeconds: LOOK_SECONDS, stdin: o.command }).catch((error: unknown) => {
    throw new TransientError(`the connection was lost while starting the command detached in ~/${dir}: ${(error as Error).message}`);
  });
  if (started.exitCode !== 0) {
    throw new FailedError(`could not start the command detached in ~/${dir}: exit code ${started.exitCode}; ${outputTail(started.stderr || started.stdout)}`);
  }
  const job: DetachedJob = {
    dir,
    until: Date.now() + o.limit.seconds * 1000,
    seconds: Math.round(o.limit.seconds),
    byDeadline: o.limit.byDeadline,
    ...(o.limit.task === undefined ? {} : { task: o.limit.task }),
    henchman: o.context.henchman,
    ...(o.context.timeout === undefined ? {} : { timeout: o.context.timeout }),
    ...(o.data ? { data: o.data } : {}),
    ...(o.files ? { files: o.files } : {}),
  };
  return { poll: { after: DETACHED_POLLS.firstWait ?? DETACHED_POLLS.every, state: job, waitingFor: detachedWords(job) } };
}

/** What a detached move waits for, in words (the poll answer's waitingFor: the same in every answer of the move). */
export function detachedWords(job: DetachedJob): string {
  return `the detached command to end (its limit: ${job.seconds} s)`;
}

/** The job handed back to a poll, checked enough to be used. */
export function jobOf(state: unknown): DetachedJob {
  const job = state as Partial<DetachedJob> | null;
  const files = job?.files ?? [];
  if (
    !job ||
    typeof job.dir !== 'string' ||
    !job.dir.startsWith('.mastermind/') ||
    job.dir.includes('..') ||
    typeof job.until !== 'number' ||
    !Array.isArray(files) ||
    !files.every((file) => typeof file === 'string' && file.startsWith('/tmp/mastermind-'))
  ) {
    throw new FailedError('the poll was not handed the detached job its move started');
  }
  return job as DetachedJob;
}

/**
 * Looks at a detached job: its result once it has ended (the directory then removed), 'running' while it runs.
 * Throws when it was ended at its limit (see the table above) or is gone.
 */
export async function lookDetached(target: SshTarget, job: DetachedJob, now = Date.now): Promise<CommandResult | 'running'> {
  return withSession(target, async (session) => {
    const where = `${target.user}@${target.host}:${target.port}`;
    // A look that fails (the connection lost) changes nothing on the host: it is one more round of waiting
    // (Mastermind.Transient, which a poll takes as "not yet"); the host's watchdog bounds the job meanwhile.
    const look = (command: string) =>
      session.exec(command, { timeoutSeconds: LOOK_SECONDS }).catch((error: unknown) => {
        throw new TransientError(`could not look at the detached command on ${where}: ${(error as Error).message}`);
      });
    let seen = (await look(lookCommand(job.dir))).stdout.trim();
    if (seen === 'running') {
      if (now() < job.until + KILL_SLACK_SECONDS * 1000) return 'running';
      await look(killCommand(job.dir));
      seen = 'timedout';
    }
    if (seen === 'gone') {
      throw new FailedError(`the detached command's directory ~/${job.dir} is gone from ${where}: it may or may not have finished`);
    }
    const tails = await look(tailsCommand(job.dir));
    // The result is in hand: a failure to remove the files does not change it.
    await session.exec(removeCommand(job.dir, job.files), { timeoutSeconds: LOOK_SECONDS }).catch(() => undefined);
    const status = /^exit (\d+)$/.exec(seen);
    if (!status) {
      const tail = tails.stderr.trim() ? `; stderr: ${outputTail(tails.stderr)}` : '';
      if (job.byDeadline) throw timeoutError({ henchman: job.henchman, seconds: job.timeout ?? job.seconds, task: job.task }, `the command was ended on ${where}${tail}`);
      throw new CommandTimeoutError(`the command did not finish within ${job.seconds}s on ${where} and was ended${tail}`, where, tail);
    }
    return { exitCode: Number(status[1]), stdout: tails.stdout, stderr: tails.stderr, truncated: tails.truncated };
  });
}

/**
 * Phase poll of a detached move: looks at the job; while it runs, `{ poll }` again (the runtime makes that
 * Mastermind.Waiting); once it has ended, `judge` turns its result into the action's answer.
 */
export async function pollDetached(
  target: SshTarget,
  state: unknown,
  judge: (result: CommandResult, job: DetachedJob) => ProviderResult,
): Promise<ProviderResult> {
  const job = jobOf(state);
  const seen = await lookDetached(target, job);
  if (seen === 'running') return { poll: { after: DETACHED_POLLS.every, state: job, waitingFor: detachedWords(job) } };
  return judge(seen, job);
}

/**
 * The remote side of a command's timeout.
 *
 * Closing an SSH channel does not end the process behind it (without a terminal, sshd leaves it running),
 * and the "signal" channel request is not honoured everywhere (OpenSSH refuses it for root sessions, other
 * servers ignore it). So every command runs inside a small POSIX wrapper that bounds it on the host itself:
 *
 *   exec 3<&0                                      keep the channel's stdin for the command
 *   "${SHELL:-/bin/sh}" -c '<command>' <&3 3<&- &  the command, in the user's own shell, in the background
 *   m=$!
 *   exec 3<&- </dev/null
 *   ( trap 'kill $t 2>/dev/null; exit 0' TERM      the watchdog: after N seconds it kills the whole process
 *     sleep N & t=$!; wait $t                      group (the wrapper, the command and everything it
 *     kill -KILL 0 ) >/dev/null 2>&1 &             started in the background); stopped when the command ends
 *   w=$!
 *   wait $m; s=$?; kill $w 2>/dev/null; exit $s    the command's own exit status
 *
 * sshd starts each session command as a new session (setsid), so "kill 0" reaches exactly the processes of
 * this command. The watchdog works even when the connection or the Lambda is gone by then. A command that
 * detaches into a session of its own (setsid, a daemon) is outside the group on purpose.
 */
import { shellQuote } from '../shell.ts';

/** Whole seconds for `sleep` (POSIX sleep takes whole seconds), at least 1. */
export function watchdogSeconds(timeoutSeconds: number): number {
  return Math.max(1, Math.ceil(timeoutSeconds));
}

/** The command text sent over SSH: `command` run by the user's shell, ended after `timeoutSeconds`. */
export function guardCommand(command: string, timeoutSeconds: number): string {
  const seconds = watchdogSeconds(timeoutSeconds);
  return [
    'exec 3<&0',
    `"\${SHELL:-/bin/sh}" -c ${shellQuote(command)} <&3 3<&- &`,
    'm=$!',
    'exec 3<&- </dev/null',
    `( trap 'kill $t 2>/dev/null; exit 0' TERM; sleep ${seconds} & t=$!; wait $t; kill -KILL 0 ) >/dev/null 2>&1 &`,
    'w=$!',
    'wait $m',
    's=$?',
    'kill $w 2>/dev/null',
    'exit $s',
  ].join('\n');
}

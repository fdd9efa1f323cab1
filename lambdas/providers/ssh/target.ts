/**
 * The ssh provider's input, as checked by the runtime (catalog types, defaults applied, the key resolved
 * from its secret reference), turned into what the actions work with.
 */
import { parseDuration } from '#task/duration';
import { InvalidError } from '../contract.ts';
import { renderShellCommand, type ShellInput } from '../shell.ts';
import type { SshTarget } from './connection.ts';

/** host, port, user, key, hostKey of an ssh action's input. */
export function targetOf(input: Record<string, unknown>): SshTarget {
  const target: SshTarget = {
    host: input.host as string,
    port: input.port as number,
    user: input.user as string,
    key: input.key as string,
  };
  if (typeof input.hostKey === 'string') target.hostKey = input.hostKey;
  return target;
}

/** The `timeout` input in seconds (a duration such as 30s or 5m, checked by the runtime). */
export function timeoutSecondsOf(input: Record<string, unknown>): number {
  const seconds = parseDuration(input.timeout as string);
  if (seconds === undefined || seconds <= 0) throw new InvalidError(`timeout must be a positive duration such as 30s or 5m`);
  return seconds;
}

/** A shell field (command, script) as text, its { template, values } rendered with every value quoted. */
export function shellTextOf(input: Record<string, unknown>, field: string): string {
  try {
    return renderShellCommand(input[field] as ShellInput);
  } catch (error) {
    throw new InvalidError(`${field}: ${(error as Error).message}`);
  }
}

/**
 * Calls the ssh provider the way a Task state does: through createProviderHandler with the real actions,
 * a quiet logger, the secret marks the compiler would send (test/support/secret-marks.ts), and (when a test wants it)
 * a secret resolver of its own.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Phase, ProviderContext, ProviderResult } from '#providers/contract';
import { createProviderHandler, type ProviderDependencies } from '#providers/runtime';
import { actions } from '#providers/ssh/actions';
import { marksOf } from '../../support/secret-marks.ts';
import type { Sshd } from '../../support/sshd.ts';

export const context = {
  project: 'default',
  task: 'ssh-test',
  version: 1,
  execution: 'arn:aws:states:eu-west-1:123456789012:execution:ssh-test:run-1',
  henchman: 'remote',
  attempt: 1,
};

export function quietLogger(): Logger {
  return new Logger({ serviceName: 'mastermind-ssh-test', logLevel: 'SILENT' });
}

/** The connection fields of an ssh action's input for this sshd, host key pinned. */
export function connection(sshd: Sshd): Record<string, unknown> {
  return { host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey, hostKey: sshd.hostKeyFingerprint };
}

/** Invokes the ssh provider handler; resolves with its result, or with the error it threw. */
export async function callSsh(
  action: string,
  input: Record<string, unknown>,
  options: { phase?: Phase; poll?: unknown; dependencies?: ProviderDependencies; context?: Partial<ProviderContext> } = {},
): Promise<ProviderResult | Error> {
  const handler = createProviderHandler('ssh', actions, { logger: quietLogger(), ...options.dependencies });
  try {
    return await handler({ action, input, secrets: marksOf(input), phase: options.phase ?? 'do', poll: options.poll, context: { ...context, ...options.context } });
  } catch (error) {
    return error as Error;
  }
}

/** The name and message of an error, for exact comparisons. */
export function described(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}

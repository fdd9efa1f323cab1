/**
 * The ssh provider against the loopback sshd (test/support/sshd.ts): the round trip of one `ssh run` move
 * (handler, connect, key exchange, login, exec `true` in its timeout wrapper, close) and of a login alone
 * (wait-reachable), median and p90 over 20 runs each. On loopback the figure is the provider's own cost plus
 * sshd's (and the login shell's start-up); over a network add a few round trips.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { performance } from 'node:perf_hooks';
import type { ProviderEvent } from '#providers/contract';
import { createProviderHandler } from '#providers/runtime';
import { actions } from '#providers/ssh/actions';
import { startSshd } from '../test/support/sshd.ts';
import { median, percentile, type Row } from './row.ts';

const RUNS = 20;

export async function run(): Promise<Row[]> {
  const sshd = await startSshd();
  try {
    const handler = createProviderHandler('ssh', actions, {
      logger: new Logger({ serviceName: 'mastermind-ssh-bench', logLevel: 'SILENT' }),
    });
    const connection = { host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey, hostKey: sshd.hostKeyFingerprint };
    const context = { project: 'bench', task: 'ssh', version: 1, execution: 'bench', henchman: 'ssh', attempt: 1 };
    const time = async (event: ProviderEvent): Promise<number[]> => {
      await handler(event); // warm-up: module loading, first key parse
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const result = await handler(event);
        times.push(performance.now() - started);
        if (!('output' in result)) throw new Error(`unexpected result ${JSON.stringify(result)}`);
      }
      return times;
    };
    const runs = await time({ action: 'run', input: { ...connection, command: 'true' }, phase: 'do', context });
    const logins = await time({ action: 'wait-reachable', input: connection, phase: 'do', context });
    return [
      { name: 'ssh run `true` round trip, median', value: median(runs), unit: 'ms', target: '≤ 500 ms' },
      { name: 'ssh run `true` round trip, p90', value: percentile(runs, 90), unit: 'ms' },
      { name: 'ssh login only (wait-reachable), median', value: median(logins), unit: 'ms' },
    ];
  } finally {
    await sshd.stop();
  }
}

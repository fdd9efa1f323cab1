import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '@aws-lambda-powertools/logger';
import { fingerprint } from '#providers/ssh/connection';
import { waitReachable } from '#providers/ssh/wait-reachable';
import { freePort, makeKeyPair, startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, context, described } from './harness.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

describe('ssh wait-reachable', () => {
  it('answers with the host and its key fingerprint once the host lets us in', async () => {
    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), hostKey: undefined });

    // Assess
    expect(result).toStrictEqual({ output: { host: '127.0.0.1', hostKey: sshd.hostKeyFingerprint } });
  });

  it('asks to be called again in 5 seconds while the port is closed, handing back when the first try was', async () => {
    // Prepare
    const port = await freePort();
    const before = Date.now();

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), port });

    // Assess
    const since = Date.parse((result as { poll: { state: { since: string } } }).poll.state.since);
    expect(result).toStrictEqual({
      poll: { after: 5, state: { since: new Date(since).toISOString() }, waitingFor: `127.0.0.1:${port} to take SSH connections (last try: could not connect to ${sshd.user}@127.0.0.1:${port}: ECONNREFUSED)`, for: { execution: context.execution, attempt: context.attempt } },
    });
    expect(since >= before && since <= Date.now()).toBe(true);
  });

  it('throws Mastermind.Waiting on a poll while the port is still closed, for the poll Task to retry', async () => {
    // Prepare
    const port = await freePort();

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), port }, { phase: 'poll', poll: { since: '2026-11-25T10:00:00.000Z' } });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Waiting',
      message: `still waiting for 127.0.0.1:${port} to take SSH connections (last try: could not connect to ${sshd.user}@127.0.0.1:${port}: ECONNREFUSED)`,
    });
  });

  it('logs how long it has waited since the first try, and hands back the same state', async () => {
    // Prepare
    const port = await freePort();
    const logged: unknown[] = [];
    const logger = { info: (message: string, attributes: unknown) => logged.push([message, attributes]) } as unknown as Logger;
    const since = new Date(Date.now() - 30_000).toISOString();

    // Act
    const result = await waitReachable({ ...connection(sshd), port }, { phase: 'poll', poll: { since }, context, logger });

    // Assess
    expect(result).toStrictEqual({ poll: { after: 5, state: { since }, waitingFor: `127.0.0.1:${port} to take SSH connections (last try: could not connect to ${sshd.user}@127.0.0.1:${port}: ECONNREFUSED)` } });
    expect(logged).toMatchObject([['host not reachable yet', { host: '127.0.0.1', port, waitedSeconds: 30 }]]);
  });

  it('answers on the poll that finds the host up', async () => {
    // Act
    const result = await callSsh('wait-reachable', connection(sshd), { phase: 'poll', poll: { since: '2026-11-25T10:00:00.000Z' } });

    // Assess
    expect(result).toStrictEqual({ output: { host: '127.0.0.1', hostKey: sshd.hostKeyFingerprint } });
  });

  it('fails when the host refuses the key', async () => {
    // Prepare
    const other = await makeKeyPair(join(sshd.dir, 'stranger_ed25519'));

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), key: other.privateKey });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `${sshd.user}@127.0.0.1:${sshd.port} refused the key: authentication failed`,
    });
  });

  it('fails when the host key is not the pinned one', async () => {
    // Prepare
    const pinned = fingerprint(Buffer.from('another host'));

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), hostKey: pinned });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the host key of 127.0.0.1:${sshd.port} is ${sshd.hostKeyFingerprint}, not the pinned ${pinned}: nothing was sent`,
    });
  });
});

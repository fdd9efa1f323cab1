import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '#providers/ssh/connection';
import { freePort, makeKeyPair, startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, described } from './harness.ts';

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

  it('asks to be called again in 5 seconds while the port is closed', async () => {
    // Prepare
    const port = await freePort();

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), port });

    // Assess
    expect(result).toStrictEqual({ poll: { after: 5, state: { tries: 1 } } });
  });

  it('counts the tries across polls', async () => {
    // Prepare
    const port = await freePort();

    // Act
    const result = await callSsh('wait-reachable', { ...connection(sshd), port }, { phase: 'poll', poll: { tries: 3 } });

    // Assess
    expect(result).toStrictEqual({ poll: { after: 5, state: { tries: 4 } } });
  });

  it('answers on the poll that finds the host up', async () => {
    // Act
    const result = await callSsh('wait-reachable', connection(sshd), { phase: 'poll', poll: { tries: 7 } });

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

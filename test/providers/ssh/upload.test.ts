import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMode } from '#providers/ssh/upload';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, described } from './harness.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

describe('ssh upload', () => {
  it('writes the content with the default mode 0644', async () => {
    // Prepare
    const path = join(sshd.dir, 'motd');

    // Act
    const result = await callSsh('upload', { ...connection(sshd), path, content: 'Bienvenue, héros\n' });

    // Assess
    expect(result).toStrictEqual({ output: { path, bytes: 18 } });
    expect(await readFile(path, 'utf8')).toBe('Bienvenue, héros\n');
    expect((await stat(path)).mode & 0o7777).toBe(0o644);
  });

  it('writes the mode it is given', async () => {
    // Prepare
    const path = join(sshd.dir, 'deploy.sh');

    // Act
    const result = await callSsh('upload', { ...connection(sshd), path, content: '#!/bin/sh\necho deployed\n', mode: '0750' });

    // Assess
    expect(result).toStrictEqual({ output: { path, bytes: 24 } });
    expect((await stat(path)).mode & 0o7777).toBe(0o750);
  });

  it('fails when the directory does not exist', async () => {
    // Act
    const result = await callSsh('upload', { ...connection(sshd), path: join(sshd.dir, 'missing', 'file'), content: 'x' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `could not open ${join(sshd.dir, 'missing', 'file')} on ${sshd.user}@127.0.0.1:${sshd.port}: No such file`,
    });
  });

  it('rejects a mode that is not octal', async () => {
    // Act
    const result = await callSsh('upload', { ...connection(sshd), path: join(sshd.dir, 'x'), content: 'x', mode: 'rwxr-xr-x' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Invalid',
      message: 'mode must be an octal file mode such as 0644, not "rwxr-xr-x"',
    });
  });
});

describe('parseMode', () => {
  it.each([
    ['0644', 0o644],
    ['600', 0o600],
    ['4755', 0o4755],
  ])('reads %s', (mode, expected) => {
    // Act
    const parsed = parseMode(mode);

    // Assess
    expect(parsed).toBe(expected);
  });

  it.each(['', '0x1ff', '888', '07777 ', '12'])('rejects %j', (mode) => {
    // Act
    const act = () => parseMode(mode);

    // Assess
    expect(act).toThrow(/mode must be an octal file mode/);
  });
});

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpreterCommand } from '#providers/ssh/script';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, described } from './harness.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

/** A script line that records the script's own path (its $0) in a file of the sshd's directory. */
function recordPath(name: string): string {
  return `echo "$0" > ${join(sshd.dir, name)}`;
}

async function recordedPath(name: string): Promise<string> {
  return (await readFile(join(sshd.dir, name), 'utf8')).trim();
}

describe('ssh script', () => {
  it('uploads the script with mode 0700, runs it, and removes it', async () => {
    // Prepare
    const script = [recordPath('ran'), 'stat -c %a "$0"', 'for word in one two; do', '  echo "$word"', 'done'].join('\n');

    // Act
    const result = await callSsh('script', { ...connection(sshd), script });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: '700\none\ntwo', stderr: '', truncated: false } });
    const path = await recordedPath('ran');
    expect(path).toMatch(/^\/tmp\/mastermind-script-[0-9a-f]{24}$/);
    expect(existsSync(path)).toBe(false);
  });

  it('removes the script when its exit code is not allowed', async () => {
    // Act
    const result = await callSsh('script', { ...connection(sshd), script: `${recordPath('failed')}\necho broken >&2\nexit 4` });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `exit code 4 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: broken`,
    });
    expect(existsSync(await recordedPath('failed'))).toBe(false);
  });

  it('removes the script when it outlives its timeout', async () => {
    // Act
    const result = await callSsh('script', { ...connection(sshd), script: `${recordPath('slow')}\nsleep 30`, timeout: '1s' });

    // Assess
    expect(result).toMatchObject({ name: 'Mastermind.Failed' });
    expect(existsSync(await recordedPath('slow'))).toBe(false);
  });

  it('runs the script with the interpreter and its arguments', async () => {
    // Act
    const result = await callSsh('script', {
      ...connection(sshd),
      script: 'false\necho not reached',
      interpreter: '/bin/sh -e',
      allowExitCodes: [1],
    });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 1, stdout: '', stderr: '', truncated: false } });
  });

  it('passes hostile values into the script as literal text', async () => {
    // Prepare
    const marker = join(sshd.dir, 'script-injected');
    const value = `$(touch ${marker}); \`touch ${marker}\` '"\n\\`;

    // Act
    const result = await callSsh('script', {
      ...connection(sshd),
      script: { template: "value={{0}}\nprintf '%s' \"$value\"", values: { '0': value } },
    });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: value, stderr: '', truncated: false } });
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects an empty interpreter', async () => {
    // Act
    const result = await callSsh('script', { ...connection(sshd), script: 'true', interpreter: '  ' });

    // Assess
    expect(described(result)).toStrictEqual({ name: 'Mastermind.Invalid', message: 'interpreter must name a program, e.g. /bin/sh' });
  });
});

describe('interpreterCommand', () => {
  it.each([
    ['/bin/sh', "'/bin/sh'"],
    ['/usr/bin/env  python3', "'/usr/bin/env' 'python3'"],
    ['bash; touch x', "'bash;' 'touch' 'x'"],
  ])('quotes each word of %j', (interpreter, expected) => {
    // Act
    const command = interpreterCommand(interpreter);

    // Assess
    expect(command).toBe(expected);
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '#providers/ssh/connection';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, described } from './harness.ts';

let sshd: Sshd;
let marker: string;

beforeAll(async () => {
  sshd = await startSshd();
  marker = join(sshd.dir, 'injected');
});

afterAll(async () => {
  await sshd?.stop();
});

describe('ssh run', () => {
  it('reports the output of a command that succeeds, its trailing newlines removed as $(...) does', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'echo hello; echo warning >&2' });
    const inner = await callSsh('run', { ...connection(sshd), command: "printf '\\n a\\n\\nb\\n\\n\\n'" });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: 'hello', stderr: 'warning', truncated: false } });
    expect(inner).toStrictEqual({ output: { exitCode: 0, stdout: '\n a\n\nb', stderr: '', truncated: false } });
  });

  it('fails on an exit code that is not allowed, with the exit code and stderr tail in the message', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'echo partial; echo "disk full" >&2; exit 3' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `exit code 3 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: disk full`,
    });
  });

  it('quotes the stdout tail when stderr is empty', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'echo "no such backend"; exit 1' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `exit code 1 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stdout: no such backend`,
    });
  });

  it('reports an allowed non-zero exit code as output', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'echo absent; exit 3', allowExitCodes: [0, 3] });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 3, stdout: 'absent', stderr: '', truncated: false } });
  });

  it('fails when the command outlives its timeout', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'echo started >&2; sleep 30', timeout: '1s' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the command did not finish within 1s on ${sshd.user}@127.0.0.1:${sshd.port} and was ended; stderr: started`,
    });
  });

  it('sends nothing to a host whose key is not the pinned one', async () => {
    // Prepare
    const pinned = fingerprint(Buffer.from('the key we expected'));

    // Act
    const result = await callSsh('run', { ...connection(sshd), hostKey: pinned, command: `touch ${marker}-hostkey` });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the host key of 127.0.0.1:${sshd.port} is ${sshd.hostKeyFingerprint}, not the pinned ${pinned}: nothing was sent`,
    });
    expect(existsSync(`${marker}-hostkey`)).toBe(false);
  });

  it('rejects a command that refers to a value it was not given', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: { template: 'echo {{0}} {{1}}', values: { '0': 'a' } } });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Invalid',
      message: 'command: the command refers to value {{1}}, which was not given',
    });
  });

  it('rejects input the catalog does not allow, before connecting', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'true', timeout: 'soon', shell: 'bash' });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Invalid',
      message: 'invalid input for ssh run: timeout must be a duration such as 30s, 10m or 1h; shell is not an input of ssh run',
    });
  });
});

describe('ssh run with hostile values', () => {
  const hostile = () => [
    ['command substitution', `$(touch ${marker})`],
    ['a command after a semicolon', `x; touch ${marker}`],
    ['backticks', `\`touch ${marker}\``],
    ['single quotes', `it's'; touch ${marker}; echo '`],
    ['double quotes', `"; touch ${marker}; echo "`],
    ['a newline', `first\ntouch ${marker}`],
    ['a trailing backslash', 'ends with \\'],
    ['variables and globs', '$HOME ${PATH} * ~ ?'],
    ['pipes and redirections', `| tee ${marker} > ${marker} && touch ${marker} &`],
  ];

  it.each(hostile())('passes %s as literal text', async (_what, value) => {
    // Act
    const result = await callSsh('run', {
      ...connection(sshd),
      command: { template: "printf '%s|' {{0}} {{1}}", values: { '0': value, '1': 'second' } },
    });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: `${value}|second|`, stderr: '', truncated: false } });
    expect(existsSync(marker)).toBe(false);
  });

  it('passes a value that is not a string as its JSON text', async () => {
    // Act
    const result = await callSsh('run', {
      ...connection(sshd),
      command: { template: "printf '%s' {{0}}", values: { '0': { reason: "cpu > 80%'; touch x" } } },
    });

    // Assess
    expect(result).toStrictEqual({
      output: { exitCode: 0, stdout: `{"reason":"cpu > 80%'; touch x"}`, stderr: '', truncated: false },
    });
  });

  it('inserts a raw value as shell syntax when the task asks for it', async () => {
    // Prepare
    const raw = join(sshd.dir, 'raw-marker');

    // Act
    const result = await callSsh('run', {
      ...connection(sshd),
      command: { template: '{{0:raw}} && echo done', values: { '0': `touch ${raw}` } },
    });

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: 'done', stderr: '', truncated: false } });
    expect(existsSync(raw)).toBe(true);
  });
});

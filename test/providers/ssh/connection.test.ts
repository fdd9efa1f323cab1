import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT } from '#providers/contract';
import { fingerprint, withSession, type SshTarget } from '#providers/ssh/connection';
import { freePort, makeKeyPair, startSshd, type Sshd } from '../../support/sshd.ts';

const run = promisify(execFile);

let sshd: Sshd;
let target: SshTarget;

beforeAll(async () => {
  sshd = await startSshd();
  target = { host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey, hostKey: sshd.hostKeyFingerprint };
});

afterAll(async () => {
  await sshd?.stop();
});

/** The processes whose command line contains `text` (zombies have none, so ended processes do not count). */
async function processesMatching(text: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'args']);
  return stdout.split('\n').filter((line) => line.includes(text) && !line.includes('ps -eo'));
}

/** Waits until `check` holds, for at most `ms`: the remote side settles a moment after the channel closes. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
    if (await check()) return true;
  }
  return check();
}

describe('withSession exec', () => {
  it('reports exit code, stdout and stderr apart', async () => {
    // Act
    const result = await withSession(target, (s) => s.exec('echo out; echo err >&2; exit 3', { timeoutSeconds: 10 }));

    // Assess
    expect(result).toStrictEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', truncated: false });
  });

  it('feeds stdin to the command', async () => {
    // Act
    const result = await withSession(target, (s) => s.exec('tr a-z A-Z', { timeoutSeconds: 10, stdin: 'hello\nworld\n' }));

    // Assess
    expect(result).toStrictEqual({ exitCode: 0, stdout: 'HELLO\nWORLD\n', stderr: '', truncated: false });
  });

  it('runs several commands on one connection', async () => {
    // Act
    const results = await withSession(target, async (s) => [
      await s.exec('echo one', { timeoutSeconds: 10 }),
      await s.exec('echo two', { timeoutSeconds: 10 }),
    ]);

    // Assess
    expect(results.map((r) => r.stdout)).toStrictEqual(['one\n', 'two\n']);
  });

  it('keeps the tail of a long output and says it was cut', async () => {
    // Act: 200 000 numbered lines, about 1.3 MB
    const result = await withSession(target, (s) => s.exec('seq 1 200000; seq 1 3000 >&2', { timeoutSeconds: 30 }));

    // Assess
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stdout).toHaveLength(MAX_TEXT);
    expect(result.stdout.endsWith('199999\n200000\n')).toBe(true);
    expect(result.stderr).toHaveLength(MAX_TEXT);
    expect(result.stderr.endsWith('2999\n3000\n')).toBe(true);
  });

  it('reports an exit by signal as 128 + the signal number', async () => {
    // Act
    const result = await withSession(target, (s) => s.exec('kill -TERM $$', { timeoutSeconds: 10 }));

    // Assess
    expect(result.exitCode).toBe(143);
  });

  it('ends a command at its timeout, with every process it started', async () => {
    // Prepare
    const started = join(sshd.dir, 'timeout-started');
    const command = `touch ${started}; sleep 2717 & sleep 2718`;

    // Act
    const error = await withSession(target, (s) => s.exec(command, { timeoutSeconds: 1 })).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed' });
    expect((error as Error).message).toMatch(/did not finish within 1s/);
    expect(existsSync(started)).toBe(true);
    expect(await eventually(async () => (await processesMatching('sleep 271')).length === 0)).toBe(true);
  });

  it('stops the watchdog when the command ends in time', async () => {
    // Act
    await withSession(target, (s) => s.exec('true', { timeoutSeconds: 2719 }));

    // Assess
    expect(await eventually(async () => (await processesMatching('sleep 2719')).length === 0)).toBe(true);
  });
});

describe('withSession files', () => {
  it('writes a file with its content and mode', async () => {
    // Prepare
    const path = join(sshd.dir, 'written.txt');

    // Act
    await withSession(target, (s) => s.writeFile(path, 'line 1\nligne 2 é\n', 0o600));

    // Assess
    expect(await readFile(path, 'utf8')).toBe('line 1\nligne 2 é\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('overwrites a file and sets the new mode on it', async () => {
    // Prepare
    const path = join(sshd.dir, 'overwritten.txt');
    await writeFile(path, 'a much longer old content than the new one', { mode: 0o666 });

    // Act
    await withSession(target, (s) => s.writeFile(path, 'new', 0o640));

    // Assess
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it('writes a file larger than one SFTP packet', async () => {
    // Prepare
    const path = join(sshd.dir, 'large.bin');
    const content = Buffer.alloc(300_000, 'abcdefghij');

    // Act
    await withSession(target, (s) => s.writeFile(path, content));

    // Assess
    expect((await readFile(path)).equals(content)).toBe(true);
  });

  it('refuses to replace an existing file when asked for a fresh one', async () => {
    // Prepare
    const path = join(sshd.dir, 'existing.txt');
    await writeFile(path, 'keep me');

    // Act
    const error = await withSession(target, (s) => s.writeFile(path, 'replaced', 0o600, { exclusive: true })).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed' });
    expect(await readFile(path, 'utf8')).toBe('keep me');
  });

  it('fails with the path when the directory does not exist', async () => {
    // Act
    const error = await withSession(target, (s) => s.writeFile('/nonexistent-dir/file', 'x')).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed' });
    expect((error as Error).message).toMatch(/could not open \/nonexistent-dir\/file on /);
  });

  it('removes a file, and a missing file is fine', async () => {
    // Prepare
    const path = join(sshd.dir, 'to-remove.txt');
    await writeFile(path, 'x');

    // Act
    await withSession(target, async (s) => {
      await s.removeFile(path);
      await s.removeFile(path);
    });

    // Assess
    expect(existsSync(path)).toBe(false);
  });
});

describe('withSession connecting', () => {
  it('reports the host key fingerprint exactly as ssh-keygen -lf prints it', async () => {
    // Act
    const hostKey = await withSession({ ...target, hostKey: undefined }, async (s) => s.hostKey);

    // Assess
    expect(hostKey).toBe(sshd.hostKeyFingerprint);
  });

  it('fails on a host key mismatch before anything is run', async () => {
    // Prepare
    const marker = join(sshd.dir, 'mismatch-marker');
    const pinned = fingerprint(Buffer.from('some other host key'));
    let called = false;

    // Act
    const error = await withSession({ ...target, hostKey: pinned }, (s) => {
      called = true;
      return s.exec(`touch ${marker}`, { timeoutSeconds: 10 });
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed' });
    expect((error as Error).message).toBe(
      `the host key of 127.0.0.1:${sshd.port} is ${sshd.hostKeyFingerprint}, not the pinned ${pinned}: nothing was sent`,
    );
    expect(called).toBe(false);
    expect(existsSync(marker)).toBe(false);
  });

  it('fails when the server refuses the key', async () => {
    // Prepare
    const other = await makeKeyPair(join(sshd.dir, 'other_ed25519'));

    // Act
    const error = await withSession({ ...target, key: other.privateKey }, async () => 'never').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed' });
    expect((error as Error).message).toBe(`${sshd.user}@127.0.0.1:${sshd.port} refused the key: authentication failed`);
  });

  it('reports a refused connection as transient', async () => {
    // Prepare
    const closedPort = await freePort();

    // Act
    const error = await withSession({ ...target, port: closedPort }, async () => 'never').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Transient' });
    expect((error as Error).message).toBe(`could not connect to ${sshd.user}@127.0.0.1:${closedPort}: ECONNREFUSED`);
  });

  describe('against a server that accepts and never speaks', () => {
    let silent: Server;
    let port: number;

    beforeAll(async () => {
      silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });

    afterAll(async () => {
      silent.close();
    });

    it('reports the connect timeout as transient', async () => {
      // Act
      const error = await withSession({ ...target, port, connectTimeoutSeconds: 1 }, async () => 'never').catch(
        (e: unknown) => e,
      );

      // Assess
      expect(error).toMatchObject({ name: 'Mastermind.Transient' });
      expect((error as Error).message).toBe(`timed out after 1s connecting to ${sshd.user}@127.0.0.1:${port}`);
    });
  });

  it.each([
    ['not a key', 'hello', /the SSH key is not a private key that can be read/],
    ['a public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC8Ow8U0mFQBr3Yf1X9yq2kFmzAw4iZy5l0cKZyT5ZlS test', /public key|not a private key/],
  ])('rejects %s as invalid input', async (_what, key, message) => {
    // Act
    const error = await withSession({ ...target, key }, async () => 'never').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid' });
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an encrypted key as invalid input', async () => {
    // Prepare
    const path = join(sshd.dir, 'encrypted_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'passphrase', '-f', path]);

    // Act
    const error = await withSession({ ...target, key: await readFile(path, 'utf8') }, async () => 'never').catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid', message: 'the SSH key is encrypted: give an unencrypted private key' });
  });

  it.each([
    [{ port: 0 }, 'invalid SSH target: port must be 1 to 65535'],
    [{ hostKey: 'MD5:aa:bb' }, 'invalid SSH target: hostKey must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)'],
  ])('rejects a bad target %j as invalid input', async (change, message) => {
    // Act
    const error = await withSession({ ...target, ...change }, async () => 'never').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid', message });
  });
});

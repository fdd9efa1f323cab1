/**
 * A real OpenSSH sshd (Debian's openssh-server) on 127.0.0.1 for the ssh and chef provider tests.
 *
 * Each call starts its own daemon in a fresh temporary directory: its own ed25519 host key and user key,
 * an authorized_keys file with that user key, a free port, running as the current user (root here) in the
 * foreground (`sshd -D -e`), so stop() ends exactly the process it started.
 *
 *   const sshd = await startSshd();
 *   await withSession({ host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey }, ...);
 *   await sshd.stop();
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SSHD = '/usr/sbin/sshd';
const READY_TIMEOUT_MS = 10_000;
const LOG_KEPT = 64 * 1024;

export interface Sshd {
  readonly host: string;
  readonly port: number;
  /** The user the daemon lets in (the current user). */
  readonly user: string;
  /** The user's private key (OpenSSH format), authorized by the daemon. */
  readonly privateKey: string;
  /** The daemon's host key fingerprint, as `ssh-keygen -lf` prints it (SHA256:...). */
  readonly hostKeyFingerprint: string;
  /** The daemon's own directory (keys, config, pid file); tests may put marker files here. */
  readonly dir: string;
  /** The daemon's log so far (its stderr, the last 64 KiB): handy when a test fails. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (also useful as a "closed port" in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** Makes an unencrypted ed25519 key pair at `path` (and `path`.pub). */
export async function makeKeyPair(path: string): Promise<{ privateKey: string; publicKey: string }> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mastermind-test', '-f', path]);
  return { privateKey: await readFile(path, 'utf8'), publicKey: await readFile(`${path}.pub`, 'utf8') };
}

/** The fingerprint of a public key file, as `ssh-keygen -lf` prints it. */
export async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', publicKeyPath]);
  const fingerprint = stdout.split(' ')[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${stdout}`);
  return fingerprint;
}

function config(dir: string, port: number, user: string): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    `AllowUsers ${user}`,
    'Subsystem sftp internal-sftp',
    'MaxStartups 100',
    `LogLevel ${process.env.MASTERMIND_SSHD_LOG_LEVEL ?? 'INFO'}`,
    '',
  ].join('\n');
}

/** Waits for "Server listening" on the daemon's stderr; rejects when it exits first or takes too long. */
function waitUntilListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`sshd did not start within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening')) done();
    };
    const onExit = (code: number | null) => fail(new Error(`sshd exited with ${code} before listening:\n${log}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    };
    const done = () => {
      cleanup();
      resolve();
    };
    const fail = (error: Error) => {
      cleanup();
      reject(error);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Starts a loopback sshd; retries with another port if the chosen one was taken in the meantime. */
export async function startSshd(): Promise<Sshd> {
  const user = userInfo().username;
  const dir = await mkdtemp(join(tmpdir(), 'mastermind-sshd-'));
  try {
    await mkdir('/run/sshd', { recursive: true }).catch(() => undefined); // privilege separation dir, as root
    await makeKeyPair(join(dir, 'host_ed25519'));
    const userKey = await makeKeyPair(join(dir, 'user_ed25519'));
    await writeFile(join(dir, 'authorized_keys'), userKey.publicKey, { mode: 0o600 });
    const hostKeyFingerprint = await fingerprintOf(join(dir, 'host_ed25519.pub'));

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'sshd_config');
      await writeFile(configPath, config(dir, port, user));
      const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-LOG_KEPT);
      });
      try {
        await waitUntilListening(child);
      } catch (error) {
        await stopChild(child);
        if (attempt < 3) continue;
        throw error;
      }
      return {
        host: '127.0.0.1',
        port,
        user,
        privateKey: userKey.privateKey,
        hostKeyFingerprint,
        dir,
        log: () => log,
        async stop() {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

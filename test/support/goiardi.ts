/**
 * A real Chef server for tests: Debian's goiardi on 127.0.0.1, a free port, its own temporary conf-root,
 * authentication on, data in memory. `startGoiardi()` resolves once the server answers HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Goiardi {
  /** The server URL (goiardi has no organizations: the base URL is the API root). */
  readonly url: string;
  /** The admin user goiardi creates on its first start. */
  readonly adminName: 'admin';
  /** Its private key (PEM). */
  readonly adminKey: string;
  /** The conf-root (admin.pem, chef-validator.pem, the config file, the log). */
  readonly dir: string;
  stop(): Promise<void>;
}

const GOIARDI = process.env.GOIARDI_BIN ?? '/usr/bin/goiardi';
const READY_WITHIN_MS = 15_000;

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startGoiardi(): Promise<Goiardi> {
  const dir = await mkdtemp(join(tmpdir(), 'mastermind-goiardi-'));
  await mkdir(join(dir, 'files'));
  const port = await freePort();
  const config = join(dir, 'goiardi.conf');
  await writeFile(
    config,
    [
      'ipaddress = "127.0.0.1"',
      `port = ${port}`,
      'hostname = "127.0.0.1"',
      'use-auth = true',
      `conf-root = "${dir}"`,
      `local-filestore-dir = "${join(dir, 'files')}"`,
      '',
    ].join('\n'),
  );
  const child = spawn(GOIARDI, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(child, url, () => log);
    const adminKey = await readFile(join(dir, 'admin.pem'), 'utf8');
    return { url, adminName: 'admin', adminKey, dir, stop: () => stop(child, dir) };
  } catch (error) {
    await stop(child, dir);
    throw error;
  }
}

async function waitUntilAnswering(child: ChildProcess, url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`goiardi exited (${child.exitCode ?? child.signalCode}) before answering:\n${log()}`);
    }
    try {
      // Unsigned: goiardi answers 401 once it is up, and it writes admin.pem before listening.
      const response = await fetch(`${url}/nodes`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`goiardi did not answer at ${url} within ${READY_WITHIN_MS} ms:\n${log()}`);
}

async function stop(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
}

/**
 * A real Chef server for tests: Debian's goiardi on 127.0.0.1, a free port, its own temporary conf-root,
 * authentication on, data in memory. `startGoiardi()` resolves once the server answers a request signed with its
 * admin key; when goiardi cannot bind the port it was given (taken since freePort() looked), it starts again on a
 * fresh port, up to 3 times, as test/support/sshd.ts does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chefTimestamp, parsePrivateKey, signRequest } from '#providers/chef/client';

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

/** goiardi could not listen on the port it was given (someone took it after freePort() looked). */
class PortTaken extends Error {}

const ATTEMPTS = 3;

/** Starts goiardi; retries on a fresh port (and conf-root) when the one chosen was taken in the meantime. */
export async function startGoiardi(): Promise<Goiardi> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function startOnce(port: number): Promise<Goiardi> {
  const dir = await mkdtemp(join(tmpdir(), 'mastermind-goiardi-'));
  await mkdir(join(dir, 'files'));
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
    const adminKey = await waitUntilAnswering(child, url, dir, () => log);
    return { url, adminName: 'admin', adminKey, dir, stop: () => stop(child, dir) };
  } catch (error) {
    await stop(child, dir);
    throw error;
  }
}

/** GET /nodes signed as this goiardi's admin: only our own server (not another one on the port) answers 200. */
async function answersAsAdmin(url: string, adminKey: string): Promise<boolean> {
  const headers = signRequest({
    method: 'GET',
    path: '/nodes',
    body: '',
    clientName: 'admin',
    key: parsePrivateKey(adminKey, 'admin.pem'),
    version: '1.3',
    timestamp: chefTimestamp(new Date()),
  });
  const response = await fetch(`${url}/nodes`, { headers: { ...headers, Accept: 'application/json' }, signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  return response.status === 200;
}

/** Resolves with the admin key once goiardi answers a request signed with it; PortTaken when it could not bind. */
async function waitUntilAnswering(child: ChildProcess, url: string, dir: string, log: () => string): Promise<string> {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const message = `goiardi exited (${child.exitCode ?? child.signalCode}) before answering at ${url}:\n${log()}`;
      throw log().includes('address already in use') ? new PortTaken(message) : new Error(message);
    }
    try {
      // goiardi writes admin.pem before it listens; a 401 may come from another server holding the port.
      const adminKey = await readFile(join(dir, 'admin.pem'), 'utf8');
      if (await answersAsAdmin(url, adminKey)) return adminKey;
    } catch {
      // not written or not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
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

/**
 * Local mode is not an open door: a web page in the operator's browser cannot drive `serve` (foreign Host,
 * foreign Origin, form and text bodies are refused), and no request, however malformed, stops it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderHandler } from '#engine/run';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';

let local: LocalService;
let port: number;
let host: string;
let hookPath: string;

beforeAll(async () => {
  const handler: ProviderHandler = async () => ({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } });
  local = await startLocalService({ handler });
  port = Number(new URL(local.url).port);
  host = `127.0.0.1:${port}`;
  await fetch(`${local.url}/projects/ops`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const task = 'task: restart\ntriggers: { hook: true }\nplot:\n  - { name: a, provider: ssh, action: run, with: { host: h, user: u, key: "${secret:/mastermind/ops/k}", command: x } }\n';
  await fetch(`${local.url}/projects/ops/tasks/restart`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: task });
  hookPath = ((await (await fetch(`${local.url}/projects/ops/tasks/restart/hook`, { method: 'POST' })).json()) as { path: string }).path;
});
afterAll(async () => {
  await local.close();
});

/** Sends raw bytes and reads the whole answer (the server closes or answers with Connection: close). */
function raw(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** The status and JSON body of a raw answer. */
function parsed(answer: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const text = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function stillServing(): Promise<number> {
  return (await fetch(`${local.url}/projects/ops`)).status;
}

describe('local mode refuses requests a web page could make', () => {
  it.each([`evil.example:PORT`, 'localhost:1', '127.0.0.1', '127.0.0.2:PORT', '[::1]:PORT'])('refuses the Host %s with 403 (no DNS rebinding)', async (foreign) => {
    // Act
    const answer = parsed(await raw(`GET /projects/ops HTTP/1.1\r\nHost: ${foreign.replace('PORT', String(port))}\r\nConnection: close\r\n\r\n`));
    // Assess
    expect(answer).toStrictEqual({
      status: 403,
      body: {
        error: 'ForeignHost',
        message: `This server answers only requests for 127.0.0.1:${port} or localhost:${port}, not for ${JSON.stringify(foreign.replace('PORT', String(port)))}.`,
        details: [],
      },
    });
  });

  it('refuses a request without Host with 403', async () => {
    // Act
    const answer = parsed(await raw('GET /projects/ops HTTP/1.0\r\n\r\n'));
    // Assess
    expect(answer).toStrictEqual({
      status: 403,
      body: { error: 'ForeignHost', message: `This server answers only requests for 127.0.0.1:${port} or localhost:${port}, not for no Host.`, details: [] },
    });
  });

  it('answers the served Host, by address and as localhost, and the served Origin', async () => {
    // Act
    const byAddress = parsed(await raw(`GET /projects/ops HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    const byName = parsed(await raw(`GET /projects/ops HTTP/1.1\r\nHost: LOCALHOST:${port}\r\nOrigin: http://localhost:${port}\r\nConnection: close\r\n\r\n`));
    // Assess
    expect([byAddress.status, byName.status]).toStrictEqual([200, 200]);
  });

  it.each(['https://evil.example', 'null', `http://127.0.0.1:${1}`, 'http://localhost'])('refuses the Origin %s with 403', async (origin) => {
    // Act
    const response = await fetch(`${local.url}/projects/ops`, { method: 'PUT', headers: { 'Content-Type': 'application/json', Origin: origin }, body: '{}' });
    // Assess
    expect([response.status, await response.json()]).toStrictEqual([
      403,
      { error: 'ForeignOrigin', message: `Requests from ${JSON.stringify(origin)} are refused: local mode takes no cross-origin requests.`, details: [] },
    ]);
  });

  it.each([
    ['text/plain', 'text/plain;charset=UTF-8', 'task: x'],
    ['a form', 'application/x-www-form-urlencoded', 'task=x'],
    ['a multipart form', 'multipart/form-data; boundary=b', '--b--'],
  ])('refuses %s body with 415, the task routes and the alarms alike', async (_what, type, body) => {
    // Act
    const task = await fetch(`${local.url}/projects/ops/tasks/evil`, { method: 'PUT', headers: { 'Content-Type': type }, body });
    const alarm = await fetch(`${local.url}/local/alarms`, { method: 'POST', headers: { 'Content-Type': type }, body });
    // Assess
    const refused = { error: 'UnsupportedMediaType', message: `A body is sent as application/json or application/yaml, not ${type.split(';')[0]}.`, details: [] };
    expect([task.status, await task.json()]).toStrictEqual([415, refused]);
    expect([alarm.status, await alarm.json()]).toStrictEqual([415, refused]);
    expect((await fetch(`${local.url}/projects/ops/tasks/evil`)).status).toBe(404);
  });

  it('takes any text to a hook (its URL holds its secret token), but not from a foreign Origin', async () => {
    // Act
    const text = await fetch(`${local.url}${hookPath}`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'disk full' });
    const foreign = await fetch(`${local.url}${hookPath}`, { method: 'POST', headers: { 'Content-Type': 'text/plain', Origin: 'https://evil.example' }, body: 'x' });
    // Assess
    expect([text.status, ((await text.json()) as { outcome: string }).outcome]).toStrictEqual([202, 'started']);
    expect(foreign.status).toBe(403);
  });

  it.each(['text/yaml', 'application/x-yaml', 'application/yaml; charset=utf-8', 'application/json'])(
    'takes a task as %s from a client that sends no Origin (the CLI, curl)',
    async (type) => {
      // Prepare
      const task = { task: 'fine', plot: [{ name: 'a', provider: 'ssh', action: 'wait-reachable', with: { host: 'h', user: 'u', key: '${secret:/mastermind/ops/ops-key}' } }] };
      // Act
      const response = await fetch(`${local.url}/projects/ops/tasks/fine/validate`, { method: 'POST', headers: { 'Content-Type': type }, body: JSON.stringify(task) });
      // Assess
      expect(response.status).toBe(200);
    },
  );
});

describe('no request stops local mode', () => {
  it.each([
    ['GET //', 'GET // HTTP/1.1', 404],
    ['GET //projects', 'GET //projects HTTP/1.1', 404],
    ['a %ZZ escape', 'GET /projects/%ZZ HTTP/1.1', 404],
    ['an absolute URL', 'GET http://x/projects/ops HTTP/1.1', 400],
    ['the asterisk form', 'OPTIONS * HTTP/1.1', 400],
    ['a path of dots', 'GET /projects/../../etc/passwd HTTP/1.1', 404],
  ])('answers %s and keeps serving', async (_what, line, status) => {
    // Act
    const answer = parsed(await raw(`${line}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    // Assess
    expect(answer.status).toBe(status);
    expect(Object.keys(answer.body as object).sort()).toStrictEqual(['details', 'error', 'message']);
    expect(await stillServing()).toBe(200);
  });

  it('reads a query with bad escapes and a fragment', async () => {
    // Act
    const answer = parsed(await raw(`GET /projects/ops/tasks?limit=%ZZ&&=#frag HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
    // Assess
    expect(answer).toStrictEqual({
      status: 400,
      body: { error: 'BadRequest', message: 'The query parameter limit must be a whole number from 1 to 100.', details: [{ place: 'query.limit', message: 'must be a whole number from 1 to 100' }] },
    });
    expect(await stillServing()).toBe(200);
  });

  it.each([
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    ['headers larger than Node takes', `GET /projects/ops HTTP/1.1\r\nHost: ${'127.0.0.1'}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['a bad header line', 'GET /projects/ops HTTP/1.1\r\nHost\r\n\r\n', 400],
  ])('answers %s with %s at the HTTP level and keeps serving', async (_what, bytes, status) => {
    // Act
    const answer = await raw(bytes);
    // Assess
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(await stillServing()).toBe(200);
  });
});

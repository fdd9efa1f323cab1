/**
 * `mastermind dashboard`: the page on 127.0.0.1 and its API calls forwarded, signed with SigV4, to the deployed
 * API, here a local HTTP server standing in for API Gateway that checks each request's signature (recomputed
 * with the same credentials, date and signed headers) before it answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sha256 } from '../../bin/commands/client.ts';
import { dashboardUntil, startDashboard } from '../../bin/commands/dashboard.ts';
import type { Listening } from '#local/http';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signer = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256 });
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(\d{8})\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

interface Seen {
  method: string;
  path: string;
  body: string;
  signedHeaders: string;
  /** The signature matched the one recomputed from the request. */
  verified: boolean;
}

let gateway: Server;
let gatewayUrl: string;
const seen: Seen[] = [];
let dashboard: Listening;

/** Recomputes the request's signature from what it carries (its x-amz-date, its signed headers, its body). */
async function verify(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: string): Promise<{ signedHeaders: string; verified: boolean }> {
  const match = AUTHORIZATION.exec(String(headers.authorization ?? ''));
  if (!match) return { signedHeaders: '', verified: false };
  const signed = match[2]!.split(';');
  const amzDate = String(headers['x-amz-date']);
  const date = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const again = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(signed.map((name) => [name, String(headers[name])])),
      ...(body !== '' ? { body } : {}),
    },
    { signingDate: date },
  );
  return { signedHeaders: match[2]!, verified: again.headers.authorization === headers.authorization };
}

beforeAll(async () => {
  gateway = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url!, `http://${request.headers.host}`);
      const check = await verify(request.method!, url, request.headers, body);
      seen.push({ method: request.method!, path: `${url.pathname}${url.search}`, body, ...check });
      const status = !check.verified ? 403 : request.method === 'POST' ? 201 : 200;
      const answer = !check.verified
        ? { message: 'The request signature we calculated does not match the signature you provided.' }
        : request.method === 'POST'
          ? { name: 'run-1', path: '/projects/web/tasks/deploy/executions/run-1' }
          : { items: [{ task: 'deploy', version: 3, updatedAt: '2026-01-02T03:04:05.000Z', updatedBy: 'arn:aws:iam::123456789012:user/ops', alarms: [], hook: false }] };
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/v1`;
  dashboard = await startDashboard({ api: { url: new URL(gatewayUrl), signer }, projects: ['web'] });
}, 60_000);

afterAll(async () => {
  await dashboard?.close();
  await new Promise((resolve) => gateway?.close(resolve));
});

describe('mastermind dashboard', () => {
  it('serves the page and its layout worker on 127.0.0.1 and tells it which API it shows and which projects, with no rehearsals', async () => {
    // Prepare
    seen.length = 0;
    // Act
    const page = await fetch(`${dashboard.url}/`);
    const config = await (await fetch(`${dashboard.url}/dashboard/config.json`)).json();
    const worker = await fetch(`${dashboard.url}/dashboard/elk-worker.js`);
    const foreignWorker = await fetch(`${dashboard.url}/dashboard/elk-worker.js`, { headers: { Origin: 'https://evil.example' } });
    // Assess: served here, never asked of the API.
    expect([page.status, page.headers.get('content-type'), page.headers.get('x-frame-options')]).toStrictEqual([200, 'text/html; charset=utf-8', 'DENY']);
    expect([worker.status, worker.headers.get('content-type'), worker.headers.get('content-security-policy'), (await worker.text()).length > 100_000]).toStrictEqual([
      200,
      'text/javascript; charset=utf-8',
      page.headers.get('content-security-policy'),
      true,
    ]);
    expect(foreignWorker.status).toBe(403);
    expect(seen).toStrictEqual([]);
    expect(await page.text()).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(config).toStrictEqual({ mode: 'remote', api: `${gatewayUrl}`, projects: ['web'], rehearsals: false, scenarios: {} });
  });

  it('forwards a GET to the API, signed with SigV4 under the API stage, and answers what the API answered', async () => {
    // Prepare
    seen.length = 0;
    // Act
    const answer = await fetch(`${dashboard.url}/projects/web/tasks?limit=100`);
    // Assess
    expect(answer.status).toBe(200);
    expect(await answer.json()).toStrictEqual({ items: [{ task: 'deploy', version: 3, updatedAt: '2026-01-02T03:04:05.000Z', updatedBy: 'arn:aws:iam::123456789012:user/ops', alarms: [], hook: false }] });
    expect(seen).toStrictEqual([{ method: 'GET', path: '/v1/projects/web/tasks?limit=100', body: '', signedHeaders: 'host;x-amz-content-sha256;x-amz-date', verified: true }]);
  });

  it("forwards the page's POST (its own Origin, a JSON body, an Idempotency-Key) with the body and those headers signed", async () => {
    // Prepare
    seen.length = 0;
    // Act
    const answer = await fetch(`${dashboard.url}/projects/web/tasks/deploy/executions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: dashboard.url, 'Idempotency-Key': 'k-1', Cookie: 'session=never-forwarded' },
      body: JSON.stringify({ params: { count: 2 } }),
    });
    // Assess
    expect([answer.status, await answer.json()]).toStrictEqual([201, { name: 'run-1', path: '/projects/web/tasks/deploy/executions/run-1' }]);
    expect(seen).toStrictEqual([
      {
        method: 'POST',
        path: '/v1/projects/web/tasks/deploy/executions',
        body: '{"params":{"count":2}}',
        signedHeaders: 'content-type;host;idempotency-key;x-amz-content-sha256;x-amz-date',
        verified: true,
      },
    ]);
  });

  it('refuses a foreign Origin, a path the API does not have and a hook, forwarding none of them', async () => {
    // Prepare
    seen.length = 0;
    // Act
    const foreign = await fetch(`${dashboard.url}/projects/web/tasks`, { headers: { Origin: 'https://evil.example' } });
    const foreignPage = await fetch(`${dashboard.url}/`, { headers: { Origin: 'https://evil.example' } });
    const unknown = await fetch(`${dashboard.url}/local/rehearsals`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const hook = await fetch(`${dashboard.url}/hooks/abc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    // Assess
    expect([foreign.status, ((await foreign.json()) as { error: string }).error]).toStrictEqual([403, 'ForeignOrigin']);
    expect(foreignPage.status).toBe(403);
    expect([unknown.status, await unknown.json()]).toStrictEqual([404, { error: 'NotFound', message: 'The API has no route POST /local/rehearsals.', details: [] }]);
    expect(hook.status).toBe(404);
    expect(seen).toStrictEqual([]);
  });

  it('answers 502 when the API cannot be reached', async () => {
    // Prepare
    const gone = await startDashboard({ api: { url: new URL('http://127.0.0.1:9/v1'), signer } });
    // Act
    const answer = await fetch(`${gone.url}/projects/web/tasks`);
    await gone.close();
    // Assess
    expect(answer.status).toBe(502);
    expect(((await answer.json()) as { error: string }).error).toBe('Unreachable');
  });

  it('prints where it serves, which API and projects, and stops on a signal', async () => {
    // Prepare
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
    let stop!: (signal: string) => void;
    // Act
    const running = dashboardUntil(['--url', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', '--port', '0', '--project', 'web', '--project', 'ops'], io, () => new Promise((resolve) => (stop = resolve)));
    for (let round = 0; round < 400 && !out.includes('Stop with Ctrl-C.'); round++) await new Promise((resolve) => setTimeout(resolve, 25));
    stop('SIGINT');
    const code = await running;
    // Assess
    expect(code).toBe(0);
    expect(out.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT')).toBe(
      [
        'mastermind dashboard on http://127.0.0.1:PORT/',
        '  API        https://abc123.execute-api.eu-west-1.amazonaws.com/prod (requests signed with SigV4, with the credentials the AWS SDK finds)',
        '  projects   web, ops',
        'Stop with Ctrl-C.',
        'SIGINT: stopping',
        '',
      ].join('\n'),
    );
  });
});

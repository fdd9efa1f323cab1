import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { constants, createHash, createPublicKey, generateKeyPairSync, publicDecrypt, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChefApi, canonicalPath, chefTimestamp, signRequest } from '#providers/chef/client';
import { startGoiardi, type Goiardi } from '../../support/goiardi.ts';
import { adminApi } from './fixtures.ts';

const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** An HTTP server answering from a script, recording what it was sent. */
async function scriptedServer(answer: (headers: IncomingHttpHeaders, url: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    const { status, headers, body } = answer(request.headers, request.url ?? '');
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('ChefApi against goiardi', () => {
  let goiardi: Goiardi;
  beforeAll(async () => {
    goiardi = await startGoiardi();
  });
  afterAll(async () => {
    await goiardi?.stop();
  });

  it.each(['1.3', '1.0'] as const)('signs requests the server accepts with version %s', async (signVersion) => {
    // Prepare
    const api = adminApi(goiardi, { signVersion });

    // Act
    const created = await api.post('/nodes', { name: `signed-${signVersion}`, json_class: 'Chef::Node', chef_type: 'node' });
    const read = await api.get<{ name: string }>(`/nodes/signed-${signVersion}`);

    // Assess
    expect(created.status).toBe(201);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe(`signed-${signVersion}`);
  });

  it('reports a refused signature as Failed, naming the client and the inputs to check', async () => {
    // Prepare
    const api = new ChefApi({ url: goiardi.url, clientName: 'admin', clientKey: otherKey });

    // Act
    const failure = await api.get('/nodes').catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: expect.stringMatching(
        /^the Chef server refused the signature of client admin: check chefClientName and chefClientKey \(GET \/nodes: 401/,
      ),
    });
  });

  it('reports a request the server rejects (400) as Invalid', async () => {
    // Act
    const failure = await adminApi(goiardi).get('/search/node', { query: { q: 'name:(((' } }).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'Mastermind.Invalid', message: expect.stringContaining('rejected GET /search/node as invalid (400)') });
  });

  it('hands an accepted 404 back to the caller and fails on one it did not accept', async () => {
    // Prepare
    const api = adminApi(goiardi);

    // Act
    const accepted = await api.get('/nodes/nobody', { accept: [404] });
    const failure = await api.get('/nodes/nobody').catch((error: unknown) => error);

    // Assess
    expect(accepted.status).toBe(404);
    expect(failure).toMatchObject({ name: 'Mastermind.Failed', message: expect.stringContaining('answered 404 to GET /nodes/nobody') });
  });
});

describe('ChefApi against scripted servers', () => {
  it('signs again with version 1.0 when the server accepts only 1.0, and keeps using it', async () => {
    // Prepare
    const server = await scriptedServer((headers) =>
      headers['x-ops-sign'] === 'algorithm=sha1;version=1.0'
        ? { status: 200, body: '{}' }
        : { status: 401, headers: { 'www-authenticate': 'X-Ops-Sign version="1.0"' }, body: '{"error":["bad"]}' },
    );
    const api = new ChefApi({ url: server.url, clientName: 'mastermind', clientKey: otherKey });

    // Act
    await api.get('/nodes');
    await api.get('/roles');
    await server.close();

    // Assess
    expect(server.seen.map((r) => `${r.url} ${String(r.headers['x-ops-sign'])}`)).toStrictEqual([
      '/nodes algorithm=sha256;version=1.3',
      '/nodes algorithm=sha1;version=1.0',
      '/roles algorithm=sha1;version=1.0',
    ]);
    expect(api.signVersion).toBe('1.0');
  });

  it('does not fall back when the server offers 1.3: the 401 is final', async () => {
    // Prepare
    const server = await scriptedServer(() => ({
      status: 401,
      headers: { 'www-authenticate': 'X-Ops-Sign version="1.0" version="1.3"' },
      body: '{"error":["Failed to authenticate"]}',
    }));
    const api = new ChefApi({ url: server.url, clientName: 'mastermind', clientKey: otherKey });

    // Act
    const failure = await api.get('/nodes').catch((error: unknown) => error);
    await server.close();

    // Assess
    expect(server.seen).toHaveLength(1);
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'the Chef server refused the signature of client mastermind: check chefClientName and chefClientKey (GET /nodes: 401: Failed to authenticate)',
    });
  });

  it('puts the path of a server URL with an organization before the API path, and signs that full path', async () => {
    // Prepare
    const server = await scriptedServer(() => ({ status: 200, body: '{"rows":[]}' }));
    const api = new ChefApi({ url: `${server.url}/organizations/acme/`, clientName: 'mastermind', clientKey: otherKey });

    // Act
    await api.get('/search/node', { query: { q: 'role:web', rows: 10, start: 0 } });
    await server.close();

    // Assess
    const request = server.seen[0]!;
    expect(request.url).toBe('/organizations/acme/search/node?q=role%3Aweb&rows=10&start=0');
    const signature = Buffer.from(
      Object.keys(request.headers)
        .filter((name) => name.startsWith('x-ops-authorization-'))
        .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()))
        .map((name) => request.headers[name])
        .join(''),
      'base64',
    );
    const canonical = [
      'Method:GET',
      'Path:/organizations/acme/search/node',
      `X-Ops-Content-Hash:${String(request.headers['x-ops-content-hash'])}`,
      'X-Ops-Sign:version=1.3',
      `X-Ops-Timestamp:${String(request.headers['x-ops-timestamp'])}`,
      'X-Ops-UserId:mastermind',
      'X-Ops-Server-API-Version:0',
    ].join('\n');
    expect(verify('sha256', Buffer.from(canonical), createPublicKey(otherKey), signature)).toBe(true);
  });

  it.each([
    [500, 'Mastermind.Transient'],
    [503, 'Mastermind.Transient'],
    [429, 'Mastermind.Transient'],
    [400, 'Mastermind.Invalid'],
    [403, 'Mastermind.Failed'],
    [409, 'Mastermind.Failed'],
  ])('maps an answer %i to %s', async (status, name) => {
    // Prepare
    const server = await scriptedServer(() => ({ status, body: '{"error":["no"]}' }));
    const api = new ChefApi({ url: server.url, clientName: 'mastermind', clientKey: otherKey });

    // Act
    const failure = await api.get('/nodes').catch((error: unknown) => error);
    await server.close();

    // Assess
    expect(failure).toMatchObject({ name });
  });

  it('does not follow a redirect: it says which URL to set', async () => {
    // Prepare
    const server = await scriptedServer(() => ({ status: 301, headers: { location: 'https://chef.example.com/nodes' } }));
    const api = new ChefApi({ url: server.url, clientName: 'mastermind', clientKey: otherKey });

    // Act
    const failure = await api.get('/nodes').catch((error: unknown) => error);
    await server.close();

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'the Chef server answered 301 to GET /nodes, redirecting to https://chef.example.com/nodes: set chefServerUrl to the URL it should be',
    });
  });

  it('reports a server nobody listens on as Transient', async () => {
    // Prepare
    const server = await scriptedServer(() => ({ status: 200 }));
    await server.close();
    const api = new ChefApi({ url: server.url, clientName: 'mastermind', clientKey: otherKey });

    // Act
    const failure = await api.get('/nodes').catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Transient',
      message: `the Chef server at ${server.url} could not be reached (GET /nodes): ECONNREFUSED`,
    });
  });

  it.each([
    ['ftp://chef.example.com', 'chefServerUrl ftp://chef.example.com must be an http or https URL'],
    ['chef.example.com', 'chefServerUrl chef.example.com is not a URL'],
  ])('rejects the server URL %s as Invalid', (url, message) => {
    expect(() => new ChefApi({ url, clientName: 'c', clientKey: otherKey })).toThrow(expect.objectContaining({ name: 'Mastermind.Invalid', message }));
  });

  it('rejects a key that is not PEM as Invalid without repeating it', () => {
    expect(() => new ChefApi({ url: 'https://chef.example.com', clientName: 'c', clientKey: 'hunter2-not-a-key' })).toThrow(
      expect.objectContaining({ name: 'Mastermind.Invalid', message: 'chefClientKey is not a PEM private key' }),
    );
  });
});

describe('signRequest', () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('signs version 1.0 as PKCS#1 private encryption of the hashed canonical request', () => {
    // Act
    const headers = signRequest({
      method: 'put',
      path: '/nodes//web-1/',
      body: '{"name":"web-1"}',
      clientName: 'mastermind',
      key: key.privateKey,
      version: '1.0',
      timestamp: '2026-01-02T03:04:05Z',
    });

    // Assess
    const signature = Buffer.from(
      Object.entries(headers)
        .filter(([name]) => name.startsWith('X-Ops-Authorization-'))
        .map(([, value]) => value)
        .join(''),
      'base64',
    );
    const sha1 = (text: string) => createHash('sha1').update(text).digest('base64');
    expect(publicDecrypt({ key: key.publicKey, padding: constants.RSA_PKCS1_PADDING }, signature).toString()).toBe(
      [
        'Method:PUT',
        `Hashed Path:${sha1('/nodes/web-1')}`,
        `X-Ops-Content-Hash:${sha1('{"name":"web-1"}')}`,
        'X-Ops-Timestamp:2026-01-02T03:04:05Z',
        'X-Ops-UserId:mastermind',
      ].join('\n'),
    );
    expect(Object.keys(headers).filter((name) => name.startsWith('X-Ops-Authorization-'))).toStrictEqual([
      'X-Ops-Authorization-1',
      'X-Ops-Authorization-2',
      'X-Ops-Authorization-3',
      'X-Ops-Authorization-4',
      'X-Ops-Authorization-5',
      'X-Ops-Authorization-6',
    ]);
    expect(headers['X-Ops-Authorization-1']).toHaveLength(60);
    expect(Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('X-Ops-Authorization-')))).toStrictEqual({
      'X-Ops-Sign': 'algorithm=sha1;version=1.0',
      'X-Ops-UserId': 'mastermind',
      'X-Ops-Timestamp': '2026-01-02T03:04:05Z',
      'X-Ops-Content-Hash': sha1('{"name":"web-1"}'),
      'X-Ops-Server-API-Version': '0',
    });
  });

  it.each([
    ['/nodes', '/nodes'],
    ['/nodes/', '/nodes'],
    ['//organizations//acme/nodes', '/organizations/acme/nodes'],
    ['/', '/'],
  ])('signs the path %s as %s', (path, canonical) => {
    expect(canonicalPath(path)).toBe(canonical);
  });

  it('stamps the time as ISO 8601 UTC without milliseconds', () => {
    expect(chefTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe('2026-01-02T03:04:05Z');
  });
});

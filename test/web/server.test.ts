import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '#local/http';
import { buildDashboard, type DashboardAssets } from '../../web/build.ts';
import { isPagePath, pageListener, SECURITY_HEADERS } from '../../web/server.ts';

let assets: DashboardAssets;
let server: Listening;

beforeAll(async () => {
  assets = await buildDashboard();
  server = await listen(pageListener(assets, { mode: 'local', projects: ['examples'], rehearsals: true, scenarios: {} }));
}, 60_000);
afterAll(async () => {
  await server?.close();
});

/** A GET with a Host of our choosing (fetch sets its own). */
function getWithHost(path: string, host: string): Promise<number> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the bundled page', () => {
  it('is one ES module, a style sheet and the HTML that loads them, and the layout worker\'s script, with nothing fetched from elsewhere', () => {
    // Act
    const html = assets.files.get('/')!.body.toString('utf8');
    const script = assets.files.get('/dashboard/app.js')!.body.toString('utf8');
    const worker = assets.files.get('/dashboard/elk-worker.js')!.body.toString('utf8');
    // Assess
    expect([...assets.files.keys()].sort()).toStrictEqual(['/', '/dashboard/app.css', '/dashboard/app.js', '/dashboard/elk-worker.js']);
    expect(html).toContain('<script type="module" src="/dashboard/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/dashboard/app.css" />');
    expect(html.match(/(?:src|href)="https?:/g)).toBeNull();
    expect(script.length).toBeGreaterThan(1000);
    expect(script).not.toMatch(/\bimport\s*\(\s*["']https?:/);
    // The layout engine (the Eclipse Layout Kernel's classes) is in the worker's script alone, which the page starts
    // from its own origin; the worker's script is classic (no import, no export) and loads no other script.
    expect(script).toContain('"/dashboard/elk-worker.js"');
    expect([script.includes('org.eclipse.elk.alg.layered'), worker.includes('org.eclipse.elk.alg.layered')]).toStrictEqual([false, true]);
    expect(worker).not.toMatch(/\bimport\s*\(|^\s*import\b|\bexport\s*\{|importScripts/m);
  });
});

describe('serving the page', () => {
  it('answers the page with headers that keep it out of frames and to its own scripts and requests', async () => {
    // Act
    const page = await fetch(`${server.url}/`);
    const script = await fetch(`${server.url}/dashboard/app.js`);
    const style = await fetch(`${server.url}/dashboard/app.css`);
    const worker = await fetch(`${server.url}/dashboard/elk-worker.js`);
    // Assess
    expect([page.status, page.headers.get('content-type'), script.headers.get('content-type'), style.headers.get('content-type'), worker.status, worker.headers.get('content-type')]).toStrictEqual([
      200,
      'text/html; charset=utf-8',
      'text/javascript; charset=utf-8',
      'text/css; charset=utf-8',
      200,
      'text/javascript; charset=utf-8',
    ]);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(page.headers.get(name)).toBe(value);
      expect(worker.headers.get(name)).toBe(value);
    }
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('tells the page what it talks to, at the address it was asked at', async () => {
    // Act
    const config = await (await fetch(`${server.url}/dashboard/config.json`)).json();
    // Assess
    expect(config).toStrictEqual({ mode: 'local', projects: ['examples'], rehearsals: true, scenarios: {}, api: server.url });
  });

  it('answers 404 to another dashboard path, 405 to another method, and the head of the page without its body', async () => {
    // Act
    const missing = await fetch(`${server.url}/dashboard/secrets.json`);
    const posted = await fetch(`${server.url}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    // Assess
    expect([missing.status, posted.status, posted.headers.get('allow'), head.status, await head.text()]).toStrictEqual([404, 405, 'GET, HEAD', 200, '']);
  });

  it('refuses the page to a foreign Origin and to a foreign Host (DNS rebinding)', async () => {
    // Act
    const foreign = await fetch(`${server.url}/`, { headers: { Origin: 'https://evil.example' } });
    const rebound = await getWithHost('/', 'evil.example:80');
    const own = await fetch(`${server.url}/`, { headers: { Origin: server.url } });
    const foreignWorker = await fetch(`${server.url}/dashboard/elk-worker.js`, { headers: { Origin: 'https://evil.example' } });
    const reboundWorker = await getWithHost('/dashboard/elk-worker.js', 'evil.example:80');
    // Assess
    expect([foreign.status, ((await foreign.json()) as { error: string }).error, rebound, own.status]).toStrictEqual([403, 'ForeignOrigin', 403, 200]);
    expect([foreignWorker.status, reboundWorker]).toStrictEqual([403, 403]);
  });

  it.each([
    ['/', true],
    ['/index.html', true],
    ['/dashboard/app.js', true],
    ['/dashboard/elk-worker.js', true],
    ['/projects', false],
    ['/local/rehearsals', false],
    ['/hooks/x', false],
  ])('counts %s as a page path: %s', (path, expected) => {
    expect(isPagePath(path)).toBe(expected);
  });
});

/**
 * The dashboard in a real browser: Debian's chromium (/usr/bin/chromium, `.ci/run` installs it) driven by
 * playwright-core, no browser downloaded. The page is the one `mastermind serve --examples` serves; the tasks it
 * starts run through the real ssh provider against the loopback sshd. Each test saves a screenshot in
 * $MASTERMIND_SCREENSHOTS (default: <tmp>/mastermind-dashboard-screenshots).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { retreatTask } from '../../bench/compile.bench.ts';
import { serveUntil } from '../../bin/commands/serve.ts';
import { startSshd, type Sshd } from '../support/sshd.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.MASTERMIND_SCREENSHOTS ?? join(tmpdir(), 'mastermind-dashboard-screenshots');

let sshd: Sshd;
let dir: string;
let url: string;
let stopServe: (signal: string) => void;
let serving: Promise<number>;
let browser: Browser;
let out = '';

async function api(method: string, path: string, body: string, type = 'application/json'): Promise<number> {
  const response = await fetch(`${url}${path}`, { method, headers: { 'Content-Type': type }, body });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status;
}

/** deploy: two moves on the loopback sshd, the first slow enough to be seen running. */
function deployTask(port: number): string {
  return `task: deploy
description: Write a release note on the host, then check it
params:
  release: { type: string }
plot:
  - name: prepare
    provider: ssh
    action: run
    with: { host: 127.0.0.1, port: ${port}, command: "sleep 2; echo \${params.release} > ${dir}/release.txt" }
  - name: verify
    provider: ssh
    action: run
    with: { host: 127.0.0.1, port: ${port}, command: "cat ${dir}/release.txt" }
`;
}

/** flaky: its check fails the first time, so the task retreats to mark (undone first), then passes. */
function flakyTask(port: number): string {
  return `task: flaky
description: Mark the host, check it; the first check fails and retreats
plot:
  - name: mark
    provider: ssh
    action: run
    with: { host: 127.0.0.1, port: ${port}, command: "echo marked >> ${dir}/marks.txt" }
    undo: { action: run, with: { host: 127.0.0.1, port: ${port}, command: "echo undone >> ${dir}/marks.txt" } }
  - name: check
    provider: ssh
    action: run
    with: { host: 127.0.0.1, port: ${port}, command: "test -f ${dir}/checked || { touch ${dir}/checked; echo not ready yet >&2; exit 3; }" }
    onFailure: { retreat: mark, times: 1 }
`;
}

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  await mkdir(SHOTS, { recursive: true });
  [sshd, dir] = await Promise.all([startSshd(), mkdtemp(join(tmpdir(), 'mastermind-dashboard-'))]);
  await writeFile(join(dir, 'secrets.json'), JSON.stringify({ '/mastermind/web/ssh-key': sshd.privateKey }));
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t) };
  serving = serveUntil(['--port', '0', '--examples', '--secrets', join(dir, 'secrets.json')], io, () => new Promise((resolve) => (stopServe = resolve)));
  for (let round = 0; round < 1200 && !out.includes('Stop with Ctrl-C.'); round++) await new Promise((resolve) => setTimeout(resolve, 25));
  url = /local mode on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
  await api('PUT', '/projects/web', JSON.stringify({ user: sshd.user, key: '${secret:/mastermind/web/ssh-key}', hostKey: sshd.hostKeyFingerprint }));
  await api('PUT', '/projects/web/tasks/deploy', deployTask(sshd.port), 'application/yaml');
  await api('PUT', '/projects/web/tasks/flaky', flakyTask(sshd.port), 'application/yaml');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  stopServe?.('SIGTERM');
  await serving;
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

/** The fill of a succeeded henchman's box and of an undone undo move, as the browser draws them. */
function fills(page: Page): Promise<{ succeeded: string; undone: string }> {
  return page.evaluate(() => ({
    succeeded: getComputedStyle(document.querySelector('svg.picture g.henchman[data-light="succeeded"] > rect')!).fill,
    undone: getComputedStyle(document.querySelector('svg.picture g.undo[data-light="undone"] > polygon')!).fill,
  }));
}

async function executionsOf(project: string, task: string): Promise<number> {
  const list = (await (await fetch(`${url}/projects/${project}/tasks/${task}/executions`)).json()) as { items: unknown[] };
  return list.items.length;
}

/** A fresh page; errors the page throws are collected and must stay none. */
async function open(path = '/'): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${url}${path}`);
  return { page, errors };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Marks the document, so that a test can tell the page was never reloaded. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __notReloaded: boolean }).__notReloaded = true));
}
async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);
}

/** replace-node's henchmen that declare an undo (launch, bootstrap, swap-in). */
const UNDOS_OF_REPLACE_NODE = 3;

const light = (page: Page, henchman: string) => page.locator(`svg.picture g.henchman[data-henchman="${henchman}"]`);

describe('the dashboard in chromium', () => {
  it('lists every project the API lists, the three examples among them, and draws each example: one node per henchman, the retreat edge of scale-out', async () => {
    // Act
    const { page, errors } = await open('/');
    await page.waitForSelector('table.tasks[data-project="examples"] tr[data-task="scale-out"]');
    await page.waitForSelector('table.tasks[data-project="web"] tr[data-task="deploy"]');
    const projects = await page.locator('table.tasks[data-project]').evaluateAll((tables) => tables.map((t) => t.getAttribute('data-project')));
    const workersBefore = page.workers().length;
    const listed = await page.locator('table.tasks[data-project="examples"] tr[data-task]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-task')));
    await shot(page, 'examples-listed');
    const drawn: Record<string, { henchmen: string[]; retreats: number; undos: number }> = {};
    for (const task of ['replace-node', 'rolling-restart', 'scale-out']) {
      await page.click(`a[href="#/p/examples/t/${task}"]`);
      await page.waitForSelector(`.task-page[data-task="${task}"] svg.picture g.henchman`);
      drawn[task] = {
        henchmen: await page.locator('svg.picture g.henchman').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-henchman')!)),
        retreats: await page.locator('svg.picture g.edge[data-kind="retreat"]').count(),
        undos: await page.locator('svg.picture g.undo').count(),
      };
      await shot(page, `example-${task}`);
      await page.click('h1 a[href="#/"]');
    }
    // The pictures were laid out off the page's thread: in one worker the page started from serve's own address.
    const workers = page.workers().map((w) => w.url());
    // Assess: web is known only to the API (the server names examples alone)
    expect(projects).toStrictEqual(['examples', 'web']);
    expect(listed).toStrictEqual(['replace-node', 'rolling-restart', 'scale-out']);
    expect(drawn).toStrictEqual({
      'replace-node': { henchmen: ['launch', 'bootstrap', 'swap-in', 'smoke-test', 'retire-node', 'retire-box'], retreats: 0, undos: UNDOS_OF_REPLACE_NODE },
      'rolling-restart': { henchmen: ['find-nodes', 'restart'], retreats: 0, undos: 0 },
      'scale-out': { henchmen: ['provision', 'reachable', 'configure', 'connect'], retreats: 1, undos: 2 },
    });
    expect([workersBefore, workers]).toStrictEqual([0, [`${url}/dashboard/elk-worker.js`]]);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 90_000);

  it('says so on the task page when the layout worker cannot be loaded, rather than laying out for ever', async () => {
    // Prepare: the worker's script answered 404, as a server without it would.
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.route('**/dashboard/elk-worker.js', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"NotFound"}' }));
    // Act
    await page.goto(`${url}/#/p/examples/t/scale-out`);
    const problem = await page.locator('.task-page .problem').textContent({ timeout: 20_000 });
    await shot(page, 'layout-worker-missing');
    // Assess
    expect(problem).toMatch(/^The picture could not be laid out: its layout worker \(\/dashboard\/elk-worker\.js\) did not run/);
    expect(await page.locator('svg.picture').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('starts a task through its form against the loopback sshd and shows its henchmen turn from running to succeeded without a reload', async () => {
    // Prepare
    const { page, errors } = await open('/#/p/web/t/deploy');
    await page.waitForSelector('form[data-form="start"]');
    await markDocument(page);
    // Act: the form refuses the required param left empty, then starts with it.
    const disabledEmpty = await page.locator('form[data-form="start"] button[type="submit"]').isDisabled();
    const problem = await page.locator('form[data-form="start"] [data-param="release"] .field-problem').textContent();
    await page.fill('form[data-form="start"] [data-param="release"] input', 'v1.2.3');
    await page.click('form[data-form="start"] button[type="submit"]');
    await page.waitForSelector('.execution-page svg.picture');
    await light(page, 'prepare').and(page.locator('[data-light="running"]')).waitFor({ timeout: 20_000 });
    const whileRunning = { prepare: await light(page, 'prepare').getAttribute('data-light'), verify: await light(page, 'verify').getAttribute('data-light') };
    await shot(page, 'deploy-running');
    await page.waitForSelector('.execution-page[data-status="SUCCEEDED"]', { timeout: 30_000 });
    await light(page, 'verify').and(page.locator('[data-light="succeeded"]')).waitFor();
    await shot(page, 'deploy-succeeded');
    const after = { prepare: await light(page, 'prepare').getAttribute('data-light'), verify: await light(page, 'verify').getAttribute('data-light') };
    const output = await page.locator('ol.moves li[data-henchman="verify"] pre.stdout').textContent();
    // The input prepare was handed, shown when its move is opened.
    await page.click('ol.moves li[data-henchman="prepare"] summary');
    const input = page.locator('ol.moves li[data-henchman="prepare"] pre.input');
    const inputShown = await input.isVisible();
    const inputText = (await input.textContent())!;
    await shot(page, 'deploy-input');
    const pageText = (await page.locator('body').textContent())!;
    // Assess
    expect([disabledEmpty, problem]).toStrictEqual([true, 'release is required (a string without a default)']);
    expect(whileRunning).toStrictEqual({ prepare: 'running', verify: 'pending' });
    expect(after).toStrictEqual({ prepare: 'succeeded', verify: 'succeeded' });
    expect(output).toBe('v1.2.3');
    // The param put into the command apart from its text; the key as the reference the project names, never its value.
    expect([inputShown, JSON.parse(inputText)]).toStrictEqual([
      true,
      {
        host: '127.0.0.1',
        port: sshd.port,
        command: { template: `sleep 2; echo {{0}} > ${dir}/release.txt`, values: { 0: 'v1.2.3' } },
        user: sshd.user,
        key: '${secret:/mastermind/web/ssh-key}',
        hostKey: sshd.hostKeyFingerprint,
      },
    ]);
    expect(sshd.privateKey.split('\n').filter((line) => line.length > 20 && pageText.includes(line))).toStrictEqual([]);
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 90_000);

  it('cancels a running execution from its page, resumes it, and stops another: each answer shown, the page never reloaded', async () => {
    // Prepare
    const { page, errors } = await open('/#/p/web/t/deploy');
    await page.waitForSelector('form[data-form="start"]');
    await markDocument(page);
    const start = async (release: string) => {
      await page.goto(`${url}/#/p/web/t/deploy`);
      await page.fill('form[data-form="start"] [data-param="release"] input', release);
      await page.click('form[data-form="start"] button[type="submit"]');
      await light(page, 'prepare').and(page.locator('[data-light="running"]')).waitFor({ timeout: 20_000 });
    };
    // Act: cancel, then resume.
    await start('v2-cancelled');
    await page.click('.actions button:text("Cancel")');
    await page.waitForSelector('.execution-page[data-status="FAILED"]', { timeout: 30_000 });
    const cancelled = await page.locator('.execution-error').textContent();
    await shot(page, 'deploy-cancelled');
    const cancelledName = await page.locator('.execution-page').getAttribute('data-execution');
    await page.click('.actions button:text("Resume")');
    await page.waitForSelector(`.execution-page:not([data-execution="${cancelledName}"])[data-status="SUCCEEDED"]`, { timeout: 30_000 });
    const resumed = await page.locator('.summary').textContent();
    await shot(page, 'deploy-resumed');
    // ... and stop another.
    await start('v3-stopped');
    await page.click('.actions button:text("Stop")');
    await page.waitForSelector('.execution-page[data-status="ABORTED"]', { timeout: 20_000 });
    const stopped = await page.locator('.actions .said').textContent();
    await shot(page, 'deploy-stopped');
    // Assess
    expect(cancelled).toMatch(/^Mastermind\.Cancelled: /);
    expect(resumed).toContain(`started by local (API), resuming ${cancelledName}`);
    expect(stopped).toBe('Stopped at once: the move under way was cut short and nothing is undone (no rollback runs). To end an execution through its abort route, rollback included, cancel it instead.');
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 120_000);

  it('shows a failed move, its error text, the retreat taken and the undo move', async () => {
    // Prepare
    const { page, errors } = await open('/#/p/web/t/flaky');
    await page.waitForSelector('form[data-form="start"] button[type="submit"]:not([disabled])');
    await markDocument(page);
    // Act
    await page.click('form[data-form="start"] button[type="submit"]');
    await page.waitForSelector('.execution-page[data-status="SUCCEEDED"]', { timeout: 40_000 });
    await page.waitForSelector('svg.picture g.edge-retreat.taken');
    await shot(page, 'flaky-retreated');
    const moves = await page.locator('ol.moves li').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-henchman')} ${li.getAttribute('data-phase')} ${li.getAttribute('data-status')}`));
    const errorText = await page.locator('ol.moves li[data-status="failed"] .error-text').textContent();
    // Assess
    expect(moves).toStrictEqual(['mark do succeeded', 'check do failed', 'mark undo succeeded', 'mark do succeeded', 'check do succeeded']);
    expect(errorText).toMatch(/^Mastermind\.Failed\nexit code 3 is not allowed \(allowed: 0\) on .*not ready yet/s);
    expect(await light(page, 'check').getAttribute('data-retreats')).toBe('1');
    expect(await page.locator('svg.picture g.undo[data-undo="mark"]').getAttribute('data-light')).toBe('undone');
    expect(await light(page, 'check').locator('.badge').textContent()).toBe('↩1');
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 90_000);

  it('rehearses scale-out with its scenario and plays the retreat live: the failed configure, the box undone, the end', async () => {
    // Prepare
    const { page, errors } = await open('/#/p/examples/t/scale-out');
    await page.waitForSelector('form[data-form="rehearse"] textarea.scenario');
    const scenario = await page.locator('form[data-form="rehearse"] textarea.scenario').inputValue();
    await page.fill('form[data-form="rehearse"] input[name="pace"]', '250');
    await markDocument(page);
    // Act
    await page.click('form[data-form="rehearse"] button[type="submit"]');
    await page.waitForSelector('.execution-page svg.picture');
    await light(page, 'configure').and(page.locator('[data-light="failed"]')).waitFor({ timeout: 20_000 });
    await shot(page, 'scale-out-rehearsal-configure-failed');
    await page.waitForSelector('.execution-page[data-status="SUCCEEDED"]', { timeout: 40_000 });
    await page.waitForSelector('svg.picture g.edge-retreat.taken');
    await shot(page, 'scale-out-rehearsal-succeeded');
    const lights = await page.locator('svg.picture g.henchman').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-henchman')} ${n.getAttribute('data-light')} ${n.getAttribute('data-retreats')}`));
    const errorText = await page.locator('ol.moves li[data-status="failed"] .error-text').textContent();
    const startedBy = await page.locator('.summary').textContent();
    // Assess
    expect(scenario).toContain('description: The first Chef run fails; the task retreats, replaces the box, then advances to the end.');
    expect(lights).toStrictEqual(['provision succeeded 0', 'reachable succeeded 0', 'configure succeeded 1', 'connect succeeded 0']);
    expect(await page.locator('svg.picture g.undo[data-undo="provision"]').getAttribute('data-light')).toBe('undone');
    // The lights are drawn, not only named: the page's style sheet colours each state.
    expect(await fills(page)).toStrictEqual({ succeeded: 'rgb(234, 246, 238)', undone: 'rgb(253, 241, 224)' });
    expect(errorText).toBe('Mastermind.Failed\nchef-client exited 1: Chef::Exceptions::ResourceNotFound: package[nginx] not found');
    expect(startedBy).toContain('started by rehearsal by local');
    expect(await stillSameDocument(page)).toBe(true);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 90_000);

  it('shows a task played as a chain of executions: the first execution links to the one it handed over to, which links back', async () => {
    // Prepare: issue 10's 100-henchman retreat plot, rehearsed with its last move failing once (three executions).
    await api('PUT', '/projects/web/tasks/retreat-100', retreatTask(100), 'application/yaml');
    const scenario = "henchmen: { move-99: { do: [{ fail: 'no capacity' }, { output: { instanceId: i-2 } }] } }";
    const started = (await (await fetch(`${url}/local/rehearsals`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ project: 'web', task: 'retreat-100', scenario, pace: 0 }) })).json()) as { name: string; path: string };
    let first: { status?: string; handedOverTo?: { name: string } } = {};
    for (let round = 0; round < 600 && !first.handedOverTo; round++) {
      first = (await (await fetch(`${url}${started.path}`)).json()) as typeof first;
      if (!first.handedOverTo) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Act
    const { page, errors } = await open(`/#/p/web/t/retreat-100/e/${started.name}`);
    await page.waitForSelector('.execution-page[data-status="SUCCEEDED"] .handed-over-to a');
    await shot(page, 'chain-first-execution');
    const told = await page.locator('.handed-over-to').textContent();
    await page.click('.handed-over-to a');
    await page.waitForSelector(`.execution-page[data-execution="${first.handedOverTo!.name}"] a.handed-over-from`);
    await shot(page, 'chain-second-execution');
    const back = await page.locator('a.handed-over-from').getAttribute('href');
    const startedBy = await page.locator('.summary').textContent();
    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(told).toBe(`This execution played its part of the task and handed over to ${first.handedOverTo!.name}, where the task goes on (one execution's history could not hold it all).`);
    expect(back).toBe(`#/p/web/t/retreat-100/e/${started.name}`);
    expect(startedBy).toContain(`handed over from ${started.name}`);
    expect(errors).toStrictEqual([]);
    await page.close();
  }, 90_000);

  it('is refused to another origin: its requests to serve are refused and change nothing, and the page cannot be framed', async () => {
    // Prepare: a page of another origin that reads serve's API, writes to it (a JSON PUT, which needs a preflight,
    // and a text POST, which does not) and frames the dashboard.
    const rehearsalsBefore = await executionsOf('examples', 'scale-out');
    const foreign: Server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<!doctype html><p>elsewhere</p><iframe id="f" src="${url}/"></iframe>
<script>
  const outcome = (p) => p.then((r) => 'answered ' + r.status, () => 'refused');
  Promise.all([
    outcome(fetch('${url}/projects/examples/tasks')),
    outcome(fetch('${url}/projects/evil', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' })),
    fetch('${url}/local/rehearsals', { method: 'POST', mode: 'no-cors', body: JSON.stringify({ project: 'examples', task: 'scale-out', pace: 0 }) }).then(() => 'sent', () => 'refused'),
  ]).then((all) => (document.title = all.join(', ')));
</script>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
    const page = await browser.newPage();
    // Act
    await page.goto(`${foreignUrl}/`);
    await page.waitForFunction(() => document.title !== '', undefined, { timeout: 20_000 });
    const title = await page.title();
    const framed = page.frames().find((f) => f !== page.mainFrame());
    const framedTasks = framed ? await framed.locator('table.tasks').count().catch(() => 0) : 0;
    await shot(page, 'foreign-origin');
    const direct = await fetch(`${url}/`, { headers: { Origin: foreignUrl } });
    const evil = await fetch(`${url}/projects/evil`);
    const rehearsalsAfter = await executionsOf('examples', 'scale-out');
    await page.close();
    await new Promise((resolve) => foreign.close(resolve));
    // Assess: the no-cors POST leaves the page ("sent": its answer is opaque), but serve refused it.
    expect(title).toBe('refused, refused, sent');
    expect([evil.status, rehearsalsAfter]).toStrictEqual([404, rehearsalsBefore]);
    expect(framedTasks).toBe(0);
    expect([direct.status, ((await direct.json()) as { error: string }).error]).toStrictEqual([403, 'ForeignOrigin']);
  }, 60_000);
});

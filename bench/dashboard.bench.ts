/**
 * The dashboard: the time from the page's load (navigation start) to the picture of a task drawn (every henchman's
 * node in the SVG), in Debian's chromium driven by playwright-core, against local mode serving the page; median of
 * a few loads, for scale-out and for a 100-henchman task. The layout (elkjs) runs in a Web Worker the page starts
 * (web/src/layout-worker.ts): the time includes loading the worker's script and the engine starting in it.
 *
 * Run alone: `npx tsx bench/dashboard.bench.ts`.
 */
import '#engine/polyfill';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { startLocalService } from '#local/service';
import { buildDashboard } from '../web/build.ts';
import { isPagePath, pageListener } from '../web/server.ts';
import { longTaskSource } from '../test/web/long-task.ts';
import { median } from './row.ts';
import type { Row } from './row.ts';

const LOADS = 5;

export async function run(): Promise<Row[]> {
  const assets = await buildDashboard();
  const local = await startLocalService({
    page: { serves: isPagePath, listener: pageListener(assets, { mode: 'local', projects: ['default'], rehearsals: true, scenarios: {} }) },
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const put = async (path: string, body: string, type: string) => {
      const response = await fetch(`${local.url}${path}`, { method: 'PUT', headers: { 'Content-Type': type }, body });
      if (response.status >= 300) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
    };
    await put('/projects/default', '{}', 'application/json');
    await put('/projects/default/tasks/long-100', longTaskSource(100), 'application/yaml');
    const scaleOut = (await readFile(new URL('../examples/scale-out.yaml', import.meta.url), 'utf8')).replace(/^project: .*$/m, 'project: default');
    await put('/projects/default', JSON.stringify({ user: 'ops', key: '${secret:/mastermind/default/k}', chefServerUrl: 'https://chef.example/organizations/x', chefClientName: 'x', chefClientKey: '${secret:/mastermind/default/c}' }), 'application/json');
    await put('/projects/default/tasks/scale-out', scaleOut, 'application/yaml');

    const drawn = async (task: string, henchmen: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(`${local.url}/#/p/default/t/${task}`);
        await page.waitForFunction((n) => document.querySelectorAll('svg.picture g.henchman').length === n, henchmen, { timeout: 60_000 });
        times.push(await page.evaluate(() => performance.now()));
        await page.close();
      }
      return times;
    };
    const small = await drawn('scale-out', 4);
    const large = await drawn('long-100', 100);
    return [
      { name: 'page load to picture drawn, scale-out (4 henchmen), median', value: median(small), unit: 'ms' },
      { name: 'page load to picture drawn, 100 henchmen, median', value: median(large), unit: 'ms' },
      { name: "the page's bundle (preact, elkjs's API, the task parser and graph model), minified", value: Math.round(assets.files.get('/dashboard/app.js')!.body.length / 1024), unit: 'KB' },
      { name: "the layout worker's script (elkjs's engine), minified", value: Math.round(assets.files.get('/dashboard/elk-worker.js')!.body.length / 1024), unit: 'KB' },
    ];
  } finally {
    await browser.close();
    await local.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await run()) console.log(`${row.name}: ${row.value} ${row.unit}`);
}

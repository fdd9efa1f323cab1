/**
 * The API: the latency of PUT task and POST execution through the router against dynalite (Step Functions
 * mocked as in the tests), median and p99. (The API handler bundle's import time is in bundles.bench.ts.)
 *
 * Run alone: `npx tsx bench/api.bench.ts`.
 */
import '#engine/polyfill';
import { pathToFileURL } from 'node:url';
import { route } from '../lambdas/api/router.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { fakeStepFunctions, serviceDeps, SETTINGS, taskSource } from '../test/service/fixtures.ts';
import { apiEvent } from '../test/api/events.ts';
import { median, percentile } from './row.ts';
import type { Row } from './row.ts';

const REQUESTS = 60;

async function latencies(): Promise<{ put: number[]; start: number[] }> {
  const dynamo = await startDynalite('mastermind-bench');
  try {
    const deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await route(apiEvent('PUT', '/projects/bench', { body: JSON.stringify(SETTINGS), headers: { 'Content-Type': 'application/json' } }), deps);
    const put: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const event = apiEvent('PUT', '/projects/bench/tasks/scale-out', { body: taskSource('scale-out', `# ${i}\n`), headers: { 'Content-Type': 'application/yaml' } });
      const t = performance.now();
      const result = await route(event, deps);
      put.push(performance.now() - t);
      if (result.statusCode >= 300) throw new Error(`PUT task answered ${result.statusCode}: ${result.body}`);
    }
    const start: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const event = apiEvent('POST', '/projects/bench/tasks/scale-out/executions', { body: '{"params":{"count":1}}', headers: { 'Content-Type': 'application/json' } });
      const t = performance.now();
      const result = await route(event, deps);
      start.push(performance.now() - t);
      if (result.statusCode >= 300) throw new Error(`POST execution answered ${result.statusCode}: ${result.body}`);
    }
    return { put, start };
  } finally {
    await dynamo.close();
  }
}

const round = (value: number) => Math.round(value * 10) / 10;

export async function run(): Promise<Row[]> {
  const { put, start } = await latencies();
  return [
    { name: 'PUT task against dynalite: median', value: round(median(put)), unit: 'ms' },
    { name: 'PUT task against dynalite: p99', value: round(percentile(put, 99)), unit: 'ms' },
    { name: 'POST execution against dynalite: median', value: round(median(start)), unit: 'ms' },
    { name: 'POST execution against dynalite: p99', value: round(percentile(start, 99)), unit: 'ms' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}

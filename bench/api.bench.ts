/**
 * The API: the time a fresh Node process takes to import the API handler bundled as the stack bundles it,
 * and the latency of PUT task and POST execution through the router against dynalite (Step Functions
 * mocked as in the tests), median and p99.
 *
 * Run alone: `npx tsx bench/api.bench.ts`.
 */
import '#engine/polyfill';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PROJECT_ROOT, entryPath, esbuildOptions } from '../lib/bundling.ts';
import { route } from '../lambdas/api/router.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { fakeStepFunctions, serviceDeps, SETTINGS, taskSource } from '../test/service/fixtures.ts';
import { apiEvent } from '../test/api/events.ts';
import { median, percentile } from './row.ts';
import type { Row } from './row.ts';

const IMPORTS = 5;
const REQUESTS = 60;

const ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  MASTERMIND_TABLE: 'mastermind-bench',
  MASTERMIND_STATE_MACHINE_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
  MASTERMIND_EXECUTION_LOG_GROUP_ARN: 'arn:aws:logs:eu-west-1:123456789012:log-group:bench:*',
  MASTERMIND_PROVIDER_EC2_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-ec2',
  MASTERMIND_PROVIDER_SSH_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-ssh',
  MASTERMIND_PROVIDER_CHEF_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-chef',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

const IMPORT_SCRIPT = 'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

async function importTimes(): Promise<number[]> {
  const options = esbuildOptions(entryPath('api'), join(PROJECT_ROOT, 'bench/out/api'));
  await build(options);
  const times: number[] = [];
  for (let i = 0; i < IMPORTS; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(options.outfile).href], {
      env: { ...process.env, ...ENV },
    });
    times.push(Number(stdout));
  }
  return times;
}

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
  const imports = await importTimes();
  const { put, start } = await latencies();
  return [
    { name: 'api handler bundle: import (median)', value: round(median(imports)), unit: 'ms', target: '≤ 250 ms' },
    { name: 'PUT task against dynalite: median', value: round(median(put)), unit: 'ms' },
    { name: 'PUT task against dynalite: p99', value: round(percentile(put, 99)), unit: 'ms' },
    { name: 'POST execution against dynalite: median', value: round(median(start)), unit: 'ms' },
    { name: 'POST execution against dynalite: p99', value: round(percentile(start, 99)), unit: 'ms' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}

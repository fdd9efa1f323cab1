/**
 * Lambda bundles: each of the five entries bundled by esbuild exactly as the CDK construct bundles it
 * (the options come from lib/bundling.ts), then its size and the time a fresh Node process takes to
 * import it, against importing the same code unbundled, its packages loaded from node_modules (what cold starts would cost
 * without bundling). Entries that do not exist yet are reported as missing.
 *
 * Run alone: `npx tsx bench/bundles.bench.ts`. Bundles are written to bench/out/bundles/<lambda>/.
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { LAMBDA_ENTRIES, PROJECT_ROOT, entryPath, esbuildOptions, type LambdaName } from '../lib/bundling.ts';

import { median, type Row } from './row.ts';

const OUT = join(PROJECT_ROOT, 'bench/out/bundles');
/** Imports per measurement; the median is reported. */
const RUNS = 3;
/** Recipes: a handler with client-ec2 + client-sfn bundled to 881 KB and imported in 120–190 ms as ESM. */
const SIZE_TARGET = '≤ 1500 KB';
/** GitHub issue 3: bundled imports at least 3× faster than unbundled, and at most 150 ms here. */
const IMPORT_TARGET = '≤ 150 ms';
const SPEEDUP_TARGET = '≥ 3×';

/** What the service Lambdas read at import time: placeholders, so a module that checks them can load. */
const LAMBDA_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  MASTERMIND_TABLE: 'mastermind-bench',
  MASTERMIND_STATE_MACHINE_ROLE_ARN: 'arn:aws:iam::123456789012:role/bench',
  MASTERMIND_EXECUTION_LOG_GROUP_ARN: 'arn:aws:logs:eu-west-1:123456789012:log-group:bench:*',
  MASTERMIND_PROVIDER_EC2_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-ec2',
  MASTERMIND_PROVIDER_SSH_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-ssh',
  MASTERMIND_PROVIDER_CHEF_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:bench-chef',
  MASTERMIND_STATE_MACHINE_PREFIX: 'mastermind',
  POWERTOOLS_SERVICE_NAME: 'mastermind-bench',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

// Runs in the child: time one dynamic import, print milliseconds.
const IMPORT_SCRIPT =
  'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

const run_ = promisify(execFile);

/** Milliseconds a fresh Node process spends importing `file` (median of RUNS). */
async function importTime(file: string): Promise<number> {
  const args = ['--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href];
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await run_(process.execPath, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...LAMBDA_ENV } });
    times.push(Number(stdout));
  }
  return round(median(times));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function measure(name: LambdaName): Promise<Row[]> {
  const entry = entryPath(name);
  if (!existsSync(entry)) {
    return [{ name: `${name}: entry ${relative(PROJECT_ROOT, entry)} missing`, value: Number.NaN, unit: 'missing' }];
  }
  const options = esbuildOptions(entry, join(OUT, name));
  try {
    await build(options);
  } catch (error) {
    return [{ name: `${name}: bundle failed: ${(error as Error).message.split('\n')[0]}`, value: Number.NaN, unit: 'error' }];
  }
  // The same code unbundled: the project's own TypeScript compiled to plain JavaScript, every package (the AWS SDK
  // included) loaded from node_modules, as a Lambda deployed without bundling would load it.
  const unbundled = { ...options, outfile: join(OUT, `${name}-unbundled`, 'index.mjs'), packages: 'external' as const, minify: false, sourcemap: false };
  await build(unbundled);
  const rows: Row[] = [{ name: `${name}: bundle size`, value: round(statSync(options.outfile).size / 1024), unit: 'KB', target: SIZE_TARGET }];
  const times: number[] = [];
  for (const [label, file] of [
    ['import, bundled (ESM)', options.outfile],
    ['import, unbundled (node_modules)', unbundled.outfile],
  ] as const) {
    try {
      const time = await importTime(file);
      times.push(time);
      rows.push({ name: `${name}: ${label}`, value: time, unit: 'ms', ...(file === options.outfile ? { target: IMPORT_TARGET } : {}) });
    } catch (error) {
      const message = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').at(-1);
      rows.push({ name: `${name}: ${label} failed: ${message}`, value: Number.NaN, unit: 'error' });
    }
  }
  if (times.length === 2) {
    rows.push({ name: `${name}: import speed-up from bundling`, value: round(times[1]! / times[0]!), unit: '×', target: SPEEDUP_TARGET });
  }
  return rows;
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) rows.push(...(await measure(name)));
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.table(await run());
}

/**
 * `npm run bench`: runs every bench/*.bench.ts module (each exports `run(): Promise<Row[]>`) and prints one
 * table. Figures only: nothing here fails a build. `npm run bench -- compile` runs the modules whose name
 * contains "compile".
 */
import '#engine/polyfill';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './row.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2);
const modules = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filter.length === 0 || filter.some((word) => f.includes(word)))
  .sort();

function format(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

const table: { bench: string; row: Row }[] = [];
let failed = 0;
for (const file of modules) {
  const bench = file.replace(/\.bench\.ts$/, '');
  process.stderr.write(`running ${bench}...\n`);
  try {
    const { run } = (await import(join(here, file))) as { run: () => Promise<Row[]> };
    for (const row of await run()) table.push({ bench, row });
  } catch (error) {
    failed += 1;
    process.stderr.write(`${bench} failed: ${(error as Error).stack ?? String(error)}\n`);
  }
}

const header = ['bench', 'figure', 'value', 'unit', 'target'];
const rows = table.map(({ bench, row }) => [bench, row.name, format(row.value), row.unit, row.target ?? '']);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
for (const r of rows) console.log(line(r));
process.exitCode = failed ? 1 : 0;

/**
 * `mastermind start --wait` and `mastermind watch` follow a task played as a chain of executions
 * (lambdas/task/compiler/handover.ts) to its end: issue 10's 100-henchman retreat plot in local mode, its last move
 * failing once, so that its retreat is handed over twice.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli.ts';
import { failingMove, retreatTask } from '../../bench/compile.bench.ts';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';

let local: LocalService;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  local = await startLocalService({ handler: failingMove('move-99') });
  await fetch(`${local.url}/projects/default`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  await fetch(`${local.url}/projects/default/tasks/retreat-100`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: retreatTask(100) });
});
afterAll(async () => {
  await local.close();
  vi.unstubAllEnvs();
});

const cli = (...args: string[]) => runCli(local.url, ...args);

describe('start --wait on a task played as a chain of executions', () => {
  it('follows each hand-over to the execution that ends the task, and exits with its status', async () => {
    // Act
    const run = await cli('start', 'default/retreat-100', '--wait', '--interval', '0.05');

    // Assess
    const lines = run.out.trimEnd().split('\n');
    const handedOver = lines.filter((l) => l.startsWith('handed over to '));
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(handedOver).toHaveLength(2);
    for (const line of handedOver) expect(line).toMatch(/^handed over to default\/retreat-100\/[0-9a-f-]{36}: the task goes on there \(one execution's history could not hold it\)$/);
    expect(lines.filter((l) => / move-99 +do +launch +failed /.test(l))).toHaveLength(1);
    expect(lines.filter((l) => / undo +terminate +succeeded/.test(l))).toHaveLength(99);
    expect(lines.at(-1)).toMatch(/^SUCCEEDED in [^:]+: 100 of 100 henchmen played$/);
  });

  it('status names the execution it handed over to and the one it came from', async () => {
    // Prepare: the chain the test above played.
    const list = (await (await fetch(`${local.url}/projects/default/tasks/retreat-100/executions`)).json()) as { items: { name: string }[] };
    const names = list.items.map((i) => i.name);
    const views = await Promise.all(names.map(async (n) => (await (await fetch(`${local.url}/projects/default/tasks/retreat-100/executions/${n}`)).json()) as { name: string; handedOverTo?: { name: string }; handedOverFrom?: { name: string } }));
    const middle = views.find((v) => v.handedOverTo && v.handedOverFrom)!;
    // Act
    const shown = await cli('status', `default/retreat-100/${middle.name}`);
    // Assess
    const lines = shown.out.split('\n');
    expect(shown.code).toBe(0);
    expect(lines.filter((l) => l.startsWith('from ') || l.startsWith('next '))).toStrictEqual([
      `from      default/retreat-100/${middle.handedOverFrom!.name} (handed over to this one)`,
      `next      default/retreat-100/${middle.handedOverTo!.name} (handed over: the task goes on there)`,
    ]);
  });
});

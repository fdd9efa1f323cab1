/**
 * The 100-henchman retreat plot of issue 10 (every move an ec2 launch with `undo: terminate`, retreating to the first
 * twice, `rollback: true`) through the API in local mode. Its definition fits Step Functions (under 1 MB: see
 * test/task/compiler/size.test.ts) and the store; its worst case does not fit one execution's history (millions of
 * events, and an execution keeps 25,000), so it is played as a chain of executions, each one piece of it
 * (lambdas/task/compiler/handover.ts). Saved, started, and a retreat played through the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failingMove, retreatTask } from '../../bench/compile.bench.ts';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ExecutionView } from '#service/executions';

let local: LocalService;

beforeAll(async () => {
  // move-99 fails the first time it is played; every other move answers at once.
  local = await startLocalService({ handler: failingMove('move-99') });
});
afterAll(async () => {
  await local.close();
});

async function call(method: string, path: string, body?: string, type = 'application/json') {
  const response = await fetch(`${local.url}${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': type }, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The execution's view once it has ended. */
async function ended(path: string): Promise<ExecutionView> {
  for (;;) {
    const view = (await call('GET', path)).body as unknown as ExecutionView;
    if (view.status !== 'RUNNING') return view;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the 100-henchman retreat plot through the API', () => {
  it('is saved, starts, and plays a retreat as a chain of executions that ends in success', async () => {
    // Prepare
    await call('PUT', '/projects/default', '{}');

    // Act
    const saved = await call('PUT', '/projects/default/tasks/retreat-100', retreatTask(100), 'application/yaml');
    const started = await call('POST', '/projects/default/tasks/retreat-100/executions', '{}');
    const chain: ExecutionView[] = [await ended(String(started.body.path))];
    while (chain.at(-1)!.handedOverTo) chain.push(await ended(chain.at(-1)!.handedOverTo!.path));

    // Assess: the pass that fails at move-99 hands over its walk back; the walk hands over the pass from move-0.
    expect(saved.status).toBe(201);
    expect(started.status).toBe(201);
    expect(chain.map((v) => v.status)).toStrictEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(chain.map((v) => v.handedOverFrom?.name)).toStrictEqual([undefined, chain[0]!.name, chain[1]!.name]);
    expect(chain[0]!.output).toStrictEqual({ executionArn: chain[1]!.executionArn, startDate: expect.any(String) });
    // Each view shows moves of henchmen only: the first the pass, the second the undo moves, the third the pass again.
    expect(chain[0]!.henchmen.map((h) => `${h.henchman} ${h.status}`)).toStrictEqual([...Array.from({ length: 99 }, (_, i) => `move-${i} succeeded`), 'move-99 failed']);
    expect(chain[1]!.henchmen.flatMap((h) => h.moves.map((m) => m.phase))).toStrictEqual(Array.from({ length: 99 }, () => 'undo'));
    expect(chain[2]!.henchmen.map((h) => h.status)).toStrictEqual(Array.from({ length: 100 }, () => 'succeeded'));

    // A cancel or a stop of an execution that handed over names the one where the task went on.
    const cancel = await call('POST', `${chain[0]!.path}/cancel`, '{}');
    const stop = await call('POST', `${chain[1]!.path}/stop`, '{}');
    expect([cancel.status, cancel.body.message]).toStrictEqual([
      409,
      `Execution default/retreat-100/${chain[0]!.name} has already ended (SUCCEEDED): there is nothing to cancel. It handed over to default/retreat-100/${chain[1]!.name}, where the task goes on: cancel that one.`,
    ]);
    expect(stop.status).toBe(409);
    expect(stop.body.message).toMatch(
      new RegExp(`^Execution default/retreat-100/${chain[1]!.name} had already ended \\(SUCCEEDED at [^)]+\\): nothing was stopped\\. It handed over to default/retreat-100/${chain[2]!.name}, where the task goes on: stop that one\\.$`),
    );
  });
});

/**
 * The 100-henchman retreat plot of issue 10 (every move an ec2 launch with `undo: terminate`, retreating to the first
 * twice, `rollback: true`) through the API in local mode. Its definition fits Step Functions (under 1 MB: see
 * test/task/compiler/size.test.ts) and the store (a ~900 KB definition is saved and run in
 * test/local/step-functions.test.ts); what refuses it is the history budget (issue 9): in the worst case it writes
 * millions of history events, and an execution keeps 25,000. The answer says exactly that, and nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retreatTask } from '../../bench/compile.bench.ts';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';

let local: LocalService;

beforeAll(async () => {
  local = await startLocalService({ handler: async () => ({ output: {} }) });
});
afterAll(async () => {
  await local.close();
});

describe('the 100-henchman retreat plot through the API', () => {
  it('is refused by the history budget alone, naming the henchman and the figure; no size or store limit is hit', async () => {
    // Prepare
    await fetch(`${local.url}/projects/default`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });

    // Act
    const response = await fetch(`${local.url}/projects/default/tasks/retreat-100`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: retreatTask(100) });
    const body = (await response.json()) as { error: string; details: { code: string; message: string }[] };

    // Assess
    expect(response.status).toBe(400);
    expect(body.details.map((d) => d.code)).toStrictEqual(['history-budget']);
    expect(body.details[0]!.message).toBe(
      "the task could write 7,081,512 history events in the worst case, beyond the 25,000 Step Functions keeps for one execution; henchman 'move-0' contributes most: 94,476 events (201 plays, 59 poll rounds, 5 retries a call): shorten its timeout, or lower its retry attempts or the times of the retreats over it",
    );
  });
});

/**
 * Local mode's rehearsals (lambdas/local/rehearsals.ts): POST /local/rehearsals starts an execution of a stored task
 * whose provider calls the scenario answers, never the real providers; it is an execution of the task like any
 * other (listed, described, its moves in its history). The examples are saved as `serve --examples` saves them.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderHandler } from '#engine/run';
import { EXAMPLES_PROJECT, saveExamples } from '#local/examples';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ProviderEvent } from '#providers/contract';

let local: LocalService;
const realCalls: ProviderEvent[] = [];
const examples = new URL('../../examples/', import.meta.url);

beforeAll(async () => {
  const handler: ProviderHandler = async (event) => {
    realCalls.push(event);
    throw new Error('a rehearsal reached the real providers');
  };
  local = await startLocalService({ handler });
  await saveExamples(local.deps, examples.pathname);
}, 60_000);
afterAll(async () => {
  await local.close();
});

const rehearse = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${local.url}/local/rehearsals`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

interface View {
  status: string;
  input: { trigger: unknown; params: unknown };
  error?: string;
  henchmen: { henchman: string; moves: { phase: string; status: string; action: string; rounds?: number }[] }[];
}

async function played(name: string, task = 'scale-out'): Promise<View> {
  await local.stepFunctions.idle();
  return (await (await fetch(`${local.url}/projects/examples/tasks/${task}/executions/${name}`)).json()) as View;
}

describe('POST /local/rehearsals', () => {
  it('plays scale-out with its scenario as an execution of the task: the retreat, the undo, then the end, no real provider called', async () => {
    // Prepare
    const scenario = await readFile(new URL('scale-out.scenario.yaml', examples), 'utf8');
    // Act
    const response = await rehearse({ project: 'examples', task: 'scale-out', scenario, pace: 0 });
    const started = (await response.json()) as { name: string; path: string; started: boolean };
    const view = await played(started.name);
    const listed = (await (await fetch(`${local.url}/projects/examples/tasks/scale-out/executions`)).json()) as { items: { name: string; status: string }[] };
    // Assess
    expect([response.status, started.started, started.name]).toStrictEqual([201, true, expect.stringMatching(/^rehearsal-[0-9a-f-]{36}$/)]);
    expect(started.path).toBe(`/projects/examples/tasks/scale-out/executions/${started.name}`);
    expect({ status: view.status, trigger: view.input.trigger }).toStrictEqual({ status: 'SUCCEEDED', trigger: expect.objectContaining({ type: 'rehearsal', by: 'local' }) });
    expect(Object.fromEntries(view.henchmen.map((h) => [h.henchman, h.moves.map((m) => `${m.phase} ${m.action} ${m.status}${m.rounds !== undefined ? `, rounds ${m.rounds}` : ''}`)]))).toStrictEqual({
      provision: ['do launch succeeded, rounds 2', 'undo terminate succeeded', 'do launch succeeded, rounds 1'],
      reachable: ['do wait-reachable succeeded', 'do wait-reachable succeeded'],
      configure: ['do bootstrap failed', 'do bootstrap succeeded'],
      connect: ['do run succeeded'],
    });
    expect(listed.items.map((i) => [i.name, i.status])).toContainEqual([started.name, 'SUCCEEDED']);
    expect(realCalls).toStrictEqual([]);
  });

  it('takes the scenario as an object and the params, checked as a start checks them', async () => {
    // Act
    const missing = await rehearse({ project: 'examples', task: 'replace-node', scenario: {}, pace: 0 });
    const given = await rehearse({ project: 'examples', task: 'replace-node', scenario: { henchmen: { 'swap-in': [{ fail: 'lb refused' }] } }, params: { oldInstanceId: 'i-1', oldNodeName: 'web-old' }, pace: 0 });
    const view = await played(((await given.json()) as { name: string }).name, 'replace-node');
    // Assess
    expect([missing.status, ((await missing.json()) as { error: string; details: unknown }).details]).toStrictEqual([
      400,
      [
        { place: 'params.oldInstanceId', message: 'is required (a string without a default)' },
        { place: 'params.oldNodeName', message: 'is required (a string without a default)' },
      ],
    ]);
    expect([given.status, view.status, view.input.params]).toStrictEqual([201, 'FAILED', { oldInstanceId: 'i-1', oldNodeName: 'web-old' }]);
    expect(realCalls).toStrictEqual([]);
  });

  it.each([
    ['a scenario that does not read', { project: 'examples', task: 'scale-out', scenario: 'henchmen:\n  configure:\n    - explode: now\n' }, 400, 'BadRequest'],
    ['a pace out of range', { project: 'examples', task: 'scale-out', pace: -1 }, 400, 'BadRequest'],
    ['an unknown field', { project: 'examples', task: 'scale-out', speed: 2 }, 400, 'BadRequest'],
    ['a project that is not a name', { project: '../x', task: 'scale-out' }, 400, 'BadRequest'],
    ['a body that is not an object', [1, 2], 400, 'BadRequest'],
    ['a body that is not JSON', '{"project":', 400, 'BadRequest'],
    ['a task that does not exist', { project: 'examples', task: 'nope' }, 404, 'NotFound'],
  ])('refuses %s', async (_what, body, status, error) => {
    // Act
    const response = await rehearse(body);
    // Assess
    expect([response.status, ((await response.json()) as { error: string }).error]).toStrictEqual([status, error]);
  });

  it('names every problem of a scenario with its place', async () => {
    // Act
    const response = await rehearse({ project: 'examples', task: 'scale-out', scenario: 'henchmen:\n  configure:\n    - explode: now\n' });
    // Assess
    expect(await response.json()).toStrictEqual({
      error: 'BadRequest',
      message: 'the scenario is not valid:',
      details: [
        {
          place: 'body.scenario.henchmen.configure',
          message: 'an answer is one of { output: {...} }, { fail: text }, { invalid: text }, { transient: text }, { cancel: text }, { taskTimeout: text }, { poll: N, after?: seconds }',
        },
      ],
    });
  });

  it('takes POST only, and follows local mode rules: a foreign Origin and a form body are refused', async () => {
    // Act
    const get = await fetch(`${local.url}/local/rehearsals`);
    const foreign = await rehearse({ project: 'examples', task: 'scale-out' }, { Origin: 'https://evil.example' });
    const form = await fetch(`${local.url}/local/rehearsals`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'project=examples' });
    // Assess
    expect([get.status, foreign.status, form.status]).toStrictEqual([405, 403, 415]);
  });

  it('saved the examples in project examples, each naming that project', async () => {
    // Act
    const tasks = (await (await fetch(`${local.url}/projects/${EXAMPLES_PROJECT}/tasks`)).json()) as { items: { task: string }[] };
    const source = ((await (await fetch(`${local.url}/projects/examples/tasks/scale-out`)).json()) as { source: string }).source;
    // Assess
    expect(tasks.items.map((t) => t.task)).toStrictEqual(['replace-node', 'rolling-restart', 'scale-out']);
    expect(source.split('\n').filter((line) => line.startsWith('project:'))).toStrictEqual(['project: examples']);
  });
});

import 'aws-sdk-client-mock-vitest/extend';
import {
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  ExecutionNotRedrivable,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { route } from '../../lambdas/api/router.ts';
import { hashToken } from '#service/hooks';
import { STOP_MESSAGE } from '#service/executions';
import type { ServiceDeps } from '#service/deps';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, taskSource, triggeredTaskSource } from '../service/fixtures.ts';
import type { FakeStepFunctions } from '../service/fixtures.ts';
import { apiEvent, bodyOf, USER_ARN } from './events.ts';
import type { EventOptions } from './events.ts';

let dynamo: LocalDynamo;
let fake: FakeStepFunctions;
let deps: ServiceDeps;
let log: ReturnType<typeof recordingLog>;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(() => {
  fake = fakeStepFunctions();
  log = recordingLog();
  deps = serviceDeps(dynamo.store, fake.sfn, log);
});

const call = (method: string, path: string, options?: EventOptions) => route(apiEvent(method, path, options), deps);
const yaml = { 'Content-Type': 'application/yaml' };
const jsonType = { 'Content-Type': 'application/json' };

async function project(name: string) {
  const result = await call('PUT', `/projects/${name}`, { body: JSON.stringify(SETTINGS), headers: jsonType });
  expect(result.statusCode).toBe(201);
}

async function task(p: string, t: string, extra = '') {
  const result = await call('PUT', `/projects/${p}/tasks/${t}`, { body: taskSource(t, extra), headers: yaml });
  expect(result.statusCode).toBe(201);
}

describe('projects', () => {
  it('creates a project (201), replaces its settings (200) and reads them', async () => {
    // Act
    const created = await call('PUT', '/projects/alpha', { body: JSON.stringify({ region: 'eu-west-1' }), headers: jsonType });
    const replaced = await call('PUT', '/projects/alpha', { body: JSON.stringify(SETTINGS), headers: jsonType });
    const read = await call('GET', '/projects/alpha');

    // Assess
    expect([created.statusCode, replaced.statusCode, read.statusCode]).toStrictEqual([201, 200, 200]);
    expect(bodyOf(read)).toStrictEqual({
      project: 'alpha',
      settings: SETTINGS,
      createdAt: (bodyOf(created) as { createdAt: string }).createdAt,
      updatedAt: (bodyOf(replaced) as { updatedAt: string }).updatedAt,
      updatedBy: USER_ARN,
    });
  });

  it('lists the projects with their settings, as GET /projects/{project} reads each, a page at a time', async () => {
    // Prepare
    await call('PUT', '/projects/listed', { body: JSON.stringify(SETTINGS), headers: jsonType });

    // Act
    const listed = await call('GET', '/projects', { query: { limit: '100' } });
    const one = await call('GET', '/projects/listed');
    const refused = await call('GET', '/projects', { query: { limit: '0' } });

    // Assess
    const items = (bodyOf(listed) as { items: { project: string }[] }).items;
    expect(listed.statusCode).toBe(200);
    expect(items.find((p) => p.project === 'listed')).toStrictEqual(bodyOf(one));
    expect(items.map((p) => p.project)).toStrictEqual(items.map((p) => p.project).toSorted());
    expect([refused.statusCode, (bodyOf(refused) as { error: string }).error]).toStrictEqual([400, 'BadRequest']);
  });
});

describe('tasks', () => {
  beforeAll(async () => {
    deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await project('web');
  });

  it('saves a task as YAML (201, ETag), saves it again with If-Match (200) and reads each version', async () => {
    // Act
    const first = await call('PUT', '/projects/web/tasks/scale-out', { body: taskSource('scale-out'), headers: yaml });
    const second = await call('PUT', '/projects/web/tasks/scale-out', {
      body: JSON.stringify({ task: 'scale-out', plot: [{ name: 'connect', provider: 'ssh', action: 'run', with: { host: 'h', command: 'true' } }] }),
      headers: { ...jsonType, 'If-Match': '"1"' },
    });
    const current = await call('GET', '/projects/web/tasks/scale-out');
    const earlier = await call('GET', '/projects/web/tasks/scale-out', { query: { version: '1' } });

    // Assess
    expect([first.statusCode, second.statusCode, current.statusCode, earlier.statusCode]).toStrictEqual([201, 200, 200, 200]);
    expect(first.headers).toStrictEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ETag: '"1"' });
    expect(bodyOf(second)).toStrictEqual({
      project: 'web',
      task: 'scale-out',
      version: 2,
      previousVersion: 1,
      created: false,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out',
      stateMachineVersionArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out:2',
    });
    expect([bodyOf(current).version, bodyOf(current).format, bodyOf(current).createdBy]).toStrictEqual([2, 'json', USER_ARN]);
    expect([bodyOf(earlier).version, bodyOf(earlier).source]).toStrictEqual([1, taskSource('scale-out')]);
  });

  it('lists tasks and versions, and validates without storing', async () => {
    // Prepare
    await task('web', 'listed');

    // Act
    const tasks = await call('GET', '/projects/web/tasks', { query: { limit: '100' } });
    const versions = await call('GET', '/projects/web/tasks/listed/versions');
    const validated = await call('POST', '/projects/web/tasks/dry-run/validate', { body: taskSource('dry-run'), headers: yaml });
    const notStored = await call('GET', '/projects/web/tasks/dry-run');

    // Assess
    expect((bodyOf(tasks).items as { task: string }[]).map((t) => t.task)).toContain('listed');
    expect((bodyOf(versions).items as { version: number }[]).map((v) => v.version)).toStrictEqual([1]);
    expect(validated.statusCode).toBe(200);
    expect(bodyOf(validated).valid).toBe(true);
    expect(Object.keys((bodyOf(validated).definition as { States: object }).States)).toContain('connect');
    expect(notStored.statusCode).toBe(404);
  });

  it('deletes a task; afterwards it is not found', async () => {
    await task('web', 'doomed');
    const deleted = await call('DELETE', '/projects/web/tasks/doomed');
    expect([deleted.statusCode, bodyOf(deleted)]).toStrictEqual([200, { project: 'web', task: 'doomed', version: 1 }]);
    expect((await call('GET', '/projects/web/tasks/doomed')).statusCode).toBe(404);
  });
});

describe('executions', () => {
  beforeAll(async () => {
    deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await project('run');
  });
  let count = 0;
  beforeEach(async () => {
    await task('run', `t${++count}`);
  });

  async function anyTask(): Promise<string> {
    const tasks = bodyOf(await call('GET', '/projects/run/tasks', { query: { limit: '100' } })).items as { task: string }[];
    return tasks[tasks.length - 1]!.task;
  }

  it('starts an execution on the version in force, with params and trigger as input', async () => {
    // Prepare
    const t = await anyTask();

    // Act
    const started = await call('POST', `/projects/run/tasks/${t}/executions`, {
      body: JSON.stringify({ params: { count: 2 } }),
      headers: { ...jsonType, 'Idempotency-Key': 'deploy-42' },
    });

    // Assess
    expect(started.statusCode).toBe(201);
    const arn = `arn:aws:states:eu-west-1:123456789012:execution:mastermind-run_${t}:deploy-42`;
    expect(bodyOf(started)).toStrictEqual({
      project: 'run',
      task: t,
      version: 1,
      name: 'deploy-42',
      path: `/projects/run/tasks/${t}/executions/deploy-42`,
      executionArn: arn,
      startDate: '2025-03-04T05:06:07.000Z',
      started: true,
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
    });
    expect(fake.mock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-run_${t}:1`,
      name: 'deploy-42',
      input: JSON.stringify({ params: { count: 2 }, trigger: { type: 'api', by: USER_ARN } }),
    });
  });

  it('never starts twice for one Idempotency-Key, and refuses the key with other params', async () => {
    // Prepare
    const t = await anyTask();
    const start = (count: number) =>
      call('POST', `/projects/run/tasks/${t}/executions`, {
        body: JSON.stringify({ params: { count } }),
        headers: { ...jsonType, 'Idempotency-Key': 'same key, spaces and all' },
      });
    await start(1);
    fake.executions.forEach((e) => (e.status = 'SUCCEEDED'));

    // Act
    const again = await start(1);
    const other = await start(2);

    // Assess
    expect([again.statusCode, bodyOf(again).started]).toStrictEqual([200, false]);
    expect(bodyOf(again).name).toMatch(/^key-[0-9a-f]{64}$/);
    expect(other.statusCode).toBe(409);
    expect(fake.executions.size).toBe(1);
  });

  it('answers an Idempotency-Key used again while its execution runs with that execution (200, started: false)', async () => {
    // Prepare
    const t = await anyTask();
    const start = () =>
      call('POST', `/projects/run/tasks/${t}/executions`, { body: '{"params":{"count":3}}', headers: { ...jsonType, 'Idempotency-Key': 'still-running' } });
    const first = await start();

    // Act
    const again = await start();

    // Assess
    expect([first.statusCode, again.statusCode]).toStrictEqual([201, 200]);
    expect(bodyOf(again)).toStrictEqual({ ...bodyOf(first), started: false });
    expect([...fake.executions.values()].map((e) => [e.name, e.status])).toStrictEqual([['still-running', 'RUNNING']]);
    expect(fake.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('redrives a failed execution from the failed move (200)', async () => {
    // Prepare
    const t = await anyTask();
    const started = bodyOf(await call('POST', `/projects/run/tasks/${t}/executions`, { body: '{"params":{"count":1}}', headers: jsonType }));
    const arn = started.executionArn as string;
    fake.executions.get(arn)!.status = 'FAILED';
    fake.mock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date('2025-03-04T07:00:00.000Z') });

    // Act
    const redriven = await call('POST', `${started.path as string}/redrive`);

    // Assess
    expect([redriven.statusCode, bodyOf(redriven)]).toStrictEqual([
      200,
      {
        executionArn: arn,
        path: `/projects/run/tasks/${t}/executions/${started.name as string}`,
        redriveDate: '2025-03-04T07:00:00.000Z',
        consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
      },
    ]);
    expect(fake.mock).toHaveReceivedCommandWith(RedriveExecutionCommand, { executionArn: arn });
  });

  it('lists, describes, stops and redrives executions', async () => {
    // Prepare
    const t = await anyTask();
    const started = bodyOf(await call('POST', `/projects/run/tasks/${t}/executions`, { body: '{"params":{"count":1}}', headers: jsonType }));
    const path = `/projects/run/tasks/${t}/executions/${started.name as string}`;
    fake.mock.on(GetExecutionHistoryCommand).resolves({ events: [] });
    fake.mock.on(StopExecutionCommand).resolves({ stopDate: new Date('2025-03-04T06:00:00.000Z') });
    fake.mock.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: 'Execution is RUNNING', $metadata: {} }));

    // Act
    const listed = await call('GET', `/projects/run/tasks/${t}/executions`, { query: { status: 'RUNNING' } });
    const described = await call('GET', path);
    const stopped = await call('POST', `${path}/stop`, { body: '{"reason":"enough"}', headers: jsonType });
    const redriven = await call('POST', `${path}/redrive`);

    // Assess
    expect((bodyOf(listed).items as { executionArn: string; path: string }[]).map((e) => [e.executionArn, e.path])).toStrictEqual([[started.executionArn, path]]);
    expect([started.path, bodyOf(described).path]).toStrictEqual([path, path]);
    expect([described.statusCode, bodyOf(described).status, bodyOf(described).henchmen]).toStrictEqual([200, 'RUNNING', []]);
    expect([stopped.statusCode, bodyOf(stopped)]).toStrictEqual([200, { executionArn: started.executionArn, path, stopDate: '2025-03-04T06:00:00.000Z', message: STOP_MESSAGE }]);
    expect(fake.mock).toHaveReceivedCommandWith(StopExecutionCommand, { executionArn: started.executionArn as string, error: 'Mastermind.Stopped', cause: 'enough' });
    expect([redriven.statusCode, bodyOf(redriven).error]).toStrictEqual([409, 'Conflict']);
  });
});

describe('executions are reached through their project and task only', () => {
  beforeAll(async () => {
    deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await project('apart-a');
    await project('apart-b');
    await task('apart-a', 'deploy');
    await task('apart-b', 'deploy');
  });

  it('answers 404 for an execution of project apart-a asked for under project apart-b (or another task), and touches it not', async () => {
    // Prepare
    const started = bodyOf(await call('POST', '/projects/apart-a/tasks/deploy/executions', { body: '{"params":{"count":1}}', headers: jsonType }));
    const name = started.name as string;
    const arn = encodeURIComponent(started.executionArn as string);

    // Act
    const answers = await Promise.all([
      call('GET', `/projects/apart-b/tasks/deploy/executions/${name}`),
      call('POST', `/projects/apart-b/tasks/deploy/executions/${name}/stop`, { body: '{}', headers: jsonType }),
      call('POST', `/projects/apart-b/tasks/deploy/executions/${name}/redrive`),
      call('GET', `/projects/apart-a/tasks/other/executions/${name}`),
      call('GET', `/projects/apart-b/tasks/deploy/executions/${arn}`),
      call('POST', `/projects/apart-b/tasks/deploy/executions/${arn}/stop`),
    ]);

    // Assess
    expect(answers.map((a) => [a.statusCode, bodyOf(a).error])).toStrictEqual(Array(6).fill([404, 'NotFound']));
    expect(fake.executions.get(started.executionArn as string)?.status).toBe('RUNNING');
    // The stop looks the execution up first (apart-b's has none: 404) and stops nothing.
    const touched = [...fake.mock.commandCalls(StopExecutionCommand), ...fake.mock.commandCalls(RedriveExecutionCommand)].map((c) => c.args[0].input.executionArn);
    expect(touched).toStrictEqual([`arn:aws:states:eu-west-1:123456789012:execution:mastermind-apart-b_deploy:${name}`]);
  });

  it.each([
    ['GET', '/executions/x'],
    ['POST', '/executions/x/stop'],
    ['POST', '/executions/x/redrive'],
  ])('has no project-less execution route: %s %s is 404', async (method, path) => {
    const result = await call(method, path);
    expect([result.statusCode, bodyOf(result)]).toStrictEqual([404, { error: 'NotFound', message: `There is no route ${path}.`, details: [] }]);
  });
});

describe('hooks', () => {
  beforeAll(async () => {
    deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await project('hooked');
  });

  it('creates a token shown once, starts the task with the hook body, rotates and revokes it', async () => {
    // Prepare
    await call('PUT', '/projects/hooked/tasks/pager', { body: triggeredTaskSource('pager', '{ hook: true, whenRunning: allow }'), headers: yaml });

    // Act
    const created = await call('POST', '/projects/hooked/tasks/pager/hook');
    const token = bodyOf(created).token as string;
    const called = await call('POST', `/hooks/${token}`, { body: '{"incident":"db down"}', headers: jsonType });
    const rotated = await call('POST', '/projects/hooked/tasks/pager/hook');
    const oldToken = await call('POST', `/hooks/${token}`, { body: '{}', headers: jsonType });
    const revoked = await call('DELETE', '/projects/hooked/tasks/pager/hook');
    const newToken = await call('POST', `/hooks/${bodyOf(rotated).token as string}`);

    // Assess
    expect(created.statusCode).toBe(201);
    expect(bodyOf(created)).toStrictEqual({ token, path: `/hooks/${token}` });
    expect([called.statusCode, bodyOf(called).outcome]).toStrictEqual([202, 'started']);
    const input = JSON.parse(fake.mock.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!) as unknown;
    expect(input).toStrictEqual({ params: {}, trigger: { type: 'hook', body: { incident: 'db down' }, time: '2025-03-04T05:06:07.000Z' } });
    expect(fake.executions.size).toBe(1);
    expect(oldToken.statusCode).toBe(404);
    expect(revoked.statusCode).toBe(200);
    expect([newToken.statusCode, bodyOf(newToken)]).toStrictEqual([404, { error: 'NotFound', message: 'There is no such hook.', details: [] }]);
    expect(JSON.stringify(await dynamo.store.doc.send(new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: dynamo.store.table })))).not.toContain(token);
  });

  it('revokes the token for good when the task is saved without the hook: re-enabled, the old token stays dead and only a new one works', async () => {
    // Prepare
    const save = (triggers: string) =>
      call('PUT', '/projects/hooked/tasks/toggled', { body: triggeredTaskSource('toggled', triggers), headers: yaml });
    await save('{ hook: true, whenRunning: allow }');
    const old = bodyOf(await call('POST', '/projects/hooked/tasks/toggled/hook')).token as string;

    // Act
    const off = await save('{ hook: false }');
    const whileOff = await call('POST', `/hooks/${old}`);
    const on = await save('{ hook: true, whenRunning: allow }');
    const viewOn = bodyOf(await call('GET', '/projects/hooked/tasks/toggled'));
    const oldAfter = await call('POST', `/hooks/${old}`);
    const fresh = bodyOf(await call('POST', '/projects/hooked/tasks/toggled/hook')).token as string;
    const freshCalled = await call('POST', `/hooks/${fresh}`);
    const oldAtLast = await call('POST', `/hooks/${old}`);

    // Assess
    const noHook = { error: 'NotFound', message: 'There is no such hook.', details: [] };
    expect([off.statusCode, on.statusCode]).toStrictEqual([200, 200]);
    expect([whileOff.statusCode, bodyOf(whileOff)]).toStrictEqual([404, noHook]);
    expect([viewOn.hook, viewOn.hookActive]).toStrictEqual([true, false]);
    expect([oldAfter.statusCode, bodyOf(oldAfter)]).toStrictEqual([404, noHook]);
    expect([freshCalled.statusCode, bodyOf(freshCalled).outcome]).toStrictEqual([202, 'started']);
    expect([oldAtLast.statusCode, bodyOf(oldAtLast)]).toStrictEqual([404, noHook]);
    expect(fake.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    const items = JSON.stringify(await dynamo.store.doc.send(new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: dynamo.store.table })));
    expect(items).not.toContain(hashToken(old));
  });

  it('refuses a hook for a task that does not allow one', async () => {
    await task('hooked', 'closed');
    const created = await call('POST', '/projects/hooked/tasks/closed/hook');
    expect([created.statusCode, bodyOf(created).error]).toStrictEqual([409, 'Conflict']);
  });
});

describe('bad input, route by route: always a 4xx with { error, message, details }, never a 500', () => {
  beforeAll(async () => {
    deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await project('bad');
    await call('PUT', '/projects/bad/tasks/known', { body: taskSource('known', 'triggers: { hook: true }\n'), headers: yaml });
  });
  const foreignArn = encodeURIComponent('arn:aws:states:eu-west-1:123456789012:execution:someone-else:x');
  const known = '/projects/bad/tasks/known/executions';
  const big = 'x'.repeat(200 * 1024);
  const token = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');

  it.each<[string, string, string, EventOptions, number, string]>([
    ['unknown route', 'GET', '/nothing/here', {}, 404, 'NotFound'],
    ['wrong method', 'PATCH', '/projects/bad', {}, 405, 'MethodNotAllowed'],
    ['GET unknown project', 'GET', '/projects/nobody', {}, 404, 'NotFound'],
    ['GET project with a bad name', 'GET', '/projects/Bad_Name', {}, 400, 'BadRequest'],
    ['PUT project malformed JSON', 'PUT', '/projects/bad', { body: '{"region":', headers: jsonType }, 400, 'BadRequest'],
    ['PUT project unknown setting', 'PUT', '/projects/bad', { body: '{"colour":"red"}', headers: jsonType }, 400, 'InvalidSettings'],
    ['PUT project wrong type', 'PUT', '/projects/bad', { body: '{"securityGroupIds":"sg-1"}', headers: jsonType }, 400, 'InvalidSettings'],
    ['PUT project secret in clear', 'PUT', '/projects/bad', { body: '{"key":"-----BEGIN OPENSSH PRIVATE KEY-----"}', headers: jsonType }, 400, 'InvalidSettings'],
    ['PUT project as YAML', 'PUT', '/projects/bad', { body: 'region: x', headers: yaml }, 415, 'UnsupportedMediaType'],
    ['PUT project oversize', 'PUT', '/projects/bad', { body: JSON.stringify({ user: big }), headers: jsonType }, 413, 'PayloadTooLarge'],
    ['GET tasks of unknown project', 'GET', '/projects/nobody/tasks', {}, 404, 'NotFound'],
    ['GET tasks with a bad limit', 'GET', '/projects/bad/tasks', { query: { limit: '0' } }, 400, 'BadRequest'],
    ['GET tasks with a forged page token', 'GET', '/projects/bad/tasks', { query: { next: 'eyJwayI6IngifQ' } }, 400, 'BadRequest'],
    ['GET tasks with a page token outside the task items', 'GET', '/projects/bad/tasks', { query: { next: token({ pk: 'PROJECT#bad', sk: 'AAA' }) } }, 400, 'BadRequest'],
    ['GET tasks with a page token of the project item', 'GET', '/projects/bad/tasks', { query: { next: token({ pk: 'PROJECT#bad', sk: 'PROJECT' }) } }, 400, 'BadRequest'],
    ['GET tasks with a page token that is JSON null', 'GET', '/projects/bad/tasks', { query: { next: token(null as unknown as object) } }, 400, 'BadRequest'],
    ['PUT task malformed YAML', 'PUT', '/projects/bad/tasks/known', { body: 'task: [unclosed', headers: yaml }, 400, 'InvalidTask'],
    ['PUT task malformed JSON', 'PUT', '/projects/bad/tasks/known', { body: '{"task":', headers: jsonType }, 400, 'InvalidTask'],
    ['PUT task invalid', 'PUT', '/projects/bad/tasks/known', { body: 'task: known\nplot: []\n', headers: yaml }, 400, 'InvalidTask'],
    ['PUT task empty', 'PUT', '/projects/bad/tasks/known', { body: '', headers: yaml }, 400, 'BadRequest'],
    ['PUT task oversize', 'PUT', '/projects/bad/tasks/known', { body: `# ${big}\n${taskSource('known')}`, headers: yaml }, 413, 'PayloadTooLarge'],
    ['PUT task as XML', 'PUT', '/projects/bad/tasks/known', { body: '<task/>', headers: { 'Content-Type': 'application/xml' } }, 415, 'UnsupportedMediaType'],
    ['PUT task stale If-Match', 'PUT', '/projects/bad/tasks/known', { body: taskSource('known'), headers: { ...yaml, 'If-Match': '"7"' } }, 409, 'VersionConflict'],
    ['PUT task bad If-Match', 'PUT', '/projects/bad/tasks/known', { body: taskSource('known'), headers: { ...yaml, 'If-Match': 'yesterday' } }, 400, 'BadRequest'],
    ['PUT task in unknown project', 'PUT', '/projects/nobody/tasks/known', { body: taskSource('known'), headers: yaml }, 404, 'NotFound'],
    ['PUT task with a bad name', 'PUT', '/projects/bad/tasks/-x-', { body: taskSource('known'), headers: yaml }, 400, 'BadRequest'],
    ['GET unknown task', 'GET', '/projects/bad/tasks/unknown', {}, 404, 'NotFound'],
    ['GET task bad version', 'GET', '/projects/bad/tasks/known', { query: { version: 'latest' } }, 400, 'BadRequest'],
    ['GET task unknown version', 'GET', '/projects/bad/tasks/known', { query: { version: '99' } }, 404, 'NotFound'],
    ['DELETE unknown task', 'DELETE', '/projects/bad/tasks/unknown', {}, 404, 'NotFound'],
    ['DELETE task stale If-Match', 'DELETE', '/projects/bad/tasks/known', { headers: { 'If-Match': '5' } }, 409, 'VersionConflict'],
    ['GET versions of unknown task', 'GET', '/projects/bad/tasks/unknown/versions', {}, 404, 'NotFound'],
    ['GET versions with a page token of the version counter', 'GET', '/projects/bad/tasks/known/versions', { query: { next: token({ pk: 'TASK#bad#known', sk: 'COUNTER' }) } }, 400, 'BadRequest'],
    ['GET versions with a page token of another task', 'GET', '/projects/bad/tasks/known/versions', { query: { next: token({ pk: 'TASK#bad#other', sk: 'VERSION#0000000001' }) } }, 400, 'BadRequest'],
    ['POST validate invalid', 'POST', '/projects/bad/tasks/known/validate', { body: 'task: known\n', headers: yaml }, 400, 'InvalidTask'],
    ['POST validate in unknown project', 'POST', '/projects/nobody/tasks/known/validate', { body: taskSource('known'), headers: yaml }, 404, 'NotFound'],
    ['POST execution unknown task', 'POST', '/projects/bad/tasks/unknown/executions', { body: '{}', headers: jsonType }, 404, 'NotFound'],
    ['POST execution malformed JSON', 'POST', '/projects/bad/tasks/known/executions', { body: '{', headers: jsonType }, 400, 'BadRequest'],
    ['POST execution body not an object', 'POST', '/projects/bad/tasks/known/executions', { body: '[1]', headers: jsonType }, 400, 'BadRequest'],
    ['POST execution unknown field', 'POST', '/projects/bad/tasks/known/executions', { body: '{"parms":{}}', headers: jsonType }, 400, 'BadRequest'],
    ['POST execution missing param', 'POST', '/projects/bad/tasks/known/executions', { body: '{"params":{}}', headers: jsonType }, 400, 'InvalidParams'],
    ['POST execution wrong param type', 'POST', '/projects/bad/tasks/known/executions', { body: '{"params":{"count":"2"}}', headers: jsonType }, 400, 'InvalidParams'],
    ['POST execution oversize', 'POST', '/projects/bad/tasks/known/executions', { body: JSON.stringify({ params: { x: big } }), headers: jsonType }, 413, 'PayloadTooLarge'],
    ['POST execution empty Idempotency-Key', 'POST', '/projects/bad/tasks/known/executions', { body: '{"params":{"count":1}}', headers: { ...jsonType, 'Idempotency-Key': '' } }, 400, 'BadRequest'],
    ['GET executions bad status', 'GET', '/projects/bad/tasks/known/executions', { query: { status: 'SLEEPING' } }, 400, 'BadRequest'],
    ['GET executions unknown task', 'GET', '/projects/bad/tasks/unknown/executions', {}, 404, 'NotFound'],
    ['POST hook unknown task', 'POST', '/projects/bad/tasks/unknown/hook', {}, 404, 'NotFound'],
    ['DELETE hook never created', 'DELETE', '/projects/bad/tasks/known/hook', {}, 404, 'NotFound'],
    ['GET execution given as an ARN', 'GET', `${known}/${foreignArn}`, {}, 404, 'NotFound'],
    ['GET execution that does not exist', 'GET', `${known}/nope`, {}, 404, 'NotFound'],
    ['GET execution with a broken escape', 'GET', `${known}/%E0%A4%A`, {}, 404, 'NotFound'],
    ['GET execution with a bad project name', 'GET', '/projects/Bad_Name/tasks/known/executions/x', {}, 400, 'BadRequest'],
    ['POST stop unknown execution', 'POST', `${known}/nope/stop`, {}, 404, 'NotFound'],
    ['POST stop execution given as an ARN', 'POST', `${known}/${foreignArn}/stop`, {}, 404, 'NotFound'],
    ['POST stop reason not text', 'POST', `${known}/nope/stop`, { body: '{"reason":5}', headers: jsonType }, 400, 'BadRequest'],
    ['POST stop malformed JSON', 'POST', `${known}/nope/stop`, { body: '{', headers: jsonType }, 400, 'BadRequest'],
    ['POST cancel unknown execution', 'POST', `${known}/nope/cancel`, {}, 404, 'NotFound'],
    ['POST cancel execution given as an ARN', 'POST', `${known}/${foreignArn}/cancel`, {}, 404, 'NotFound'],
    ['POST cancel reason not text', 'POST', `${known}/nope/cancel`, { body: '{"reason":["x"]}', headers: jsonType }, 400, 'BadRequest'],
    ['POST cancel reason too long', 'POST', `${known}/nope/cancel`, { body: JSON.stringify({ reason: 'x'.repeat(1025) }), headers: jsonType }, 400, 'BadRequest'],
    ['POST cancel unknown field', 'POST', `${known}/nope/cancel`, { body: '{"why":"x"}', headers: jsonType }, 400, 'BadRequest'],
    ['POST resume unknown execution', 'POST', `${known}/nope/resume`, {}, 404, 'NotFound'],
    ['POST resume from not a henchman name', 'POST', `${known}/nope/resume`, { body: '{"from":"Not A Name"}', headers: jsonType }, 400, 'BadRequest'],
    ['POST resume from not text', 'POST', `${known}/nope/resume`, { body: '{"from":3}', headers: jsonType }, 400, 'BadRequest'],
    ['POST redrive unknown execution', 'POST', `${known}/nope/redrive`, {}, 404, 'NotFound'],
    ['POST redrive execution given as an ARN', 'POST', `${known}/${foreignArn}/redrive`, {}, 404, 'NotFound'],
    ['POST hook malformed token', 'POST', '/hooks/short', {}, 404, 'NotFound'],
    ['POST hook unknown token', 'POST', `/hooks/${'A'.repeat(43)}`, {}, 404, 'NotFound'],
    ['POST hook oversize', 'POST', `/hooks/${'A'.repeat(43)}`, { body: big }, 413, 'PayloadTooLarge'],
    ['POST hook malformed JSON', 'POST', `/hooks/${'A'.repeat(43)}`, { body: '{', headers: jsonType }, 400, 'BadRequest'],
  ])('%s', async (_, method, path, options, status, error) => {
    // Act
    const result = await call(method, path, options);

    // Assess
    const body = bodyOf(result);
    expect([result.statusCode, body.error]).toStrictEqual([status, error]);
    expect(Object.keys(body)).toStrictEqual(['error', 'message', 'details']);
    expect(typeof body.message).toBe('string');
    expect(Array.isArray(body.details)).toBe(true);
    expect(log.lines.filter((l) => l.level === 'error')).toStrictEqual([]);
  });

  it('names every problem of an invalid task with its place, line and column', async () => {
    const result = await call('PUT', '/projects/bad/tasks/known', { body: 'task: known\nplot:\n  - name: a\n    provider: sssh\n    action: run\n', headers: yaml });
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).details).toStrictEqual([expect.objectContaining({ place: 'plot[0].provider', code: 'unknown-provider', line: 4, column: 5 })]);
  });

  it('answers a stale If-Match with the current version as the ETag', async () => {
    const result = await call('PUT', '/projects/bad/tasks/known', { body: taskSource('known'), headers: { ...yaml, 'If-Match': '9' } });
    expect([result.statusCode, result.headers?.ETag]).toStrictEqual([409, '"1"']);
  });

  it('answers a fault of the service with a 500 that says nothing of the inside, and logs it', async () => {
    const broken = { ...deps, store: { ...deps.store, table: 'no-such-table' } };
    const result = await route(apiEvent('GET', '/projects/bad'), broken);
    expect([result.statusCode, bodyOf(result)]).toStrictEqual([500, { error: 'InternalError', message: 'The service failed; the request may be retried.', details: [] }]);
    expect(log.lines.map((l) => [l.level, l.message])).toStrictEqual([['error', 'request failed']]);
  });
});

/**
 * Inputs that behave as users expect, over HTTP against the local service (the API's real code, dynalite, the local
 * Step Functions): hook params, project settings that reach the next run, a save of the same source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderHandler } from '#engine/run';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ProviderEvent } from '#providers/contract';
import { alarmJson, snsEvent } from '../triggers/messages.ts';

const NOW = new Date('2025-05-06T07:08:09.000Z');
const PIN_A = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const PIN_B = 'SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const KEY = '${secret:/mastermind/web/ssh-key}';

let local: LocalService;
const calls: ProviderEvent[] = [];

beforeAll(async () => {
  const handler: ProviderHandler = async (event) => {
    calls.push(event);
    return { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } };
  };
  local = await startLocalService({ handler, now: () => NOW });
});
afterAll(async () => {
  await local.close();
});

async function call(method: string, path: string, body?: unknown, type = 'application/json'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${local.url}${path}`, {
    method,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': type } } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const putTask = (project: string, task: string, source: string) => call('PUT', `/projects/${project}/tasks/${task}`, source, 'application/yaml');

/** An ssh move on one host; user, key and hostKey left to the project unless `own` sets them. */
const sshTask = (task: string, own = '') => `task: ${task}
plot:
  - name: restart
    provider: ssh
    action: run
    with: { host: web-1, command: "systemctl restart web"${own} }
`;

/** Runs the task once through the API and answers the input its provider call got. */
async function firstCallInput(project: string, task: string): Promise<Record<string, unknown>> {
  const before = calls.length;
  const started = await call('POST', `/projects/${project}/tasks/${task}/executions`, {});
  expect(started.status).toBe(201);
  await local.stepFunctions.idle();
  return calls.slice(before)[0]!.input as Record<string, unknown>;
}

describe('hooks take params', () => {
  const PAGE = `task: page
params:
  severity: { type: string, enum: [low, high] }
  count: { type: integer, default: 1 }
triggers: { hook: true, whenRunning: allow }
plot:
  - name: page
    provider: ssh
    action: run
    with: { host: ops-1, user: ops, key: "\${secret:/mastermind/ops/ssh-key}", command: "page \${params.severity}" }
`;
  let token: string;

  beforeAll(async () => {
    await call('PUT', '/projects/ops', {});
    expect((await putTask('ops', 'page', PAGE)).status).toBe(201);
    token = (await call('POST', '/projects/ops/tasks/page/hook')).body.token as string;
  });

  it("starts the execution with the body's params, keeps the rest as trigger.body and sets trigger.time", async () => {
    // Act
    const called = await call('POST', `/hooks/${token}`, { params: { severity: 'high', count: 3 }, incident: 'db down', source: 'pager' });
    await local.stepFunctions.idle();
    const execution = await call('GET', called.body.path as string);

    // Assess
    expect([called.status, called.body.outcome]).toStrictEqual([202, 'started']);
    expect(execution.body.input).toStrictEqual({
      params: { severity: 'high', count: 3 },
      trigger: { type: 'hook', body: { incident: 'db down', source: 'pager' }, time: '2025-05-06T07:08:09.000Z' },
    });
    expect(execution.body.status).toBe('SUCCEEDED');
  });

  it('refuses params that do not fit the task with 400 and every problem, as a start through the API does, and starts nothing', async () => {
    // Prepare
    const executions = async () => ((await call('GET', '/projects/ops/tasks/page/executions')).body.items as unknown[]).length;
    const before = await executions();

    // Act
    const wrong = await call('POST', `/hooks/${token}`, { params: { severity: 'urgent', count: 'two', colour: 'red' } });
    const missing = await call('POST', `/hooks/${token}`, { incident: 'no params' });
    const notMap = await call('POST', `/hooks/${token}`, { params: ['high'] });
    const api = await call('POST', '/projects/ops/tasks/page/executions', { params: { severity: 'urgent', count: 'two', colour: 'red' } });

    // Assess
    const refusal = {
      error: 'InvalidParams',
      message: 'The params do not fit the task.',
      details: [
        { place: 'params.colour', message: 'the task has no param colour (it has: severity, count)' },
        { place: 'params.severity', message: 'must be one of "low", "high"' },
        { place: 'params.count', message: 'must be an integer' },
      ],
    };
    expect(wrong).toStrictEqual({ status: 400, body: refusal });
    expect(api).toStrictEqual({ status: 400, body: refusal });
    expect(missing).toStrictEqual({
      status: 400,
      body: { error: 'InvalidParams', message: 'The params do not fit the task.', details: [{ place: 'params.severity', message: 'is required (a string without a default)' }] },
    });
    expect(notMap).toStrictEqual({
      status: 400,
      body: { error: 'InvalidParams', message: 'The params do not fit the task.', details: [{ place: 'params', message: 'must be a map of param names to values' }] },
    });
    expect(await executions()).toBe(before);
  });

  it('keeps a body that is not a JSON object as trigger.body, as it came', async () => {
    // Prepare
    await putTask('ops', 'notify', PAGE.replace('task: page', 'task: notify').replace('severity: { type: string, enum: [low, high] }', 'severity: { type: string, default: low }'));
    const notify = (await call('POST', '/projects/ops/tasks/notify/hook')).body.token as string;

    // Act
    const text = await call('POST', `/hooks/${notify}`, 'disk full on db-1', 'text/plain');
    const list = await call('POST', `/hooks/${notify}`, [1, 2]);
    await local.stepFunctions.idle();
    const inputs = await Promise.all([text, list].map(async (c) => (await call('GET', c.body.path as string)).body.input));

    // Assess
    expect(inputs).toStrictEqual([
      { params: {}, trigger: { type: 'hook', body: 'disk full on db-1', time: '2025-05-06T07:08:09.000Z' } },
      { params: {}, trigger: { type: 'hook', body: [1, 2], time: '2025-05-06T07:08:09.000Z' } },
    ]);
  });
});

describe('saving the same source twice', () => {
  it('makes no new version: the answer names the version in force and says unchanged; a changed source makes one', async () => {
    // Prepare
    await call('PUT', '/projects/same', { user: 'ops', key: '${secret:/mastermind/same/ssh-key}' });
    const source = sshTask('twice');

    // Act
    const first = await putTask('same', 'twice', source);
    const again = await putTask('same', 'twice', source);
    const changed = await putTask('same', 'twice', source.replace('restart web', 'restart web --now'));
    const versions = await call('GET', '/projects/same/tasks/twice/versions');

    // Assess
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-same_twice';
    expect(first).toStrictEqual({
      status: 201,
      body: { project: 'same', task: 'twice', version: 1, created: true, stateMachineArn: machine, stateMachineVersionArn: `${machine}:1` },
    });
    expect(again).toStrictEqual({
      status: 200,
      body: { project: 'same', task: 'twice', version: 1, created: false, unchanged: true, stateMachineArn: machine, stateMachineVersionArn: `${machine}:1` },
    });
    expect(changed.body).toStrictEqual({ project: 'same', task: 'twice', version: 2, previousVersion: 1, created: false, stateMachineArn: machine, stateMachineVersionArn: `${machine}:2` });
    expect((versions.body.items as { version: number }[]).map((v) => v.version)).toStrictEqual([2, 1]);
  });

  it('still refuses a stale If-Match, even for the same source', async () => {
    // Prepare
    await call('PUT', '/projects/same', { user: 'ops', key: '${secret:/mastermind/same/ssh-key}' });
    const source = sshTask('stale');
    await putTask('same', 'stale', source);
    await putTask('same', 'stale', source.replace('restart web', 'reload web'));

    // Act
    const response = await fetch(`${local.url}/projects/same/tasks/stale`, { method: 'PUT', body: source.replace('restart web', 'reload web'), headers: { 'Content-Type': 'application/yaml', 'If-Match': '"1"' } });

    // Assess
    expect(response.status).toBe(409);
  });
});

describe('project settings apply to the next run', () => {
  beforeAll(async () => {
    expect((await call('PUT', '/projects/web', { user: 'ops', key: KEY, hostKey: PIN_A })).status).toBe(201);
    expect((await putTask('web', 'deploy', sshTask('deploy'))).status).toBe(201);
    expect((await putTask('web', 'own', sshTask('own', ', user: root, hostKey: "SHA256:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"'))).status).toBe(201);
  });

  it('publishes a new version of each task whose definition changed, recorded with the cause, and the next execution runs with the new settings', async () => {
    // Prepare
    const before = await firstCallInput('web', 'deploy');

    // Act
    const changed = await call('PUT', '/projects/web', { user: 'deploy', key: KEY, hostKey: PIN_B });
    const task = await call('GET', '/projects/web/tasks/deploy');
    const versions = await call('GET', '/projects/web/tasks/deploy/versions');
    const after = await firstCallInput('web', 'deploy');
    const own = await firstCallInput('web', 'own');

    // Assess
    expect(changed).toStrictEqual({
      status: 200,
      body: {
        project: 'web',
        settings: { user: 'deploy', key: KEY, hostKey: PIN_B },
        createdAt: '2025-05-06T07:08:09.000Z',
        updatedAt: '2025-05-06T07:08:09.000Z',
        updatedBy: 'local',
        tasks: [
          { task: 'deploy', version: 2, previousVersion: 1 },
          // Its own user and pin: only the key comes from the project, and it did not change.
          { task: 'own', version: 1, unchanged: true },
        ],
      },
    });
    expect([before.user, before.hostKey, after.user, after.hostKey]).toStrictEqual(['ops', PIN_A, 'deploy', PIN_B]);
    expect([own.user, own.hostKey]).toStrictEqual(['root', 'SHA256:CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC']);
    expect([task.body.version, task.body.createdBy, task.body.createdAt, task.body.cause]).toStrictEqual([2, 'local', '2025-05-06T07:08:09.000Z', 'project settings changed']);
    expect(versions.body.items).toStrictEqual([
      {
        project: 'web',
        task: 'deploy',
        version: 2,
        format: 'yaml',
        createdAt: '2025-05-06T07:08:09.000Z',
        createdBy: 'local',
        cause: 'project settings changed',
        status: 'published',
        stateMachineVersionArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-web_deploy:2',
      },
      {
        project: 'web',
        task: 'deploy',
        version: 1,
        format: 'yaml',
        createdAt: '2025-05-06T07:08:09.000Z',
        createdBy: 'local',
        status: 'published',
        stateMachineVersionArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-web_deploy:1',
      },
    ]);
  });

  it('makes no version when the settings are the same', async () => {
    // Act
    const same = await call('PUT', '/projects/web', { user: 'deploy', key: KEY, hostKey: PIN_B });

    // Assess
    expect(same.body.tasks).toStrictEqual([
      { task: 'deploy', version: 2, unchanged: true },
      { task: 'own', version: 1, unchanged: true },
    ]);
  });

  it('refuses settings under which a task would not be valid, with every problem of every task, and changes nothing', async () => {
    // Prepare
    const before = { project: await call('GET', '/projects/web'), deploy: await call('GET', '/projects/web/tasks/deploy'), own: await call('GET', '/projects/web/tasks/own') };

    // Act
    const refused = await call('PUT', '/projects/web', { hostKey: PIN_A });
    const after = { project: await call('GET', '/projects/web'), deploy: await call('GET', '/projects/web/tasks/deploy'), own: await call('GET', '/projects/web/tasks/own') };
    const input = await firstCallInput('web', 'deploy');

    // Assess
    const needs = (input: string, what: string) => `henchman 'restart' (ssh run) needs the input '${input}' (${what}), and the project settings do not give it either`;
    const key = 'the private key, as a ${secret:/ssm/name} reference';
    expect(refused).toStrictEqual({
      status: 400,
      body: {
        error: 'InvalidSettings',
        message: 'Under these settings 2 tasks of project web would not be valid (deploy, own); nothing was changed.',
        details: [
          { place: 'tasks.deploy.plot[0].with.user', code: 'missing-input', message: needs('user', 'SSH user name'), line: 6, column: 5 },
          { place: 'tasks.deploy.plot[0].with.key', code: 'missing-input', message: needs('key', key), line: 6, column: 5 },
          { place: 'tasks.own.plot[0].with.key', code: 'missing-input', message: needs('key', key), line: 6, column: 5 },
        ],
      },
    });
    expect(after).toStrictEqual(before);
    expect([input.user, input.hostKey]).toStrictEqual([(before.project.body.settings as { user: string }).user, (before.project.body.settings as { hostKey: string }).hostKey]);
  });

});

describe('POST /local/alarms says what each message did', () => {
  it('names the executions a change into ALARM started, and why each other message started nothing', async () => {
    // Prepare
    await call('PUT', '/projects/alarmed', { user: 'ops', key: '${secret:/mastermind/alarmed/ssh-key}' });
    await putTask('alarmed', 'heal', sshTask('heal').replace('plot:', 'triggers: { alarms: [disk-full] }\nplot:'));
    await putTask('alarmed', 'page', sshTask('page').replace('plot:', 'params: { team: { type: string } }\ntriggers: { alarms: [disk-full] }\nplot:'));
    const event = snsEvent(
      alarmJson('disk-full', 'ALARM', '2025-05-06T07:00:00.000+0000'),
      alarmJson('disk-full', 'OK', '2025-05-06T07:30:00.000+0000'),
      alarmJson('nobody-listens', 'ALARM', '2025-05-06T07:00:00.000+0000'),
      'not json',
      JSON.stringify({ AlarmName: 'half' }),
    );

    // Act
    const answer = await call('POST', '/local/alarms', event);
    await local.stepFunctions.idle();
    const again = await call('POST', '/local/alarms', snsEvent(alarmJson('disk-full', 'ALARM', '2025-05-06T07:00:00.000+0000')));
    await local.stepFunctions.idle();

    // Assess
    const name = 'alarm-disk-full-20250506070000000';
    const execution = { name, executionArn: `arn:aws:states:us-east-1:000000000000:execution:mastermind-alarmed_heal:${name}`, path: `/projects/alarmed/tasks/heal/executions/${name}` };
    const notification = 'the SNS message is not a CloudWatch alarm notification (AlarmName, NewStateValue, StateChangeTime)';
    expect(answer).toStrictEqual({
      status: 200,
      body: {
        started: 1,
        alreadyStarted: 0,
        skippedRunning: 0,
        ignored: 4,
        failed: 1,
        messages: [
          {
            alarmName: 'disk-full',
            state: 'ALARM',
            time: '2025-05-06T07:00:00.000+0000',
            tasks: [
              { project: 'alarmed', task: 'heal', outcome: 'started', execution },
              {
                project: 'alarmed',
                task: 'page',
                outcome: 'failed',
                error: { code: 'InvalidParams', message: 'The params do not fit the task. params.team: is required (a string without a default)' },
              },
            ],
          },
          { alarmName: 'disk-full', state: 'OK', time: '2025-05-06T07:30:00.000+0000', ignored: 'the alarm went to OK, not ALARM: only a change into ALARM starts tasks', tasks: [] },
          { alarmName: 'nobody-listens', state: 'ALARM', time: '2025-05-06T07:00:00.000+0000', ignored: 'no task names alarm nobody-listens', tasks: [] },
          { ignored: 'not an alarm message: the SNS message is not JSON', tasks: [] },
          { ignored: `not an alarm message: ${notification}`, tasks: [] },
        ],
      },
    });
    expect((again.body.messages as { tasks: unknown[] }[])[0]!.tasks[0]).toStrictEqual({ project: 'alarmed', task: 'heal', outcome: 'already-started', execution });
  });
});

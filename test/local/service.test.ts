import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderHandler } from '#engine/run';
import { alarmEventOf, localConfig, startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ProviderEvent } from '#providers/contract';
import { alarmJson, eventBridgeAlarm, snsEvent } from '../triggers/messages.ts';

const TASK = `task: restart
triggers: { alarms: [api-down] }
plot:
  - name: restart
    provider: ssh
    action: run
    with: { host: api-1, user: ops, key: "\${secret:/mastermind/ops/ssh-key}", command: "systemctl restart api" }
`;

let local: LocalService;
const calls: ProviderEvent[] = [];

beforeAll(async () => {
  const handler: ProviderHandler = async (event) => {
    calls.push(event);
    return { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } };
  };
  local = await startLocalService({ handler });
  await fetch(`${local.url}/projects/ops`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  await fetch(`${local.url}/projects/ops/tasks/restart`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: TASK });
});
afterAll(async () => {
  await local.close();
});

const post = (body: string) => fetch(`${local.url}/local/alarms`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

describe('the local service', () => {
  it('runs the service with ARNs in a made-up account, and the providers named in the function names', () => {
    expect(local.deps.config).toStrictEqual(localConfig());
    expect(localConfig().providers).toStrictEqual({
      ec2: 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-ec2',
      ssh: 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-ssh',
      chef: 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-chef',
    });
  });

  it.each([
    ['an SNS event', JSON.stringify(snsEvent(alarmJson('api-down', 'ALARM', '2025-03-04T05:00:00.000+0000')))],
    ['an SNS HTTP delivery', JSON.stringify(snsEvent(alarmJson('api-down', 'ALARM', '2025-03-04T06:00:00.000+0000')).Records[0]!.Sns)],
    ['a CloudWatch alarm message', alarmJson('api-down', 'ALARM', '2025-03-04T07:00:00.000+0000')],
    ['an EventBridge alarm state change', JSON.stringify(eventBridgeAlarm('api-down', 'ALARM', '2025-03-04T08:00:00.000+0000'))],
  ])('starts the task that names the alarm from %s posted to /local/alarms', async (_shape, body) => {
    // Act
    const response = await post(body);
    await local.stepFunctions.idle();

    // Assess
    const { messages, ...counts } = (await response.json()) as { messages: { alarmName: string; state: string; tasks: { project: string; task: string; outcome: string; execution: { name: string } }[] }[] };
    expect([response.status, counts]).toStrictEqual([200, { started: 1, alreadyStarted: 0, skippedRunning: 0, ignored: 0, failed: 0 }]);
    expect(messages.map((m) => [m.alarmName, m.state, m.tasks.map((t) => [t.project, t.task, t.outcome])])).toStrictEqual([['api-down', 'ALARM', [['ops', 'restart', 'started']]]]);
    expect(calls.at(-1)?.context).toMatchObject({ project: 'ops', task: 'restart', henchman: 'restart', execution: expect.stringMatching(new RegExp(`:${messages[0]!.tasks[0]!.execution.name}$`)) });
  });

  it('answers a notification that is not JSON with 400, another method with 405, and leaves the API\'s routes alone', async () => {
    // Act
    const bad = await post('not json');
    const get = await fetch(`${local.url}/local/alarms`);
    const api = await fetch(`${local.url}/projects/ops/tasks/restart`);

    // Assess
    expect([bad.status, await bad.json()]).toStrictEqual([400, { error: 'BadRequest', message: 'The notification is not JSON.', details: [] }]);
    expect([get.status, await get.json()]).toStrictEqual([405, { error: 'MethodNotAllowed', message: '/local/alarms takes POST only.', details: [] }]);
    expect(api.status).toBe(200);
  });

  it.each(['/local/alarms', '/projects/ops'])('keeps serving when a client goes away in the middle of a body posted to %s', async (path) => {
    // Prepare
    const { port } = new URL(local.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));

    // Act
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Records": [`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await fetch(`${local.url}/projects/ops/tasks/restart`);

    // Assess
    expect(after.status).toBe(200);
  });

  it('hands anything it does not recognise to the trigger as it is, which ignores it', async () => {
    // Act
    const response = await post('{"hello":"world"}');

    // Assess
    expect(alarmEventOf({ hello: 'world' })).toStrictEqual({ hello: 'world' });
    expect([response.status, await response.json()]).toStrictEqual([
      200,
      {
        started: 0,
        alreadyStarted: 0,
        skippedRunning: 0,
        ignored: 1,
        failed: 0,
        messages: [{ ignored: 'not an alarm message: the event is neither an SNS notification nor a CloudWatch alarm state change', tasks: [] }],
      },
    ]);
  });
});

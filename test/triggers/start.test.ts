import 'aws-sdk-client-mock-vitest/extend';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDeps } from '#service/deps';
import { putProject } from '#service/store';
import { saveTask } from '#service/tasks';
import { handleAlarmEvent } from '../../lambdas/triggers/start.ts';
import type { AlarmOutcome } from '../../lambdas/triggers/start.ts';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, triggeredTaskSource } from '../service/fixtures.ts';
import type { FakeStepFunctions } from '../service/fixtures.ts';
import { alarmJson, eventBridgeAlarm, snsEvent } from './messages.ts';

let dynamo: LocalDynamo;
let fake: FakeStepFunctions;
let deps: ServiceDeps;
let log: ReturnType<typeof recordingLog>;
let n = 0;
let alarm: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  await putProject(dynamo.store, 'web', SETTINGS, 'tester');
  await putProject(dynamo.store, 'ops', SETTINGS, 'tester');
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(() => {
  fake = fakeStepFunctions();
  log = recordingLog();
  deps = serviceDeps(dynamo.store, fake.sfn, log);
  alarm = `cpu-high-${++n}`;
});

/** The counts of an outcome, without its per-message report. */
const counts = ({ messages: _messages, ...rest }: AlarmOutcome) => rest;

async function taskOn(project: string, task: string, triggers: string) {
  await saveTask(deps, { project, task, source: triggeredTaskSource(task, triggers), who: 'tester' });
  fake.mock.resetHistory();
}

describe('alarm triggers', () => {
  it('starts every task that names the alarm, with the alarm as trigger and a name from the change', async () => {
    // Prepare
    await taskOn('web', `scale-${n}`, `{ alarms: [${alarm}] }`);
    await taskOn('ops', `page-${n}`, `{ alarms: [other, ${alarm}] }`);
    await taskOn('ops', `quiet-${n}`, '{ alarms: [other] }');

    // Act
    const outcome = await handleAlarmEvent(deps, snsEvent(alarmJson(alarm)));

    // Assess
    const name = `alarm-${alarm}-20250304050607123`;
    const execution = (project: string, task: string) => ({
      name,
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mastermind-${project}_${task}:${name}`,
      path: `/projects/${project}/tasks/${task}/executions/${name}`,
    });
    expect(outcome).toStrictEqual({
      started: 2,
      alreadyStarted: 0,
      skippedRunning: 0,
      ignored: 0,
      failed: 0,
      messages: [
        {
          alarmName: alarm,
          state: 'ALARM',
          time: '2025-03-04T05:06:07.123+0000',
          tasks: [
            { project: 'ops', task: `page-${n}`, outcome: 'started', execution: execution('ops', `page-${n}`) },
            { project: 'web', task: `scale-${n}`, outcome: 'started', execution: execution('web', `scale-${n}`) },
          ],
        },
      ],
    });
    const input = JSON.stringify({
      params: {},
      trigger: {
        type: 'alarm',
        alarmName: alarm,
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints [91.5 (04/03/25 05:01:00)] was greater than the threshold (80.0).',
        time: '2025-03-04T05:06:07.123+0000',
        region: 'eu-west-1',
        account: '123456789012',
      },
    });
    expect(fake.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 2);
    expect(fake.mock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-${n}:1`,
      name: `alarm-${alarm}-20250304050607123`,
      input,
    });
  });

  it.each([
    ['skip', '', { started: 1, alreadyStarted: 0, skippedRunning: 9, ignored: 0, failed: 0 }],
    // Step Functions would answer a start with the name and input of a running execution with that
    // execution: the 9 redeliveries are told apart from the first and reported as already started.
    ['allow', ', whenRunning: allow', { started: 1, alreadyStarted: 9, skippedRunning: 0, ignored: 0, failed: 0 }],
  ])('starts one execution for a message delivered 10 times (whenRunning: %s)', async (_, extra, expected) => {
    // Prepare
    await taskOn('web', `redelivered-${n}`, `{ alarms: [${alarm}]${extra} }`);

    // Act
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await handleAlarmEvent(deps, snsEvent(alarmJson(alarm))));

    // Assess
    const total = outcomes.map(counts).reduce((sum, o) => ({
      started: sum.started + o.started,
      alreadyStarted: sum.alreadyStarted + o.alreadyStarted,
      skippedRunning: sum.skippedRunning + o.skippedRunning,
      ignored: sum.ignored + o.ignored,
      failed: sum.failed + o.failed,
    }));
    expect(total).toStrictEqual(expected);
    expect(fake.executions.size).toBe(1);
  });

  it('starts nothing new for a redelivery after the first execution ended', async () => {
    // Prepare
    await taskOn('web', `ended-${n}`, `{ alarms: [${alarm}] }`);
    await handleAlarmEvent(deps, snsEvent(alarmJson(alarm)));
    fake.executions.forEach((e) => (e.status = 'SUCCEEDED'));

    // Act
    const outcome = await handleAlarmEvent(deps, eventBridgeAlarm(alarm));

    // Assess
    expect(counts(outcome)).toStrictEqual({ started: 0, alreadyStarted: 1, skippedRunning: 0, ignored: 0, failed: 0 });
    expect(outcome.messages[0]!.tasks.map((t) => [t.outcome, t.execution?.name])).toStrictEqual([['already-started', `alarm-${alarm}-20250304050607123`]]);
    expect(fake.executions.size).toBe(1);
  });

  it('starts a new execution for a new state change while none runs', async () => {
    await taskOn('web', `again-${n}`, `{ alarms: [${alarm}] }`);
    await handleAlarmEvent(deps, snsEvent(alarmJson(alarm)));
    fake.executions.forEach((e) => (e.status = 'SUCCEEDED'));
    const outcome = await handleAlarmEvent(deps, snsEvent(alarmJson(alarm, 'ALARM', '2025-03-04T06:00:00.000+0000')));
    expect(outcome.started).toBe(1);
    expect(fake.executions.size).toBe(2);
  });

  it.each([['OK'], ['INSUFFICIENT_DATA']])('ignores a change into %s', async (state) => {
    await taskOn('web', `calm-${n}`, `{ alarms: [${alarm}] }`);
    const outcome = await handleAlarmEvent(deps, snsEvent(alarmJson(alarm, state)));
    expect(outcome).toStrictEqual({
      started: 0,
      alreadyStarted: 0,
      skippedRunning: 0,
      ignored: 1,
      failed: 0,
      messages: [{ alarmName: alarm, state, time: '2025-03-04T05:06:07.123+0000', ignored: `the alarm went to ${state}, not ALARM: only a change into ALARM starts tasks`, tasks: [] }],
    });
    expect(fake.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('ignores an alarm no task names', async () => {
    const outcome = await handleAlarmEvent(deps, eventBridgeAlarm('nobody-listens'));
    expect(counts(outcome)).toStrictEqual({ started: 0, alreadyStarted: 0, skippedRunning: 0, ignored: 1, failed: 0 });
    expect(outcome.messages).toStrictEqual([{ alarmName: 'nobody-listens', state: 'ALARM', time: outcome.messages[0]!.time, ignored: 'no task names alarm nobody-listens', tasks: [] }]);
    expect(fake.mock).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('ignores a malformed message with a log line, and still acts on the good one beside it', async () => {
    // Prepare
    await taskOn('web', `mixed-${n}`, `{ alarms: [${alarm}] }`);

    // Act
    const outcome = await handleAlarmEvent(deps, snsEvent('not json at all', alarmJson(alarm)));

    // Assess
    expect(counts(outcome)).toStrictEqual({ started: 1, alreadyStarted: 0, skippedRunning: 0, ignored: 1, failed: 0 });
    expect(outcome.messages.map((m) => [m.alarmName, m.ignored, m.tasks.map((t) => t.outcome)])).toStrictEqual([
      [undefined, 'not an alarm message: the SNS message is not JSON', []],
      [alarm, undefined, ['started']],
    ]);
    expect(log.lines.filter((l) => l.level === 'warn')).toStrictEqual([
      { level: 'warn', message: 'ignored a message that is not an alarm state change', extra: [{ reason: 'the SNS message is not JSON' }] },
    ]);
  });

  it('logs and ignores a task that needs params an alarm cannot give', async () => {
    // Prepare
    const source = triggeredTaskSource(`needy-${n}`, `{ alarms: [${alarm}] }`).replace('params:\n', 'params:\n  count: { type: integer }\n');
    await saveTask(deps, { project: 'web', task: `needy-${n}`, source, who: 'tester' });

    // Act
    const outcome = await handleAlarmEvent(deps, snsEvent(alarmJson(alarm)));

    // Assess
    expect(counts(outcome)).toStrictEqual({ started: 0, alreadyStarted: 0, skippedRunning: 0, ignored: 0, failed: 1 });
    expect(outcome.messages[0]!.tasks).toStrictEqual([
      { project: 'web', task: `needy-${n}`, outcome: 'failed', error: { code: 'InvalidParams', message: 'The params do not fit the task. params.count: is required (an integer without a default)' } },
    ]);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.message)).toStrictEqual(['alarm trigger could not start the task']);
  });
});

import 'aws-sdk-client-mock-vitest/extend';
import { DescribeExecutionCommand, ExecutionDoesNotExist, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { putProject } from '#service/store';
import { saveTask } from '#service/tasks';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { CONFIG, fakeStepFunctions, stubServiceEnvironment, serviceDeps, SETTINGS, triggeredTaskSource } from '../service/fixtures.ts';
import { alarmJson, snsEvent } from './messages.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite(CONFIG.table);
  stubServiceEnvironment(vi.stubEnv, dynamo.endpoint);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.close();
});

describe('the trigger Lambda handler', () => {
  it('builds its clients from the environment (the SDK endpoint variables included) and starts the task an alarm names', async () => {
    // Prepare: a task saved through the service into the table the handler reads.
    await putProject(dynamo.store, 'web', SETTINGS, 'tester');
    await saveTask(serviceDeps(dynamo.store, fakeStepFunctions().sfn), {
      project: 'web',
      task: 'scale-out',
      source: triggeredTaskSource('scale-out', '{ alarms: [web-cpu-high] }'),
      who: 'tester',
    });
    const machine = `arn:aws:states:${CONFIG.region}:123456789012:stateMachine:mastermind-web_scale-out`;
    const execution = `arn:aws:states:${CONFIG.region}:123456789012:execution:mastermind-web_scale-out:alarm-web-cpu-high-20250304050607123`;
    const sfn = mockClient(SFNClient);
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${execution}'`, $metadata: {} }));
    sfn.on(StartExecutionCommand).callsFake(() => ({ executionArn: execution, startDate: new Date() }));
    const { handler } = await import('../../lambdas/triggers/handler.ts');

    // Act
    const outcome = await handler(snsEvent(alarmJson('web-cpu-high')));
    const unknown = await handler(snsEvent(alarmJson('nobody-listens')));

    // Assess
    const time = '2025-03-04T05:06:07.123+0000';
    const name = 'alarm-web-cpu-high-20250304050607123';
    expect(outcome).toStrictEqual({
      started: 1,
      alreadyStarted: 0,
      skippedRunning: 0,
      ignored: 0,
      failed: 0,
      messages: [
        {
          alarmName: 'web-cpu-high',
          state: 'ALARM',
          time,
          tasks: [{ project: 'web', task: 'scale-out', outcome: 'started', execution: { name, executionArn: execution, path: `/projects/web/tasks/scale-out/executions/${name}` } }],
        },
      ],
    });
    expect(unknown).toStrictEqual({
      started: 0,
      alreadyStarted: 0,
      skippedRunning: 0,
      ignored: 1,
      failed: 0,
      messages: [{ alarmName: 'nobody-listens', state: 'ALARM', time, ignored: 'no task names alarm nobody-listens', tasks: [] }],
    });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: `${machine}:1`, name: 'alarm-web-cpu-high-20250304050607123' });
    sfn.restore();
  });
});

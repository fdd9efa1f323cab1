import 'aws-sdk-client-mock-vitest/extend';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { describeExecution, executionNameFromKey, redriveExecution, startExecution, stopExecution } from '#service/executions';
import { fakeStepFunctions, serviceDeps } from './fixtures.ts';
import type { Store, TaskRecord } from '#service/store';

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_scale-out:run-1';
const RUN_1 = { project: 'web', task: 'scale-out', name: 'run-1' };
const scheduled = (id: number, previous: number) => ({
  id,
  previousEventId: previous,
  type: 'TaskScheduled' as const,
  timestamp: new Date('2025-03-04T05:06:08.000Z'),
  taskScheduledEventDetails: {
    resourceType: 'lambda',
    resource: 'invoke',
    region: 'eu-west-1',
    parameters: JSON.stringify({ Payload: { action: 'run', phase: 'do', context: { project: 'web', task: 'scale-out', version: 4, henchman: 'connect' } } }),
  },
});

describe('describing an execution', () => {
  it('reads every page of the history into the per-henchman summary, with status and console link', async () => {
    // Prepare
    const fake = fakeStepFunctions();
    const deps = serviceDeps({} as Store, fake.sfn);
    fake.mock.on(DescribeExecutionCommand).resolves({
      executionArn: ARN,
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out',
      name: 'run-1',
      status: 'FAILED',
      startDate: new Date('2025-03-04T05:06:07.000Z'),
      stopDate: new Date('2025-03-04T05:06:09.000Z'),
      input: '{"params":{},"trigger":{"type":"api"}}',
      error: 'Mastermind.Failed',
      cause: 'exit 1',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });
    fake.mock
      .on(GetExecutionHistoryCommand, { executionArn: ARN, maxResults: 1000 })
      .resolves({ events: [{ id: 1, type: 'TaskStateEntered', timestamp: new Date('2025-03-04T05:06:08.000Z'), stateEnteredEventDetails: { name: 'connect' } }], nextToken: 'page-2' })
      .on(GetExecutionHistoryCommand, { executionArn: ARN, maxResults: 1000, nextToken: 'page-2' })
      .resolves({
        events: [
          scheduled(2, 1),
          { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: new Date('2025-03-04T05:06:09.000Z'), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Failed', cause: 'exit 1' } },
        ],
      });

    // Act
    const view = await describeExecution(deps, RUN_1);

    // Assess
    expect(view).toStrictEqual({
      executionArn: ARN,
      name: 'run-1',
      path: '/projects/web/tasks/scale-out/executions/run-1',
      project: 'web',
      task: 'scale-out',
      version: 4,
      status: 'FAILED',
      startDate: '2025-03-04T05:06:07.000Z',
      stopDate: '2025-03-04T05:06:09.000Z',
      input: { params: {}, trigger: { type: 'api' } },
      error: 'Mastermind.Failed',
      cause: 'exit 1',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`,
      henchmen: [
        {
          henchman: 'connect',
          status: 'failed',
          moves: [
            {
              state: 'connect',
              phase: 'do',
              action: 'run',
              attempts: 1,
              start: '2025-03-04T05:06:08.000Z',
              end: '2025-03-04T05:06:09.000Z',
              status: 'failed',
              error: { error: 'Mastermind.Failed', cause: 'exit 1' },
            },
          ],
        },
      ],
      historyTruncated: false,
    });
  });

  it('redrives a failed execution from the failed move', async () => {
    const fake = fakeStepFunctions();
    fake.mock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date('2025-03-04T07:00:00.000Z') });
    const result = await redriveExecution(serviceDeps({} as Store, fake.sfn), RUN_1);
    expect(result).toStrictEqual({
      executionArn: ARN,
      path: '/projects/web/tasks/scale-out/executions/run-1',
      redriveDate: '2025-03-04T07:00:00.000Z',
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${ARN}`,
    });
    expect(fake.mock).toHaveReceivedCommandWith(RedriveExecutionCommand, { executionArn: ARN });
  });
});

describe('reaching an execution through its task only', () => {
  it('acts on the execution of the task named in the ref: the ARN is built from that task\'s state machine', async () => {
    // Prepare
    const fake = fakeStepFunctions();
    fake.mock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date('2025-03-04T05:00:00.000Z') });
    fake.mock.on(StopExecutionCommand).resolves({ stopDate: new Date('2025-03-04T06:00:00.000Z') });

    // Act
    const stopped = await stopExecution(serviceDeps({} as Store, fake.sfn), { project: 'db', task: 'failover', name: 'run-1' }, 'enough');

    // Assess
    expect(stopped).toStrictEqual({
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-db_failover:run-1',
      path: '/projects/db/tasks/failover/executions/run-1',
      stopDate: '2025-03-04T06:00:00.000Z',
      message:
        'Stopped at once: the move under way was cut short and nothing is undone (no rollback runs). To end an execution through its abort route, rollback included, cancel it instead.',
    });
    expect(fake.mock).toHaveReceivedCommandWith(StopExecutionCommand, {
      executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-db_failover:run-1',
    });
  });

  it('refuses to stop an execution that has already ended (409), naming its status and end, and stops nothing', async () => {
    // Prepare: Step Functions itself would answer the stop with the end time, as if it had stopped it.
    const fake = fakeStepFunctions();
    fake.mock.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', startDate: new Date('2025-03-04T05:00:00.000Z'), stopDate: new Date('2025-03-04T05:01:00.000Z') });
    fake.mock.on(StopExecutionCommand).resolves({ stopDate: new Date('2025-03-04T05:01:00.000Z') });

    // Act
    const refused = await stopExecution(serviceDeps({} as Store, fake.sfn), { project: 'db', task: 'failover', name: 'run-1' }).catch((e: unknown) => e);

    // Assess
    expect(refused).toMatchObject({
      code: 'Conflict',
      message: 'Execution db/failover/run-1 had already ended (SUCCEEDED at 2025-03-04T05:01:00.000Z): nothing was stopped.',
      details: [{ place: 'execution', message: 'its status is SUCCEEDED' }],
    });
    expect(fake.mock.commandCalls(StopExecutionCommand)).toStrictEqual([]);
  });

  it.each([
    ['an ARN of another project\'s execution', 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-db_failover:run-1'],
    ['a path into another task', '../../db/tasks/failover/executions/run-1'],
    ['a name with a colon', 'mastermind-db_failover:run-1'],
    ['an empty name', ''],
    ['a name longer than 80 characters', 'x'.repeat(81)],
  ])('answers 404 without asking Step Functions for %s', async (_, name) => {
    // Prepare
    const fake = fakeStepFunctions();
    const deps = serviceDeps({} as Store, fake.sfn);
    const ref = { project: 'web', task: 'scale-out', name };

    // Act
    const results = await Promise.all([
      describeExecution(deps, ref).catch((e: unknown) => e),
      stopExecution(deps, ref).catch((e: unknown) => e),
      redriveExecution(deps, ref).catch((e: unknown) => e),
    ]);

    // Assess
    for (const result of results) {
      expect(result).toMatchObject({ code: 'NotFound', message: `Task web/scale-out has no execution ${name}.` });
    }
    expect(fake.mock.calls()).toStrictEqual([]);
  });

  it('answers 404 when the task\'s state machine has no execution of that name, whatever another task has', async () => {
    // Prepare
    const fake = fakeStepFunctions();
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_scale-out:run-9';
    fake.mock.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${arn}'`, $metadata: {} }));

    // Act
    const result = await describeExecution(serviceDeps({} as Store, fake.sfn), { project: 'web', task: 'scale-out', name: 'run-9' }).catch((e: unknown) => e);

    // Assess
    expect(result).toMatchObject({ code: 'NotFound', message: 'Task web/scale-out has no execution run-9.' });
    expect(fake.mock).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: arn });
  });
});

describe('starting a named execution', () => {
  const HEAD: TaskRecord = {
    project: 'web',
    task: 'scale-out',
    version: 3,
    stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out',
    stateMachineVersionArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out:3',
    params: {},
    alarms: [],
    whenRunning: 'allow',
    hook: false,
    createdAt: '2025-03-04T05:00:00.000Z',
    updatedAt: '2025-03-04T05:00:00.000Z',
    updatedBy: 'alice',
  };
  const RUN = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_scale-out:run-1';

  it('reports a start that Step Functions answered with an execution begun before the request as not started', async () => {
    // Prepare: another request with the same name started it a second ago, after this one looked the name up.
    const fake = fakeStepFunctions();
    const deps = { ...serviceDeps({} as Store, fake.sfn), now: () => new Date('2025-03-04T05:06:08.000Z') };
    fake.mock.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${RUN}'`, $metadata: {} }));
    fake.mock.on(StartExecutionCommand).resolves({ executionArn: RUN, startDate: new Date('2025-03-04T05:06:07.000Z') });

    // Act
    const started = await startExecution(deps, { project: 'web', task: 'scale-out', trigger: { type: 'api' }, name: 'run-1' }, HEAD);

    // Assess
    expect(started).toStrictEqual({
      project: 'web',
      task: 'scale-out',
      version: 3,
      name: 'run-1',
      path: '/projects/web/tasks/scale-out/executions/run-1',
      executionArn: RUN,
      startDate: '2025-03-04T05:06:07.000Z',
      started: false,
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${RUN}`,
    });
  });

  it('starts nothing for a name already taken: it answers the execution that name started', async () => {
    // Prepare
    const fake = fakeStepFunctions();
    const deps = serviceDeps({} as Store, fake.sfn);
    await startExecution(deps, { project: 'web', task: 'scale-out', trigger: { type: 'alarm' }, name: 'run-1' }, HEAD);

    // Act
    const again = await startExecution(deps, { project: 'web', task: 'scale-out', trigger: { type: 'alarm', n: 2 }, name: 'run-1', replay: 'any' }, HEAD);

    // Assess
    expect([again.started, again.executionArn]).toStrictEqual([false, RUN]);
    expect(fake.mock).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(fake.mock).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: RUN });
  });
});

describe('execution names from idempotency keys', () => {
  it('keeps a key made of allowed characters and hashes any other', () => {
    expect(executionNameFromKey('deploy-42_b')).toBe('deploy-42_b');
    expect(executionNameFromKey('deploy 42')).toMatch(/^key-[0-9a-f]{64}$/);
    expect(executionNameFromKey('x'.repeat(81))).toMatch(/^key-[0-9a-f]{64}$/);
    expect(executionNameFromKey('deploy 42')).toBe(executionNameFromKey('deploy 42'));
  });
});

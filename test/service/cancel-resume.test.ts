import 'aws-sdk-client-mock-vitest/extend';
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteStateMachineVersionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProviderHandler } from '#providers/runtime';
import type { ProviderEvent } from '#providers/contract';
import { SecretResolver } from '#providers/secrets';
import { cancelExecution } from '#service/cancel';
import { cancelCheck, readCancel, requestCancel } from '#service/cancels';
import type { ServiceDeps } from '#service/deps';
import { startExecution } from '#service/executions';
import { saveProject } from '#service/projects';
import { resumeExecution } from '#service/resume';
import { saveTask } from '#service/tasks';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { fakeStepFunctions, serviceDeps, SETTINGS } from './fixtures.ts';
import type { FakeStepFunctions } from './fixtures.ts';

let dynamo: LocalDynamo;
let fake: FakeStepFunctions;
let deps: ServiceDeps;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(() => {
  fake = fakeStepFunctions();
  deps = serviceDeps(dynamo.store, fake.sfn);
});

const ARN = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_deploy:run-1';

describe('cancel requests in the store', () => {
  it('writes the first request and answers it to every later one, which writes nothing', async () => {
    // Act
    const first = await requestCancel(dynamo.store, { executionArn: `${ARN}-a`, by: 'alice', at: '2025-03-04T05:06:07.000Z', reason: 'wrong tier' });
    const second = await requestCancel(dynamo.store, { executionArn: `${ARN}-a`, by: 'bob', at: '2025-03-04T05:07:00.000Z' });
    // Assess
    const record = { executionArn: `${ARN}-a`, by: 'alice', at: '2025-03-04T05:06:07.000Z', reason: 'wrong tier' };
    expect([first, second]).toStrictEqual([
      { record, created: true },
      { record, created: false },
    ]);
    expect([await readCancel(dynamo.store, `${ARN}-a`), await readCancel(dynamo.store, `${ARN}-b`)]).toStrictEqual([record, undefined]);
  });
});

describe('the provider runtime, with a cancel request standing', () => {
  const context = { project: 'web', task: 'deploy', version: 1, execution: `${ARN}-r`, henchman: 'connect', attempt: 1 };
  const event = (phase: ProviderEvent['phase']): ProviderEvent => ({ action: 'run', input: { host: 'h', user: 'u', key: 'k', command: 'true' }, phase, context });
  const outcome = async (promise: Promise<unknown>) => promise.then((v) => v, (e: Error) => ({ name: e.name, message: e.message }));

  it('throws Mastermind.Cancelled before a do and a poll, naming who and why, and plays an undo', async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const played: string[] = [];
    const handler = createProviderHandler(
      'ssh',
      { run: async (_input, call) => (played.push(call.phase), { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } }) },
      { cancels: cancelCheck(dynamo.store), secrets: new SecretResolver(() => { throw new Error('no SSM'); }), logger: new Logger() },
    );
    const before = await outcome(handler(event('do')));
    await requestCancel(dynamo.store, { executionArn: `${ARN}-r`, by: 'alice', at: '2025-03-04T05:06:07.000Z', reason: 'wrong tier' });
    // Act
    const results = [await outcome(handler(event('do'))), await outcome(handler({ ...event('poll'), poll: {} })), await outcome(handler(event('undo')))];
    // Assess
    const cancelled = { name: 'Mastermind.Cancelled', message: 'cancelled by alice at 2025-03-04T05:06:07.000Z: wrong tier' };
    expect([before, ...results]).toStrictEqual([
      { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } },
      cancelled,
      cancelled,
      { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } },
    ]);
    expect(played).toStrictEqual(['do', 'undo']);
    vi.unstubAllEnvs();
  });

  it('plays the move when the store cannot be read: the next move boundary looks again', async () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const handler = createProviderHandler(
      'ssh',
      { run: async () => ({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } }) },
      { cancels: async () => { throw new Error('throttled'); }, secrets: new SecretResolver(() => { throw new Error('no SSM'); }), logger: new Logger() },
    );
    expect(await handler(event('do'))).toStrictEqual({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } });
    vi.unstubAllEnvs();
  });
});

/** A task of three moves; `first` has an undo; with or without rollback. */
const deploy = (rollback: boolean) => `task: deploy
rollback: ${rollback}
plot:
  - name: first
    provider: ssh
    action: run
    with: { host: h, command: one }
    undo: { action: run, with: { host: h, command: undo-one } }
  - name: second
    provider: ssh
    action: run
    with: { host: h, command: "two \${first.stdout}" }
  - name: third
    provider: ssh
    action: run
    with: { host: h, command: three }
`;

/** An execution state as the compiled definition holds it. */
const state = (out: Record<string, unknown>) => ({
  params: {},
  trigger: { type: 'api', by: 'alice' },
  out,
  count: { pass: 1, retreats: {} },
});
const firstDone = { first: { output: { exitCode: 0, stdout: 'one', stderr: '', truncated: false } } };

/** History events, newest first: each [state entered, its input] with one move handed version 1. */
function history(entered: [string, unknown][]): HistoryEvent[] {
  const at = new Date('2025-03-04T05:06:08.000Z');
  const events: HistoryEvent[] = entered.map(([name, input], i) => ({
    id: 100 - i * 2,
    type: name.startsWith('task: aborted') ? 'FailStateEntered' : 'TaskStateEntered',
    timestamp: at,
    stateEnteredEventDetails: { name, input: JSON.stringify(input) },
  }));
  events.push({
    id: 3,
    type: 'TaskScheduled',
    timestamp: at,
    taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: JSON.stringify({ Payload: { context: { version: 1, henchman: 'first' } } }) },
  });
  return events;
}

let saves = 0;

async function started(rollback: boolean, status: 'RUNNING' | 'FAILED' | 'SUCCEEDED', events: HistoryEvent[]): Promise<{ arn: string; ref: { project: string; task: string; name: string } }> {
  await saveProject(dynamo.store, 'web', SETTINGS, 'alice');
  // A new source each time: the store outlives each test's Step Functions, and a save of the same source publishes nothing.
  await saveTask(deps, { project: 'web', task: 'deploy', source: `${deploy(rollback)}# save ${++saves}\n`, who: 'alice' });
  const run = await startExecution(deps, { project: 'web', task: 'deploy', params: {}, trigger: { type: 'api', by: 'alice' }, name: 'run-1' });
  fake.executions.get(run.executionArn)!.status = status;
  fake.mock.on(GetExecutionHistoryCommand, { executionArn: run.executionArn, reverseOrder: true, maxResults: 1000 }).resolves({ events });
  return { arn: run.executionArn, ref: { project: 'web', task: 'deploy', name: 'run-1' } };
}

describe('cancelExecution', () => {
  it('records the request and says what will happen: the abort route, the completed moves with an undo undone', async () => {
    // Prepare
    const { arn, ref } = await started(true, 'RUNNING', history([['second', state(firstDone)]]));
    // Act
    const answer = await cancelExecution(deps, ref, { by: 'alice', reason: 'wrong tier' });
    // Assess
    expect(answer).toStrictEqual({
      executionArn: arn,
      path: '/projects/web/tasks/deploy/executions/run-1',
      status: 'RUNNING',
      cancel: { executionArn: arn, by: 'alice', at: '2025-03-04T05:06:07.000Z', reason: 'wrong tier' },
      requested: true,
      rollback: true,
      undo: ['first'],
      message:
        'Execution web/deploy/run-1 takes its abort route at its next move boundary or poll round (the move under way ends first); with rollback, 1 completed move with an undo is undone, newest first (first), and any that completes before then.',
    });
    expect(await readCancel(dynamo.store, arn)).toStrictEqual(answer.cancel);
  });

  it('says nothing is undone for a task without rollback', async () => {
    const { ref } = await started(false, 'RUNNING', history([['second', state(firstDone)]]));
    const answer = await cancelExecution(deps, { ...ref }, { by: 'alice' });
    expect([answer.rollback, answer.undo, answer.message.endsWith('; the task has no rollback with an undo, so nothing is undone.')]).toStrictEqual([false, [], true]);
  });

  it('answers 409 naming the status of an execution that has ended, and 404 for one the task has not', async () => {
    const { ref } = await started(true, 'SUCCEEDED', []);
    await expect(cancelExecution(deps, ref, { by: 'alice' })).rejects.toMatchObject({
      code: 'Conflict',
      message: 'Execution web/deploy/run-1 has already ended (SUCCEEDED): there is nothing to cancel.',
    });
    await expect(cancelExecution(deps, { ...ref, name: 'run-2' }, { by: 'alice' })).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('resumeExecution', () => {
  const failedAtSecond = () => history([['task: aborted', { ...state(firstDone), failure: { Error: 'Mastermind.Failed', Cause: 'exit 1' } }], ['second', state(firstDone)], ['first', state({})]]);

  it('starts the same task version at the failed move with the completed outputs, params and trigger carried over', async () => {
    // Prepare
    const { arn, ref } = await started(false, 'FAILED', failedAtSecond());
    // Act
    const resumed = await resumeExecution(deps, ref);
    // Assess
    expect(resumed).toStrictEqual({
      project: 'web',
      task: 'deploy',
      version: 1,
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_deploy:${resumed.name}`,
      name: resumed.name,
      path: `/projects/web/tasks/deploy/executions/${resumed.name}`,
      startDate: '2025-03-04T05:06:07.000Z',
      consoleUrl: `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_deploy:${resumed.name}`,
      resumes: { executionArn: arn, name: 'run-1', path: '/projects/web/tasks/deploy/executions/run-1', failed: 'second', from: 'second', carried: ['first'] },
    });
    expect(fake.mock).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_deploy:1',
      name: resumed.name,
      input: JSON.stringify({
        params: {},
        trigger: { type: 'api', by: 'alice' },
        resume: { of: arn, from: 'second', out: firstDone, count: { pass: 1, retreats: {} } },
      }),
    });
  });

  it('begins at an earlier henchman named by from, carrying over only the moves before it', async () => {
    const { ref } = await started(false, 'FAILED', failedAtSecond());
    const resumed = await resumeExecution(deps, ref, { from: 'first' });
    expect([resumed.resumes.from, resumed.resumes.carried]).toStrictEqual(['first', []]);
  });

  it.each([
    ['a from after the failed move', { from: 'third' }, 'BadRequest', 'third comes after second, the move execution web/deploy/run-1 ended on: resume from second or an earlier henchman.'],
    ['a from not in the plot', { from: 'fourth' }, 'BadRequest', 'fourth is not a henchman of the task version execution web/deploy/run-1 ran.'],
  ])('refuses %s (400)', async (_, request, code, message) => {
    const { ref } = await started(false, 'FAILED', failedAtSecond());
    await expect(resumeExecution(deps, ref, request)).rejects.toMatchObject({ code, message });
  });

  it('refuses an execution whose earlier moves the rollback undid (409)', async () => {
    const { ref } = await started(true, 'FAILED', history([['task: aborted', state({ first: { undone: true } })], ['second', state(firstDone)]]));
    await expect(resumeExecution(deps, ref)).rejects.toMatchObject({
      code: 'Conflict',
      message: 'The moves before second were undone by the rollback of execution web/deploy/run-1 (first): there is nothing to resume on; start the task again.',
    });
  });

  it('refuses an execution still running or that succeeded (409)', async () => {
    const { ref } = await started(false, 'SUCCEEDED', failedAtSecond());
    await expect(resumeExecution(deps, ref)).rejects.toMatchObject({
      code: 'Conflict',
      message: 'Execution web/deploy/run-1 is SUCCEEDED: only an execution that ended badly (FAILED, TIMED_OUT, ABORTED) can be resumed.',
    });
  });

  it('refuses an execution whose task version is gone (409)', async () => {
    const { ref } = await started(false, 'FAILED', failedAtSecond());
    await fake.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_deploy:1' }));
    await expect(resumeExecution(deps, ref)).rejects.toMatchObject({
      code: 'Conflict',
      message:
        'The task version execution web/deploy/run-1 ran is gone (its state machine version arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_deploy:1 no longer exists): start the task again.',
    });
  });
});

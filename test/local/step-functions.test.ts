import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListStateMachineVersionsCommand,
  StartExecutionCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import type { ProviderHandler } from '#engine/run';
import type { ProviderEvent } from '#providers/contract';
import { LocalStepFunctions } from '#local/step-functions';
import type { ServiceDeps } from '#service/deps';
import { describeExecution, listExecutions, redriveExecution, startExecution, stopExecution } from '#service/executions';
import { saveProject } from '#service/projects';
import { deleteTask, getTaskVersion, saveTask } from '#service/tasks';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { ACCOUNT, recordingLog, REGION, serviceDeps, SETTINGS, taskOfDefinitionBytes } from '../service/fixtures.ts';

/** Each test has a project of its own on the one dynalite. */
let project: string;
let tests = 0;
const machineArn = () => `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:mastermind-${project}_deploy`;

const DEPLOY = `task: deploy
params:
  release: { type: string, default: r1 }
plot:
  - name: fetch
    provider: ssh
    action: run
    with: { host: app-1, command: "fetch \${params.release}" }
  - name: restart
    provider: ssh
    action: run
    with: { host: app-1, command: restart }
`;

const WAITING = `task: deploy
plot:
  - name: reachable
    provider: ssh
    action: wait-reachable
    with: { host: app-1 }
    timeout: 1h
`;

let dynamo: LocalDynamo;
let local: LocalStepFunctions;
let deps: ServiceDeps;
let calls: ProviderEvent[];

/** Local Step Functions answering provider calls from a rehearsal scenario, each call kept. */
function withScenario(scenario: string): void {
  const rehearsal = rehearsalHandler(loadScenario(scenario));
  const handler: ProviderHandler = (event, provider) => {
    calls.push(event);
    return rehearsal(event, provider);
  };
  local = new LocalStepFunctions({ handler, region: REGION, account: ACCOUNT });
  deps = serviceDeps(dynamo.store, local.client(), recordingLog());
}

async function saveDeploy(source = DEPLOY) {
  return saveTask(deps, { project, task: 'deploy', source, who: 'test' });
}

/** Waits (a bounded number of short rounds) until the execution's history holds an event of this type. */
async function untilHistoryHas(executionArn: string, type: string): Promise<void> {
  for (let round = 0; round < 500; round++) {
    const history = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    if (history.events?.some((e) => e.type === type)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${type} event in the history of ${executionArn}`);
}

/**
 * Local Step Functions whose provider never finds the host reachable, and an execution of WAITING started on it;
 * resolves once the execution has polled at least once.
 */
/** The execution of task deploy with this ARN, as the service names it. */
function deployExecution(executionArn: string) {
  return { project, task: 'deploy', name: executionArn.split(':')[7]! };
}

async function startWaiting(): Promise<string> {
  let polled!: () => void;
  const firstPoll = new Promise<void>((resolve) => (polled = resolve));
  local = new LocalStepFunctions({
    handler: async (event) => {
      calls.push(event);
      if (event.phase === 'poll') polled();
      return { poll: { after: 0, state: {} } };
    },
    region: REGION,
    account: ACCOUNT,
  });
  deps = serviceDeps(dynamo.store, local.client(), recordingLog());
  await saveDeploy(WAITING);
  const started = await startExecution(deps, { project, task: 'deploy', trigger: { type: 'api' } });
  await firstPoll;
  return started.executionArn;
}

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  calls = [];
  project = `web-${++tests}`;
  withScenario('henchmen: {}');
  await saveProject(dynamo.store, project, SETTINGS, 'test');
  return async () => {
    await local.close();
  };
});

describe('local Step Functions under the service', () => {
  it('creates the task\'s state machine on save and publishes one version per task version, tagged', async () => {
    // Prepare
    const MACHINE = machineArn();

    // Act
    const first = await saveDeploy();
    const second = await saveDeploy(DEPLOY.replace('restart', 'reload'));
    const versions = await deps.sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: MACHINE }));
    const described = await deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${MACHINE}:1` }));

    // Assess
    expect([first.stateMachineArn, first.stateMachineVersionArn, second.stateMachineVersionArn]).toStrictEqual([MACHINE, `${MACHINE}:1`, `${MACHINE}:2`]);
    expect(versions.stateMachineVersions?.map((v) => v.stateMachineVersionArn)).toStrictEqual([`${MACHINE}:2`, `${MACHINE}:1`]);
    expect(JSON.parse(described.definition!).States.restart.Type).toBe('Task');
    expect(described.description).toBe(`${project}/deploy version 1`);
    expect(local.tagsOf(MACHINE)).toStrictEqual({ project, task: 'deploy', version: '2' });
  });

  it('saves a task whose definition is about 900 KB, reads it back identical, and runs it to SUCCEEDED', async () => {
    // Prepare
    const { source } = taskOfDefinitionBytes('large', 900_000);

    // Act
    const saved = await saveTask(deps, { project, task: 'large', source, who: 'test' });
    const described = await deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: saved.stateMachineVersionArn }));
    const started = await startExecution(deps, { project, task: 'large', trigger: { type: 'api' } });
    await local.idle();
    const view = await describeExecution(deps, started);

    // Assess
    expect(Buffer.byteLength(described.definition!)).toBeGreaterThan(880_000);
    expect(JSON.stringify((await getTaskVersion(deps, project, 'large')).definition)).toBe(described.definition);
    expect(view.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.context.henchman)).toStrictEqual(Array.from({ length: 100 }, (_, i) => `move-${i}`));
  }, 60_000);

  it('runs a started execution to SUCCEEDED with its output, and the history shows each move', async () => {
    // Prepare
    await saveDeploy();

    // Act
    const started = await startExecution(deps, { project, task: 'deploy', params: { release: 'r7' }, trigger: { type: 'api' }, name: 'run-1' });
    await local.idle();
    const view = await describeExecution(deps, started);

    // Assess
    expect(started).toMatchObject({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:mastermind-${project}_deploy:run-1`, started: true, version: 1 });
    expect(calls.map((c) => [c.context.henchman, c.phase, c.input.command])).toStrictEqual([
      ['fetch', 'do', { template: 'fetch {{0}}', values: { '0': 'r7' } }],
      ['restart', 'do', 'restart'],
    ]);
    expect(view).toMatchObject({ status: 'SUCCEEDED', project, task: 'deploy', version: 1, input: { params: { release: 'r7' }, trigger: { type: 'api' } } });
    expect((view.output as { out: object }).out).toStrictEqual({
      fetch: { output: { exitCode: 0, stdout: 'fetch-stdout', stderr: 'fetch-stderr', truncated: false } },
      restart: { output: { exitCode: 0, stdout: 'restart-stdout', stderr: 'restart-stderr', truncated: false } },
    });
    expect(view.henchmen.map((h) => [h.henchman, h.status, h.moves.map((m) => [m.state, m.phase, m.action, m.attempts, m.status])])).toStrictEqual([
      ['fetch', 'succeeded', [['fetch', 'do', 'run', 1, 'succeeded']]],
      ['restart', 'succeeded', [['restart', 'do', 'run', 1, 'succeeded']]],
    ]);
  });

  it('records the history in Step Functions\' event format, each event linked to the one before it in its state', async () => {
    // Prepare
    await saveDeploy();
    const started = await startExecution(deps, { project, task: 'deploy', trigger: { type: 'api' } });
    await local.idle();

    // Act
    const history = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));

    // Assess
    const events = history.events!;
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toStrictEqual([
      [1, undefined, 'ExecutionStarted'],
      [2, 1, 'ChoiceStateEntered'],
      [3, 2, 'ChoiceStateExited'],
      [4, 3, 'PassStateEntered'],
      [5, 4, 'PassStateExited'],
      [6, 5, 'TaskStateEntered'],
      [7, 6, 'LambdaFunctionScheduled'],
      [8, 7, 'LambdaFunctionStarted'],
      [9, 8, 'LambdaFunctionSucceeded'],
      [10, 9, 'TaskStateExited'],
      [11, 10, 'TaskStateEntered'],
      [12, 11, 'LambdaFunctionScheduled'],
      [13, 12, 'LambdaFunctionStarted'],
      [14, 13, 'LambdaFunctionSucceeded'],
      [15, 14, 'TaskStateExited'],
      [16, 15, 'ExecutionSucceeded'],
    ]);
    // A move's Task state names its provider function as its Resource: Step Functions records the event as the
    // function's input and the answer as its output, with no lambda:invoke wrapper.
    expect(events[6]!.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: deps.config.providers.ssh });
    expect(JSON.parse(events[6]!.lambdaFunctionScheduledEventDetails!.input!)).toMatchObject({ action: 'run', phase: 'do' });
    expect(JSON.parse(events[8]!.lambdaFunctionSucceededEventDetails!.output!)).toStrictEqual({
      output: { exitCode: 0, stdout: 'fetch-stdout', stderr: 'fetch-stderr', truncated: false },
    });
  });

  it('answers a start with a name it knows and the same input with that execution, and refuses another input', async () => {
    // Prepare
    const MACHINE = machineArn();
    await saveDeploy();
    const first = await startExecution(deps, { project, task: 'deploy', params: { release: 'r1' }, trigger: { type: 'api' }, name: 'key-1' });
    await local.idle();

    // Act
    const again = await startExecution(deps, { project, task: 'deploy', params: { release: 'r1' }, trigger: { type: 'api' }, name: 'key-1' });
    const other = await startExecution(deps, { project, task: 'deploy', params: { release: 'r2' }, trigger: { type: 'api' }, name: 'key-1' }).catch((e: unknown) => e);
    const raw = await deps.sfn
      .send(new StartExecutionCommand({ stateMachineArn: `${MACHINE}:1`, name: 'key-1', input: '{}' }))
      .catch((e: unknown) => e);
    const listed = await listExecutions(deps, project, 'deploy');

    // Assess
    expect([first.started, again.started, again.executionArn]).toStrictEqual([true, false, first.executionArn]);
    expect(other).toMatchObject({ code: 'Conflict' });
    expect(raw).toMatchObject({ name: 'ExecutionAlreadyExists', message: `Execution Already Exists: '${first.executionArn}'` });
    expect(listed.items.map((e) => [e.name, e.status, e.stateMachineVersionArn])).toStrictEqual([['key-1', 'SUCCEEDED', `${MACHINE}:1`]]);
    expect(calls).toHaveLength(2);
  });

  it('fails an execution with the provider\'s error, and says it cannot redrive it', async () => {
    // Prepare
    withScenario('henchmen: { restart: { fail: "restart exited 1" } }');
    await saveDeploy();

    // Act
    const started = await startExecution(deps, { project, task: 'deploy', trigger: { type: 'api' } });
    await local.idle();
    const view = await describeExecution(deps, started);
    const redrive = await redriveExecution(deps, started).catch((e: unknown) => e);

    // Assess
    expect([view.status, view.error, view.cause]).toStrictEqual(['FAILED', 'Mastermind.Failed', 'restart exited 1']);
    expect(view.henchmen.map((h) => [h.henchman, h.status, h.moves.at(-1)?.error])).toStrictEqual([
      ['fetch', 'succeeded', undefined],
      ['restart', 'failed', { error: 'Mastermind.Failed', cause: 'restart exited 1' }],
    ]);
    expect(redrive).toMatchObject({ code: 'Conflict', message: expect.stringContaining('Local mode cannot redrive executions') });
  });

  it('stops an execution waiting in a long poll: ABORTED with the stop\'s error and cause, and the provider is not asked again', async () => {
    // Prepare: the host never becomes reachable; a poll round is seconds away.
    const executionArn = await startWaiting();
    await untilHistoryHas(executionArn, 'LambdaFunctionFailed');

    // Act
    const stopped = await stopExecution(deps, deployExecution(executionArn), 'not needed any more');
    await local.idle();
    const view = await describeExecution(deps, deployExecution(executionArn));
    const history = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 2 }));

    // Assess
    expect(stopped.stopDate).toBe(view.stopDate);
    expect([view.status, view.error, view.cause]).toStrictEqual(['ABORTED', 'Mastermind.Stopped', 'not needed any more']);
    expect(calls.map((c) => c.phase)).toStrictEqual(['do', 'poll']);
    expect(view.henchmen).toMatchObject([{ henchman: 'reachable', status: 'stopped' }]);
    expect(history.events?.map((e) => e.type)).toStrictEqual(['ExecutionAborted', 'TaskStateAborted']);
    expect(history.events?.[0]?.executionAbortedEventDetails).toStrictEqual({ error: 'Mastermind.Stopped', cause: 'not needed any more' });
  });

  it('aborts the executions under way of a task that is deleted, as Step Functions does', async () => {
    // Prepare: the host never becomes reachable.
    const executionArn = await startWaiting();

    // Act
    await deleteTask(deps, project, 'deploy');
    await local.idle();
    const described = await local.client().send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect([described.status, described.error, described.cause]).toStrictEqual(['ABORTED', 'States.Aborted', 'The state machine was deleted.']);
  });

  it('starts nothing once closed, so a request still under way cannot leave an execution behind', async () => {
    // Prepare
    await saveDeploy();
    await local.close();

    // Act
    const refused = await startExecution(deps, { project, task: 'deploy', trigger: { type: 'api' } }).catch((error: Error) => error);

    // Assess
    expect(refused).toMatchObject({ message: 'Step Functions failed to start the execution: ValidationException: Local mode is closing: no execution starts.' });
    expect(calls).toStrictEqual([]);
  });

  it('creates a state machine idempotently as the API reference says: a new role is ignored, new tracing refused', async () => {
    // Prepare
    const sfn = local.client();
    const definition = JSON.stringify({ StartAt: 'done', States: { done: { Type: 'Succeed' } } });
    const create = (change: object) => sfn.send(new CreateStateMachineCommand({ name: `idempotent-${project}`, definition, roleArn: 'arn:aws:iam::123456789012:role/a', ...change }));
    const first = await create({});

    // Act
    const again = await create({ roleArn: 'arn:aws:iam::123456789012:role/b' });
    const traced = await create({ tracingConfiguration: { enabled: true } }).catch((error: Error) => error);

    // Assess
    expect(again.stateMachineArn).toBe(first.stateMachineArn);
    expect(traced).toMatchObject({ name: 'StateMachineAlreadyExists' });
  });

  it('answers commands on what does not exist with Step Functions\' errors', async () => {
    // Prepare
    const MACHINE = machineArn();

    // Act
    const machine = await deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${MACHINE}` })).catch((e: unknown) => e);
    const execution = await describeExecution(deps, { project, task: 'deploy', name: 'none' }).catch((e: unknown) => e);
    const start = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: `${MACHINE}:9` })).catch((e: unknown) => e);

    // Assess
    expect(machine).toMatchObject({ name: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${MACHINE}'` });
    expect(execution).toMatchObject({ code: 'NotFound' });
    expect(start).toMatchObject({ name: 'StateMachineDoesNotExist' });
  });
});

describe('local CreateStateMachine refuses what Step Functions refuses', () => {
  const ROLE = 'arn:aws:iam::123456789012:role/a';
  const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:mastermind-ssh';
  const task = (extra: object = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: FN }, End: true, ...extra });
  const machine = (name: string, extra: object = {}) => JSON.stringify({ StartAt: name, States: { [name]: task(extra) } });

  it.each([
    ['a state name of 81 characters', machine('n'.repeat(81)), `the state "${'n'.repeat(81)}" would be 81 characters, and Step Functions takes at most 80`],
    [
      'a Retry IntervalSeconds beyond 99,999,999',
      machine('move', { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 100_000_000, MaxAttempts: 1 }] }),
      'the state "move" would have IntervalSeconds 100000000; Step Functions takes at most 99999999',
    ],
    [
      'a Retry MaxDelaySeconds beyond 31,622,400',
      machine('move', { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxDelaySeconds: 31_622_401, MaxAttempts: 1 }] }),
      'the state "move" would have MaxDelaySeconds 31622401; Step Functions takes at most 31622400',
    ],
    [
      'a definition over 1 MB',
      JSON.stringify({ Comment: 'x'.repeat(1024 * 1024), StartAt: 'move', States: { move: task() } }),
      `The definition is ${1024 * 1024 + 214} bytes; Step Functions takes at most 1048576`,
    ],
  ])('refuses %s with InvalidDefinition naming the limit, on create, update and validate', async (_what, definition, message) => {
    // Prepare
    const sfn = local.client();
    const existing = await sfn.send(new CreateStateMachineCommand({ name: `limits-${project}`, definition: machine('move'), roleArn: ROLE }));

    // Act
    const created = await sfn.send(new CreateStateMachineCommand({ name: `refused-${project}`, definition, roleArn: ROLE })).catch((error: Error) => error);
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: existing.stateMachineArn, definition })).catch((error: Error) => error);
    const validated = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition, type: 'STANDARD' }));

    // Assess
    expect(created).toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining(message) });
    expect((created as Error).message.startsWith('Invalid State Machine Definition: ')).toBe(true);
    expect(updated).toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining(message) });
    expect(validated.result).toBe('FAIL');
    expect(validated.diagnostics?.map((d) => d.message)).toStrictEqual([expect.stringContaining(message)]);
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: existing.stateMachineArn }));
    expect(described.definition).toBe(machine('move'));
  });

  it('takes a state name of exactly 80 characters and the largest Retry numbers AWS allows', async () => {
    // Act
    const created = await local.client().send(
      new CreateStateMachineCommand({
        name: `edge-${project}`,
        definition: machine('n'.repeat(80), { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 99_999_999, MaxDelaySeconds: 31_622_400, MaxAttempts: 99_999_999 }] }),
        roleArn: ROLE,
      }),
    );

    // Assess
    expect(created.stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:edge-${project}`);
  });
});

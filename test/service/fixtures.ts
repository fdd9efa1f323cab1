/**
 * Shared by the service, API and trigger tests: service deps on dynalite, and Step Functions mocked with
 * aws-sdk-client-mock as a small model of the control plane (state machines, versions, executions) whose
 * answers have the shapes of the Step Functions API reference.
 */
import { compileSource } from '#task/compile';
import { DEFAULT_SECRET_LAYOUT } from '#task/secret-layout';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachineVersionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { ServiceConfig } from '#service/config';
import type { Log, ServiceDeps } from '#service/deps';
import type { Store } from '#service/store';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

export const CONFIG: ServiceConfig = {
  table: 'mastermind-test',
  stateMachineRoleArn: `arn:aws:iam::${ACCOUNT}:role/mastermind-state-machines`,
  executionLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/mastermind/executions:*`,
  providers: {
    ec2: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mastermind-ec2`,
    ssh: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mastermind-ssh`,
    chef: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mastermind-chef`,
  },
  stateMachinePrefix: 'mastermind',
  secrets: DEFAULT_SECRET_LAYOUT,
  region: REGION,
};

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extra: Record<string, unknown>[];
}

export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, ...extra) => lines.push({ level: 'info', message, extra }),
    warn: (message, ...extra) => lines.push({ level: 'warn', message, extra }),
    error: (message, ...extra) => lines.push({ level: 'error', message, extra }),
  };
}

export interface FakeExecution {
  executionArn: string;
  stateMachineArn: string;
  stateMachineVersionArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: Date;
}

export interface FakeStateMachine {
  arn: string;
  roleArn: string;
  /** The current definition (what a start from the console runs). */
  definition: string;
  /** Its published versions, oldest first. */
  versions: { arn: string; definition: string; creationDate: Date }[];
  /** The number of the last version published: numbers are never reused, not even after a delete. */
  lastVersion: number;
  tags: Record<string, string>;
}

export interface FakeStepFunctions {
  readonly sfn: SFNClient;
  readonly mock: AwsClientStub<SFNClient>;
  readonly stateMachines: Map<string, FakeStateMachine>;
  readonly executions: Map<string, FakeExecution>;
}

const START = new Date('2025-03-04T05:06:07.000Z');

/** Step Functions as a small in-memory model behind aws-sdk-client-mock. */
export function fakeStepFunctions(): FakeStepFunctions {
  const sfn = new SFNClient({ region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const mock = mockClient(sfn);
  const stateMachines = new Map<string, FakeStateMachine>();
  const executions = new Map<string, FakeExecution>();
  const meta = { $metadata: {} };
  const publish = (machine: FakeStateMachine) => {
    const versionArn = `${machine.arn}:${++machine.lastVersion}`;
    machine.versions.push({ arn: versionArn, definition: machine.definition, creationDate: new Date(START.getTime() + machine.lastVersion * 1000) });
    return versionArn;
  };
  const machineOf = (arn: string) => {
    const machine = stateMachines.get(arn);
    if (!machine) throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${arn}'`, ...meta });
    return machine;
  };
  mock.on(ValidateStateMachineDefinitionCommand).resolves({ result: 'OK', diagnostics: [], truncated: false });
  mock.on(CreateStateMachineCommand).callsFake(
    (input: { name: string; definition: string; roleArn: string; publish?: boolean; tags?: { key: string; value: string }[] }) => {
      const arn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${input.name}`;
      if (stateMachines.has(arn)) throw new StateMachineAlreadyExists({ message: `State Machine Already Exists: '${arn}'`, ...meta });
      const machine: FakeStateMachine = {
        arn,
        roleArn: input.roleArn,
        definition: input.definition,
        versions: [],
        lastVersion: 0,
        tags: Object.fromEntries((input.tags ?? []).map((t) => [t.key, t.value])),
      };
      stateMachines.set(arn, machine);
      return { stateMachineArn: arn, creationDate: START, ...(input.publish ? { stateMachineVersionArn: publish(machine) } : {}) };
    },
  );
  mock.on(UpdateStateMachineCommand).callsFake((input: { stateMachineArn: string; definition: string; publish?: boolean }) => {
    const machine = machineOf(input.stateMachineArn);
    machine.definition = input.definition;
    return { updateDate: START, revisionId: `r${machine.lastVersion}`, ...(input.publish ? { stateMachineVersionArn: publish(machine) } : {}) };
  });
  // A state machine or one of its versions (its ARN ends in :<number>), as the API reference says.
  mock.on(DescribeStateMachineCommand).callsFake((input: { stateMachineArn: string }) => {
    const machine = machineOf(input.stateMachineArn.split(':').slice(0, 7).join(':'));
    const version = input.stateMachineArn.split(':').length === 8 ? machine.versions.find((v) => v.arn === input.stateMachineArn) : undefined;
    if (input.stateMachineArn.split(':').length === 8 && !version) {
      throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${input.stateMachineArn}'`, ...meta });
    }
    return {
      stateMachineArn: version?.arn ?? machine.arn,
      name: machine.arn.split(':')[6],
      status: 'ACTIVE',
      definition: version?.definition ?? machine.definition,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: START,
    };
  });
  // Newest first, as the API reference says; nextToken is an offset here.
  mock.on(ListStateMachineVersionsCommand).callsFake((input: { stateMachineArn: string; maxResults?: number; nextToken?: string }) => {
    const newestFirst = machineOf(input.stateMachineArn).versions.toReversed();
    const from = Number(input.nextToken ?? 0);
    const to = from + (input.maxResults || 100);
    return {
      stateMachineVersions: newestFirst.slice(from, to).map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate })),
      ...(to < newestFirst.length ? { nextToken: String(to) } : {}),
    };
  });
  mock.on(TagResourceCommand).callsFake((input: { resourceArn: string; tags: { key: string; value: string }[] }) => {
    const machine = stateMachines.get(input.resourceArn);
    if (machine) for (const t of input.tags) machine.tags[t.key] = t.value;
    return {};
  });
  // Deleting a version that is not there succeeds too (the API reference lists no not-found error).
  mock.on(DeleteStateMachineVersionCommand).callsFake((input: { stateMachineVersionArn: string }) => {
    const machine = stateMachines.get(input.stateMachineVersionArn.split(':').slice(0, 7).join(':'));
    if (machine) machine.versions = machine.versions.filter((v) => v.arn !== input.stateMachineVersionArn);
    return {};
  });
  mock.on(DeleteStateMachineCommand).callsFake((input: { stateMachineArn: string }) => {
    stateMachines.delete(input.stateMachineArn);
    return {};
  });
  mock.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string; input: string }) => {
    const base = input.stateMachineArn.split(':').slice(0, 7).join(':');
    const executionArn = `${base.replace(':stateMachine:', ':execution:')}:${input.name}`;
    const existing = executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input.input) return { executionArn, startDate: existing.startDate };
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, ...meta });
    }
    executions.set(executionArn, {
      executionArn,
      stateMachineArn: base,
      stateMachineVersionArn: input.stateMachineArn,
      name: input.name,
      input: input.input,
      status: 'RUNNING',
      startDate: START,
    });
    return { executionArn, startDate: START };
  });
  mock.on(ListExecutionsCommand).callsFake((input: { stateMachineArn: string; statusFilter?: string; maxResults?: number }) => {
    const found = [...executions.values()]
      .filter((e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter))
      .slice(0, input.maxResults ?? 100);
    return {
      executions: found.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stateMachineVersionArn: e.stateMachineVersionArn,
      })),
    };
  });
  mock.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
    const e = executions.get(input.executionArn);
    if (!e) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${input.executionArn}'`, ...meta });
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      stateMachineVersionArn: e.stateMachineVersionArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      input: e.input,
      inputDetails: { included: true },
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  });
  const known = (executionArn: string) => {
    const e = executions.get(executionArn);
    if (!e) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${executionArn}'`, ...meta });
    return e;
  };
  mock.on(GetExecutionHistoryCommand).callsFake((input: { executionArn: string }) => (known(input.executionArn), { events: [] }));
  mock.on(StopExecutionCommand).callsFake((input: { executionArn: string }) => {
    known(input.executionArn).status = 'ABORTED';
    return { stopDate: START };
  });
  mock.on(RedriveExecutionCommand).callsFake((input: { executionArn: string }) => {
    const e = known(input.executionArn);
    if (e.status !== 'FAILED') throw new ExecutionNotRedrivable({ message: `Execution is ${e.status} and cannot be redriven`, ...meta });
    e.status = 'RUNNING';
    return { redriveDate: START };
  });
  return { sfn, mock, stateMachines, executions };
}

export function serviceDeps(store: Store, sfn: SFNClient, log: Log = recordingLog()): ServiceDeps {
  return { store, sfn, config: CONFIG, log, now: () => new Date('2025-03-04T05:06:07.000Z') };
}

/** A valid task source; `extra` lines are added at the top level. */
export function taskSource(name: string, extra = ''): string {
  return `task: ${name}
description: Add an app server
params:
  instanceType: { type: string, default: t3.small }
  count: { type: integer }
${extra}plot:
  - name: connect
    provider: ssh
    action: run
    with:
      host: lb-1.internal
      command: add-backend \${params.instanceType}
`;
}

/** Project settings that let {@link taskSource} compile. */
export const SETTINGS = { user: 'ops', key: '${secret:/mastermind/_shared/ssh-key}', region: REGION } as const;

/** A valid task that needs no params, so triggers can start it; `triggers` is its triggers map in YAML flow style. */
export function triggeredTaskSource(name: string, triggers: string): string {
  return `task: ${name}
params:
  size: { type: string, default: small }
triggers: ${triggers}
plot:
  - name: connect
    provider: ssh
    action: run
    with:
      host: lb-1.internal
      command: add-backend \${trigger.alarmName}
`;
}

/** The environment a service Lambda reads (lambdas/service/config.ts), pointing DynamoDB at the local dynalite. */
export function stubServiceEnvironment(stubEnv: (name: string, value: string) => unknown, dynamodbEndpoint: string): void {
  const environment: Record<string, string> = {
    AWS_REGION: CONFIG.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    MASTERMIND_TABLE: CONFIG.table,
    MASTERMIND_STATE_MACHINE_ROLE_ARN: CONFIG.stateMachineRoleArn,
    MASTERMIND_EXECUTION_LOG_GROUP_ARN: CONFIG.executionLogGroupArn,
    MASTERMIND_PROVIDER_EC2_ARN: CONFIG.providers.ec2,
    MASTERMIND_PROVIDER_SSH_ARN: CONFIG.providers.ssh,
    MASTERMIND_PROVIDER_CHEF_ARN: CONFIG.providers.chef,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const [name, value] of Object.entries(environment)) stubEnv(name, value);
}

/** A task of 100 ssh moves whose commands are one text of `commandBytes`, written once and repeated by YAML aliases (the
 * parser takes up to 100): a source of some 10 KB whose definition carries the command in every move's event. */
export function largeTaskSource(name: string, commandBytes: number): string {
  const lines = [`task: ${name}`, 'plot:'];
  for (let i = 0; i < 100; i += 1) {
    const command = i === 0 ? `&command "echo ${'x'.repeat(commandBytes)}"` : '*command';
    lines.push(`  - { name: move-${i}, provider: ssh, action: run, with: { host: h, command: ${command} } }`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A {@link largeTaskSource} whose definition, compiled with {@link SETTINGS}, is `definitionBytes` give or take a
 * few hundred: measured from two compiles, so it holds whatever a move costs in the compiler of the day.
 */
export function taskOfDefinitionBytes(name: string, definitionBytes: number): { source: string; definition: string } {
  const size = (commandBytes: number) => {
    const { definition, errors } = compileSource(largeTaskSource(name, commandBytes), { project: { name: 'p', ...SETTINGS } });
    if (!definition) throw new Error(`the large task does not compile: ${errors.map((e) => e.message).join('; ')}`);
    return JSON.stringify(definition);
  };
  const base = Buffer.byteLength(size(0));
  const perByte = (Buffer.byteLength(size(1000)) - base) / 1000;
  const source = largeTaskSource(name, Math.floor((definitionBytes - base) / perByte));
  return { source, definition: size(Math.floor((definitionBytes - base) / perByte)) };
}

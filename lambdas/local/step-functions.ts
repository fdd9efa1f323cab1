/**
 * Step Functions' control plane in-process, for local mode: the commands the service sends (lambdas/service
 * state-machines.ts, executions.ts), answered with the shapes and errors of the Step Functions API reference.
 * State machines keep their current definition and published versions; an execution runs its definition on the
 * local engine (lambdas/engine/run.ts) in the background, with the provider calls answered by the handler it is
 * given, and keeps its status, output, error and a history in Step Functions' event format (./execution-history.ts).
 *
 * What it does not do: redrive (the local engine cannot re-enter an execution: RedriveExecution answers
 * ExecutionNotRedrivable; Mastermind's own resume, lambdas/service/resume.ts, works here), aliases, Express workflows, logging and tracing (their settings are kept, not acted on).
 *
 *   const local = new LocalStepFunctions({ handler, region: 'us-east-1', account: '000000000000' });
 *   const deps = { ..., sfn: local.client() };
 */
import { randomUUID } from 'node:crypto';
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
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachineVersionsCommand,
  RedriveExecutionCommand,
  ResourceNotFound,
  SFNClient,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import type {
  CreateStateMachineCommandInput,
  CreateStateMachineCommandOutput,
  DeleteStateMachineCommandInput,
  DeleteStateMachineVersionCommandInput,
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  DescribeStateMachineCommandInput,
  DescribeStateMachineCommandOutput,
  ExecutionStatus,
  GetExecutionHistoryCommandInput,
  GetExecutionHistoryCommandOutput,
  HistoryEvent,
  ListExecutionsCommandInput,
  ListExecutionsCommandOutput,
  ListStateMachineVersionsCommandInput,
  ListStateMachineVersionsCommandOutput,
  LoggingConfiguration,
  RedriveExecutionCommandInput,
  StartExecutionCommandInput,
  StartExecutionCommandOutput,
  StopExecutionCommandInput,
  StopExecutionCommandOutput,
  TagResourceCommandInput,
  TracingConfiguration,
  UpdateStateMachineCommandInput,
  UpdateStateMachineCommandOutput,
  ValidateStateMachineDefinitionCommandInput,
  ValidateStateMachineDefinitionCommandOutput,
} from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { runTask } from '#engine/run';
import type { ProviderHandler, RunResult } from '#engine/run';
import type { ProviderName } from '#task/catalog';
import { checkAsl } from '#task/check-asl';
import type { StateMachineDefinition } from '#task/compiler/asl';
import { AWS_LIMITS, conformanceErrors } from '#task/conformance';
import type { Task } from '#task/schema';
import type { Log } from '#service/deps';
import { ExecutionHistory } from './execution-history.ts';
import type { ExecutionEnd } from './execution-history.ts';

export interface LocalStepFunctionsOptions {
  /** Answers every provider call of every execution. */
  readonly handler: ProviderHandler;
  /** The region and account of the ARNs it hands out. */
  readonly region: string;
  readonly account: string;
  /** Which provider a function ARN belongs to, when its name does not say. */
  readonly providers?: Partial<Record<ProviderName, string>>;
  /** Where an execution's unexpected failure is logged (never its input or output). */
  readonly log?: Log;
  readonly now?: () => Date;
  /** Told when an execution starts and when it ends (serve prints a line for each). */
  readonly onExecution?: (change: ExecutionChange) => void;
}

/** An execution that started or ended, as {@link LocalStepFunctionsOptions.onExecution} is told of it. */
export interface ExecutionChange {
  readonly change: 'started' | 'ended';
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly error?: string;
}

interface Version {
  readonly arn: string;
  readonly number: number;
  readonly definition: string;
  readonly roleArn: string;
  readonly revisionId: string;
  readonly description?: string;
  readonly creationDate: Date;
}

interface Machine {
  readonly arn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly creationDate: Date;
  definition: string;
  roleArn: string;
  loggingConfiguration?: LoggingConfiguration;
  tracingConfiguration?: TracingConfiguration;
  revisionId: string;
  /** By number; numbers are never reused, not even after a delete. */
  readonly versions: Map<number, Version>;
  lastVersion: number;
  readonly tags: Map<string, string>;
}

interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineVersionArn?: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history: ExecutionHistory;
  readonly abort: AbortController;
  /** Settles when the run on the engine has ended (after a stop too). */
  done: Promise<void>;
}

/** Step Functions names: 1 to 80 characters, none of whitespace, brackets, wildcards, punctuation or control characters. */
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const MAX_INPUT_BYTES = 256 * 1024;

const meta = { $metadata: {} };

function arnParts(arn: string): string[] {
  return typeof arn === 'string' ? arn.split(':') : [];
}

function pageOf<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined, limit: number): { page: T[]; nextToken?: string } {
  let from = 0;
  if (nextToken !== undefined) {
    from = /^\d+$/.test(nextToken) ? Number(nextToken) : NaN;
    if (!Number.isInteger(from) || from > items.length) throw new InvalidToken({ message: `Invalid Token: '${nextToken}'`, ...meta });
  }
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, limit) : limit;
  const to = from + size;
  return { page: items.slice(from, to), ...(to < items.length ? { nextToken: String(to) } : {}) };
}

/**
 * No task to place an error in: the conformance check reads only the definition, and every error is the task's.
 * A definition given to Step Functions stands alone; the service has checked its task with this module already.
 */
const NO_TASK = { task: 'local', plot: [] } as unknown as Task;

/**
 * What Step Functions refuses at CreateStateMachine, UpdateStateMachine and ValidateStateMachineDefinition, so that
 * local mode refuses the same: its 1 MB size first (asl-validator on such a text takes seconds), then AWS's
 * documented limits (#task/conformance: state names, Retry and timeout ranges, the execution's year), then
 * asl-validator's verdict, and the local engine's own checks.
 */
export function definitionProblems(definition: string): { message: string; location?: string }[] {
  const bytes = Buffer.byteLength(definition, 'utf8');
  if (bytes > AWS_LIMITS.definitionBytes) {
    return [{ message: `The definition is ${bytes} bytes; Step Functions takes at most ${AWS_LIMITS.definitionBytes}` }];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch (error) {
    return [{ message: `The definition is not JSON: ${(error as Error).message}` }];
  }
  // The limits first: asl-validator refuses a long state name too, but as "additional properties" of /States.
  const refused = limitsBroken(parsed);
  if (refused.length > 0) return refused;
  const check = checkAsl(parsed);
  if (!check.isValid) return check.errors.map((e) => ({ message: e.message }));
  try {
    new StateMachine(parsed as never, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (error) {
    return [{ message: `The local engine cannot run it: ${(error as Error).message}` }];
  }
  return [];
}

/** The limits of #task/conformance a definition breaks; none when its shape is too broken to read (asl-validator says why). */
function limitsBroken(parsed: unknown): { message: string }[] {
  try {
    return conformanceErrors(NO_TASK, parsed as StateMachineDefinition).map((e) => ({ message: e.message }));
  } catch {
    return [];
  }
}

/** How many definitions' verdicts are kept: a save validates, then creates or updates, with the same text. */
const CHECKED_DEFINITIONS = 16;

export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  /** definitionProblems by definition text, newest last: asl-validator takes 150-350 ms on the event loop. */
  private readonly checked = new Map<string, { message: string; location?: string }[]>();
  private readonly executions = new Map<string, Execution>();
  /** Executions not yet started whose provider calls another handler answers (local rehearsals): by ARN. */
  private readonly answering = new Map<string, { handler: ProviderHandler; skipWaits: boolean }>();
  /** Set by close(): no execution starts after it. */
  private closed = false;
  private readonly now: () => Date;

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The provider calls of the execution that will start with this ARN are answered by `handler` instead of the
   * shared one, its waits and retry pauses skipped when asked (local rehearsals: lambdas/local/rehearsals.ts).
   * Set before the start; the returned function takes it back when the start does not happen.
   */
  answerWith(executionArn: string, handler: ProviderHandler, options: { skipWaits?: boolean } = {}): () => void {
    this.answering.set(executionArn, { handler, skipWaits: options.skipWaits === true });
    return () => this.answering.delete(executionArn);
  }

  /** An SFNClient whose every command is answered here: what ServiceDeps.sfn takes. */
  client(): SFNClient {
    const client = new SFNClient({ region: this.options.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    client.send = ((command: object) => this.send(command)) as SFNClient['send'];
    return client;
  }

  /** Answers one Step Functions command; an unsupported one is refused with a ValidationException. */
  async send(command: object): Promise<object> {
    const input = (command as { input: never }).input;
    if (command instanceof ValidateStateMachineDefinitionCommand) return this.validateStateMachineDefinition(input);
    if (command instanceof CreateStateMachineCommand) return this.createStateMachine(input);
    if (command instanceof UpdateStateMachineCommand) return this.updateStateMachine(input);
    if (command instanceof DescribeStateMachineCommand) return this.describeStateMachine(input);
    if (command instanceof DeleteStateMachineCommand) return this.deleteStateMachine(input);
    if (command instanceof DeleteStateMachineVersionCommand) return this.deleteStateMachineVersion(input);
    if (command instanceof ListStateMachineVersionsCommand) return this.listStateMachineVersions(input);
    if (command instanceof TagResourceCommand) return this.tagResource(input);
    if (command instanceof StartExecutionCommand) return this.startExecution(input);
    if (command instanceof DescribeExecutionCommand) return this.describeExecution(input);
    if (command instanceof ListExecutionsCommand) return this.listExecutions(input);
    if (command instanceof GetExecutionHistoryCommand) return this.getExecutionHistory(input);
    if (command instanceof StopExecutionCommand) return this.stopExecution(input);
    if (command instanceof RedriveExecutionCommand) return this.redriveExecution(input);
    throw new ValidationException({ message: `Local mode does not implement ${command.constructor.name}`, ...meta });
  }

  /** Settles once every execution under way has ended. */
  async idle(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /** Stops every running execution (ABORTED) and waits for their runs to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const execution of this.executions.values()) {
      if (execution.status === 'RUNNING') this.abort(execution, 'Mastermind.Stopped', 'Local mode closed.');
    }
    await this.idle();
  }

  // --- state machines ---

  private validateStateMachineDefinition(input: ValidateStateMachineDefinitionCommandInput): ValidateStateMachineDefinitionCommandOutput {
    const problems = this.problems(input.definition ?? '');
    return {
      result: problems.length === 0 ? 'OK' : 'FAIL',
      diagnostics: problems.map((p) => ({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: p.message, ...(p.location ? { location: p.location } : {}) })),
      truncated: false,
      ...meta,
    };
  }

  /** definitionProblems, run once per definition text among the last CHECKED_DEFINITIONS. */
  private problems(definition: string): { message: string; location?: string }[] {
    let problems = this.checked.get(definition);
    if (problems) {
      this.checked.delete(definition);
    } else {
      problems = definitionProblems(definition);
      if (this.checked.size >= CHECKED_DEFINITIONS) this.checked.delete(this.checked.keys().next().value!);
    }
    this.checked.set(definition, problems);
    return problems;
  }

  private checkDefinition(definition: string | undefined): string {
    const problems = this.problems(definition ?? '');
    if (problems.length > 0) throw new InvalidDefinition({ message: `Invalid State Machine Definition: '${problems.map((p) => p.message).join('; ')}'`, ...meta });
    return definition!;
  }

  private machine(arn: string | undefined): Machine {
    const parts = arnParts(arn ?? '');
    if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'stateMachine') {
      throw new InvalidArn({ message: `Invalid Arn: '${arn}'`, ...meta });
    }
    const machine = this.machines.get(parts.slice(0, 7).join(':'));
    if (!machine) throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${arn}'`, ...meta });
    return machine;
  }

  /** A state machine or one of its versions, by ARN. */
  private target(arn: string | undefined): { machine: Machine; version?: Version } {
    const machine = this.machine(arn);
    const parts = arnParts(arn!);
    if (parts.length === 7) return { machine };
    const version = /^\d+$/.test(parts[7]!) ? machine.versions.get(Number(parts[7])) : undefined;
    if (!version) throw new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${arn}'`, ...meta });
    return { machine, version };
  }

  private publish(machine: Machine, description: string | undefined): Version {
    const latest = machine.versions.get(machine.lastVersion);
    // Publishing what the latest version already holds answers that version (API reference, PublishStateMachineVersion).
    if (latest && latest.revisionId === machine.revisionId) return latest;
    const number = ++machine.lastVersion;
    const version: Version = {
      arn: `${machine.arn}:${number}`,
      number,
      definition: machine.definition,
      roleArn: machine.roleArn,
      revisionId: machine.revisionId,
      creationDate: this.now(),
      ...(description !== undefined ? { description } : {}),
    };
    machine.versions.set(number, version);
    return version;
  }

  private createStateMachine(input: CreateStateMachineCommandInput): CreateStateMachineCommandOutput {
    if (!input.name || !NAME.test(input.name)) throw new InvalidName({ message: `Invalid Name: '${input.name}'`, ...meta });
    const definition = this.checkDefinition(input.definition);
    const arn = `arn:aws:states:${this.options.region}:${this.options.account}:stateMachine:${input.name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      // Idempotent on the name, definition, type, logging and tracing, as the API reference says; a different
      // roleArn or tags are ignored.
      const same =
        existing.definition === definition &&
        existing.type === (input.type ?? 'STANDARD') &&
        JSON.stringify(existing.loggingConfiguration ?? null) === JSON.stringify(input.loggingConfiguration ?? null) &&
        JSON.stringify(existing.tracingConfiguration ?? null) === JSON.stringify(input.tracingConfiguration ?? null);
      if (!same) throw new StateMachineAlreadyExists({ message: `State Machine Already Exists: '${arn}'`, ...meta });
      return { stateMachineArn: arn, creationDate: existing.creationDate, ...meta };
    }
    const machine: Machine = {
      arn,
      name: input.name,
      type: input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      creationDate: this.now(),
      definition,
      roleArn: input.roleArn ?? '',
      ...(input.loggingConfiguration ? { loggingConfiguration: input.loggingConfiguration } : {}),
      ...(input.tracingConfiguration ? { tracingConfiguration: input.tracingConfiguration } : {}),
      revisionId: randomUUID(),
      versions: new Map(),
      lastVersion: 0,
      tags: new Map((input.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
    };
    this.machines.set(arn, machine);
    const version = input.publish ? this.publish(machine, input.versionDescription) : undefined;
    return { stateMachineArn: arn, creationDate: machine.creationDate, ...(version ? { stateMachineVersionArn: version.arn } : {}), ...meta };
  }

  private updateStateMachine(input: UpdateStateMachineCommandInput): UpdateStateMachineCommandOutput {
    if (arnParts(input.stateMachineArn ?? '').length !== 7) throw new InvalidArn({ message: `Invalid Arn: '${input.stateMachineArn}'`, ...meta });
    const machine = this.machine(input.stateMachineArn);
    const definition = input.definition !== undefined ? this.checkDefinition(input.definition) : machine.definition;
    const changed =
      definition !== machine.definition ||
      (input.roleArn !== undefined && input.roleArn !== machine.roleArn) ||
      (input.loggingConfiguration !== undefined && JSON.stringify(input.loggingConfiguration) !== JSON.stringify(machine.loggingConfiguration ?? null)) ||
      (input.tracingConfiguration !== undefined && JSON.stringify(input.tracingConfiguration) !== JSON.stringify(machine.tracingConfiguration ?? null));
    machine.definition = definition;
    if (input.roleArn !== undefined) machine.roleArn = input.roleArn;
    if (input.loggingConfiguration !== undefined) machine.loggingConfiguration = input.loggingConfiguration;
    if (input.tracingConfiguration !== undefined) machine.tracingConfiguration = input.tracingConfiguration;
    if (changed) machine.revisionId = randomUUID();
    const version = input.publish ? this.publish(machine, input.versionDescription) : undefined;
    return { updateDate: this.now(), revisionId: machine.revisionId, ...(version ? { stateMachineVersionArn: version.arn } : {}), ...meta };
  }

  private describeStateMachine(input: DescribeStateMachineCommandInput): DescribeStateMachineCommandOutput {
    const { machine, version } = this.target(input.stateMachineArn);
    return {
      stateMachineArn: version?.arn ?? machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: version?.definition ?? machine.definition,
      roleArn: version?.roleArn ?? machine.roleArn,
      type: machine.type,
      creationDate: version?.creationDate ?? machine.creationDate,
      ...(machine.loggingConfiguration ? { loggingConfiguration: machine.loggingConfiguration } : {}),
      ...(machine.tracingConfiguration ? { tracingConfiguration: machine.tracingConfiguration } : {}),
      revisionId: version?.revisionId ?? machine.revisionId,
      ...(version?.description !== undefined ? { description: version.description } : {}),
      ...meta,
    };
  }

  private deleteStateMachine(input: DeleteStateMachineCommandInput): object {
    const parts = arnParts(input.stateMachineArn ?? '');
    if (parts.length !== 7 || parts[5] !== 'stateMachine') throw new InvalidArn({ message: `Invalid Arn: '${input.stateMachineArn}'`, ...meta });
    // Step Functions stops the executions under way of a state machine it deletes; so does local mode, at once.
    for (const execution of this.executions.values()) {
      if (execution.stateMachineArn === input.stateMachineArn && execution.status === 'RUNNING') {
        this.abort(execution, 'States.Aborted', 'The state machine was deleted.');
      }
    }
    this.machines.delete(input.stateMachineArn!);
    return { ...meta };
  }

  private deleteStateMachineVersion(input: DeleteStateMachineVersionCommandInput): object {
    const parts = arnParts(input.stateMachineVersionArn ?? '');
    if (parts.length !== 8 || parts[5] !== 'stateMachine') throw new InvalidArn({ message: `Invalid Arn: '${input.stateMachineVersionArn}'`, ...meta });
    // A version that is not there is deleted too (the API reference lists no not-found error).
    this.machines.get(parts.slice(0, 7).join(':'))?.versions.delete(Number(parts[7]));
    return { ...meta };
  }

  private listStateMachineVersions(input: ListStateMachineVersionsCommandInput): ListStateMachineVersionsCommandOutput {
    const machine = this.machine(input.stateMachineArn);
    const newestFirst = [...machine.versions.values()].sort((a, b) => b.number - a.number);
    const { page, nextToken } = pageOf(newestFirst, input.maxResults, input.nextToken, 1000);
    return { stateMachineVersions: page.map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate })), ...(nextToken ? { nextToken } : {}), ...meta };
  }

  private tagResource(input: TagResourceCommandInput): object {
    const machine = this.machines.get(input.resourceArn ?? '');
    if (!machine) throw new ResourceNotFound({ message: `Resource not found: '${input.resourceArn}'`, resourceName: input.resourceArn, ...meta });
    for (const tag of input.tags ?? []) machine.tags.set(tag.key ?? '', tag.value ?? '');
    return { ...meta };
  }

  /** The tags of a state machine (Step Functions' ListTagsForResource), for tests and tools. */
  tagsOf(stateMachineArn: string): Record<string, string> {
    return Object.fromEntries(this.machine(stateMachineArn).tags);
  }

  // --- executions ---

  private execution(arn: string | undefined): Execution {
    const parts = arnParts(arn ?? '');
    if (parts.length !== 8 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== 'execution') throw new InvalidArn({ message: `Invalid Arn: '${arn}'`, ...meta });
    const execution = this.executions.get(arn!);
    if (!execution) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${arn}'`, ...meta });
    return execution;
  }

  /** The ARN of the execution `name` of a state machine. */
  private executionArnOf(machine: Machine, name: string): string {
    return `arn:aws:states:${this.options.region}:${this.options.account}:execution:${machine.name}:${name}`;
  }

  private startExecution(input: StartExecutionCommandInput): StartExecutionCommandOutput {
    // A request still under way when local mode closes must not leave an execution nothing will abort.
    if (this.closed) throw new ValidationException({ message: 'Local mode is closing: no execution starts.', ...meta });
    const { machine, version } = this.target(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!NAME.test(name)) throw new InvalidName({ message: `Invalid Name: '${name}'`, ...meta });
    const text = input.input ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new InvalidExecutionInput({ message: 'Invalid execution input: not JSON', ...meta });
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) throw new InvalidExecutionInput({ message: 'Invalid execution input: larger than 256 KiB', ...meta });
    const executionArn = this.executionArnOf(machine, name);
    const earlier = this.executions.get(executionArn);
    if (earlier) {
      // The same name and input as an execution still running answer it (API reference, StartExecution).
      if (earlier.status === 'RUNNING' && earlier.input === text) return { executionArn, startDate: earlier.startDate, ...meta };
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${executionArn}'`, ...meta });
    }

    const history = new ExecutionHistory(this.options.region, this.now);
    const execution: Execution = {
      executionArn,
      stateMachineArn: machine.arn,
      ...(version ? { stateMachineVersionArn: version.arn } : {}),
      name,
      input: text,
      startDate: this.now(),
      status: 'RUNNING',
      history,
      abort: new AbortController(),
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    history.started({ input: text, roleArn: version?.roleArn ?? machine.roleArn, stateMachineArn: machine.arn, ...(version ? { stateMachineVersionArn: version.arn } : {}) });

    const given = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { params?: object; trigger?: object; resume?: object }) : {};
    const own = this.answering.get(executionArn);
    this.answering.delete(executionArn);
    const answering = own?.handler ?? this.options.handler;
    const handler: ProviderHandler = (event, provider, call) => {
      const answer = () => answering(event, provider, call);
      return call ? history.call(call, event, answer) : answer();
    };
    this.told('started', execution);
    execution.done = runTask(JSON.parse(version?.definition ?? machine.definition) as StateMachineDefinition, given, {
      handler,
      executionId: executionArn,
      signal: execution.abort.signal,
      ...(own?.skipWaits ? { skipWaits: true } : {}),
      onEvent: (event) => history.engineEvent(event),
      ...(this.options.providers ? { providers: this.options.providers } : {}),
      // A task played as a chain of executions hands over to a new execution of the version this one runs.
      stateMachineArn: version?.arn ?? machine.arn,
      handOver: (request, state) =>
        history.serviceCall(state, { resourceType: 'states', resource: 'startExecution' }, request, async () => {
          // The next execution answers as this one does (a rehearsal's scenario, its skipped waits).
          const name = randomUUID();
          if (own) this.answering.set(this.executionArnOf(machine, name), own);
          const started = this.startExecution({ stateMachineArn: request.StateMachineArn, name, input: JSON.stringify(request.Input) });
          return { ExecutionArn: started.executionArn!, StartDate: started.startDate!.toISOString() };
        }),
    }).then(
      (result) => this.settle(execution, result),
      (error: unknown) => {
        this.options.log?.error('a local execution could not run', { executionArn, error: (error as Error).message });
        this.settle(execution, { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message, moves: [], transitions: 0 });
      },
    );
    return { executionArn, startDate: execution.startDate, ...meta };
  }

  private settle(execution: Execution, result: RunResult): void {
    if (execution.status !== 'RUNNING') return;
    const end: ExecutionEnd =
      result.status === 'SUCCEEDED'
        ? { status: 'SUCCEEDED', output: JSON.stringify(result.output ?? null) }
        : { status: result.status, ...(result.error !== undefined ? { error: result.error } : {}), ...(result.cause !== undefined ? { cause: result.cause } : {}) };
    this.end(execution, end);
  }

  private end(execution: Execution, end: ExecutionEnd): void {
    execution.status = end.status;
    execution.stopDate = this.now();
    if (end.output !== undefined) execution.output = end.output;
    if (end.error !== undefined) execution.error = end.error;
    if (end.cause !== undefined) execution.cause = end.cause;
    execution.history.end(end);
    this.told('ended', execution);
  }

  private told(change: ExecutionChange['change'], e: Execution): void {
    try {
      this.options.onExecution?.({
        change,
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate ? { stopDate: e.stopDate } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
      });
    } catch (error) {
      this.options.log?.warn('a listener of executions failed', { error: (error as Error).message });
    }
  }

  private abort(execution: Execution, error: string | undefined, cause: string | undefined): void {
    this.end(execution, { status: 'ABORTED', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) });
    execution.abort.abort();
  }

  private describeExecution(input: DescribeExecutionCommandInput): DescribeExecutionCommandOutput {
    const e = this.execution(input.executionArn);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      ...(e.stateMachineVersionArn ? { stateMachineVersionArn: e.stateMachineVersionArn } : {}),
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      ...(e.stopDate ? { stopDate: e.stopDate } : {}),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: e.status === 'RUNNING' ? 'Execution is RUNNING and cannot be redriven' : 'Local mode cannot redrive executions',
      ...meta,
    };
  }

  private listExecutions(input: ListExecutionsCommandInput): ListExecutionsCommandOutput {
    const { machine, version } = this.target(input.stateMachineArn);
    const newestFirst = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn && (!version || e.stateMachineVersionArn === version.arn))
      .filter((e) => !input.statusFilter || e.status === input.statusFilter)
      .reverse();
    const { page, nextToken } = pageOf(newestFirst, input.maxResults, input.nextToken, 1000);
    return {
      executions: page.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        ...(e.stopDate ? { stopDate: e.stopDate } : {}),
        ...(e.stateMachineVersionArn ? { stateMachineVersionArn: e.stateMachineVersionArn } : {}),
        redriveCount: 0,
      })),
      ...(nextToken ? { nextToken } : {}),
      ...meta,
    };
  }

  private getExecutionHistory(input: GetExecutionHistoryCommandInput): GetExecutionHistoryCommandOutput {
    const e = this.execution(input.executionArn);
    const ordered = input.reverseOrder ? [...e.history.events].reverse() : e.history.events;
    const { page, nextToken } = pageOf(ordered, input.maxResults, input.nextToken, 1000);
    const events = input.includeExecutionData === false ? page.map(withoutData) : page.map((event) => ({ ...event }));
    return { events, ...(nextToken ? { nextToken } : {}), ...meta };
  }

  private stopExecution(input: StopExecutionCommandInput): StopExecutionCommandOutput {
    const e = this.execution(input.executionArn);
    if (e.status === 'RUNNING') this.abort(e, input.error, input.cause);
    return { stopDate: e.stopDate!, ...meta };
  }

  private redriveExecution(input: RedriveExecutionCommandInput): object {
    const e = this.execution(input.executionArn);
    throw new ExecutionNotRedrivable({
      message: e.status === 'RUNNING' ? `Execution is RUNNING and cannot be redriven: '${e.executionArn}'` : 'Local mode cannot redrive executions: resume it instead (POST .../resume), or start the task again.',
      ...meta,
    });
  }
}

/** An event with its input and output left out (GetExecutionHistory's includeExecutionData: false). */
function withoutData(event: HistoryEvent): HistoryEvent {
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) => {
      if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') return [key, value];
      const { input: _input, output: _output, parameters: _parameters, ...rest } = value as Record<string, unknown>;
      return [key, rest];
    }),
  ) as HistoryEvent;
}

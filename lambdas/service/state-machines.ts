/**
 * The state machines behind tasks: one Standard state machine per task, a published state machine version
 * per task version. Executions start on the version the task's head names, so an update that lost its race
 * (or failed half-way) never changes what runs.
 */
import { createHash } from 'node:crypto';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeStateMachineCommand,
  ListStateMachineVersionsCommand,
  TagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import type { LoggingConfiguration, SFNClient } from '@aws-sdk/client-sfn';
import type { ServiceConfig } from './config.ts';
import { ServiceError } from './errors.ts';

/** Step Functions names: at most 80 characters. */
const MAX_NAME = 80;

/**
 * `<prefix>-<project>_<task>`: project and task names never hold "_", so no two tasks share a name.
 * Names longer than 80 characters keep their start and end with a hash of the whole name.
 */
export function stateMachineName(prefix: string, project: string, task: string): string {
  const name = `${prefix}-${project}_${task}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - hash.length - 1)}-${hash}`;
}

/** The state machine ARN a name gets, in the account and partition of the state machines' role. */
export function stateMachineArn(config: ServiceConfig, name: string): string {
  const [, partition, , , account] = config.stateMachineRoleArn.split(':');
  return `arn:${partition}:states:${config.region}:${account}:stateMachine:${name}`;
}

/** The state machine name inside a state machine, version or execution ARN; undefined for anything else. */
export function stateMachineNameOf(arn: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states') return undefined;
  if (parts[5] !== 'stateMachine' && parts[5] !== 'execution') return undefined;
  return parts[6] || undefined;
}

export function loggingConfiguration(config: ServiceConfig): LoggingConfiguration {
  const logGroupArn = config.executionLogGroupArn.endsWith(':*') ? config.executionLogGroupArn : `${config.executionLogGroupArn}:*`;
  return {
    // Every event, without the execution's data: inputs and outputs stay out of the logs.
    level: 'ALL',
    includeExecutionData: false,
    destinations: [{ cloudWatchLogsLogGroup: { logGroupArn } }],
  };
}

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? 'Error';
}

function upstream(step: string, error: unknown): ServiceError {
  const name = errorName(error);
  const message = (error as Error | undefined)?.message ?? String(error);
  if (name === 'StateMachineDeleting') {
    return new ServiceError('Conflict', 'The task\'s previous state machine is still being deleted; save again in a minute.', [], { cause: error });
  }
  if (name === 'InvalidDefinition') {
    return new ServiceError('StateMachineRejected', `Step Functions rejected the compiled definition: ${message}`, [], { cause: error });
  }
  return new ServiceError('UpstreamFailure', `Step Functions failed to ${step}: ${name}: ${message}`, [], { cause: error });
}

/** Asks Step Functions whether it accepts a definition; a rejection lists its diagnostics. */
export async function validateDefinition(sfn: SFNClient, definition: string): Promise<void> {
  let result;
  try {
    result = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition, type: 'STANDARD', severity: 'ERROR' }));
  } catch (error) {
    throw upstream('validate the definition', error);
  }
  if (result.result === 'OK') return;
  const details = (result.diagnostics ?? [])
    .filter((d) => d.severity !== 'WARNING')
    .map((d) => ({ place: d.location ?? '', code: d.code ?? 'unknown', message: d.message ?? '' }));
  throw new ServiceError('StateMachineRejected', 'Step Functions rejected the compiled definition; nothing was saved.', details);
}

export interface PublishRequest {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly definition: string;
}

export interface Published {
  readonly stateMachineArn: string;
  readonly stateMachineVersionArn: string;
}

function tags(request: PublishRequest) {
  return [
    { key: 'project', value: request.project },
    { key: 'task', value: request.task },
    { key: 'version', value: String(request.version) },
  ];
}

/**
 * Creates the task's state machine, or updates it, and publishes a version holding the definition.
 * Creating a name that exists (left by an earlier save that failed later on) updates it instead.
 */
export async function publishStateMachine(sfn: SFNClient, config: ServiceConfig, request: PublishRequest): Promise<Published> {
  const name = stateMachineName(config.stateMachinePrefix, request.project, request.task);
  const arn = stateMachineArn(config, name);
  const common = {
    definition: request.definition,
    roleArn: config.stateMachineRoleArn,
    loggingConfiguration: loggingConfiguration(config),
    tracingConfiguration: { enabled: true },
    publish: true,
    versionDescription: `${request.project}/${request.task} version ${request.version}`,
  };
  try {
    const created = await sfn.send(new CreateStateMachineCommand({ name, type: 'STANDARD', tags: tags(request), ...common }));
    if (created.stateMachineVersionArn) return { stateMachineArn: created.stateMachineArn ?? arn, stateMachineVersionArn: created.stateMachineVersionArn };
    // Create is idempotent: an identical state machine answers without a new version; publish one.
  } catch (error) {
    if (errorName(error) !== 'StateMachineAlreadyExists') throw upstream('create the state machine', error);
  }
  try {
    const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: arn, ...common }));
    if (!updated.stateMachineVersionArn) throw new Error('UpdateStateMachine published no version');
    return { stateMachineArn: arn, stateMachineVersionArn: updated.stateMachineVersionArn };
  } catch (error) {
    throw upstream('update the state machine', error);
  }
}

/** Sets the version tag once a version is in force. */
export async function tagVersion(sfn: SFNClient, stateMachineArn: string, request: PublishRequest): Promise<void> {
  await sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: tags(request) }));
}

/** Deletes a published version that never came into force. */
export async function deleteStateMachineVersion(sfn: SFNClient, stateMachineVersionArn: string): Promise<void> {
  await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn }));
}

export async function deleteStateMachine(sfn: SFNClient, arn: string): Promise<void> {
  try {
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
  } catch (error) {
    throw upstream('delete the state machine', error);
  }
}

/** The state machine's own current definition (what a start from the AWS console runs); undefined when it does not exist. */
export async function currentDefinition(sfn: SFNClient, stateMachineArn: string): Promise<string | undefined> {
  try {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    return described.definition;
  } catch (error) {
    if (errorName(error) === 'StateMachineDoesNotExist') return undefined;
    throw upstream('describe the state machine', error);
  }
}

/** Makes `definition` the state machine's current definition again, publishing no version. */
export async function restoreDefinition(sfn: SFNClient, stateMachineArn: string, definition: string): Promise<void> {
  try {
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition, publish: false }));
  } catch (error) {
    throw upstream('restore the definition in force', error);
  }
}

/** Published versions kept behind the one in force (AWS allows 1,000 per state machine). */
export const KEPT_VERSIONS = 50;
/** At most this many versions are deleted by one save; a longer backlog goes on the following saves. */
export const MAX_PRUNED_PER_SAVE = 25;

/** The number of a state machine version ARN (`arn:aws:states:<region>:<account>:stateMachine:<name>:<n>`). */
export function versionNumberOf(stateMachineVersionArn: string): number | undefined {
  const parts = stateMachineVersionArn.split(':');
  return parts.length === 8 && parts[5] === 'stateMachine' && /^\d+$/.test(parts[7]!) ? Number(parts[7]) : undefined;
}

/** The ARNs of a state machine's published versions, with their numbers; none when the state machine does not exist. */
export async function listStateMachineVersions(sfn: SFNClient, stateMachineArn: string): Promise<{ arn: string; number: number }[]> {
  const versions: { arn: string; number: number }[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
      for (const version of page.stateMachineVersions ?? []) {
        const number = version.stateMachineVersionArn ? versionNumberOf(version.stateMachineVersionArn) : undefined;
        if (number !== undefined) versions.push({ arn: version.stateMachineVersionArn!, number });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    if ((error as { name?: string }).name === 'StateMachineDoesNotExist') return [];
    throw error;
  }
  return versions;
}

/**
 * Deletes the published versions that are `keep` or more numbers older than the version in force (Step
 * Functions numbers a state machine's versions 1, 2, 3, ... and never reuses a number), oldest first and at
 * most {@link MAX_PRUNED_PER_SAVE}. Versions newer than the one in force belong to saves still running or
 * lost, which delete their own. Executions running on a deleted version run on. Returns what it deleted.
 */
export async function pruneStateMachineVersions(
  sfn: SFNClient,
  stateMachineArn: string,
  inForceVersionArn: string,
  keep = KEPT_VERSIONS,
): Promise<string[]> {
  const inForce = versionNumberOf(inForceVersionArn);
  if (inForce === undefined || inForce <= keep) return [];
  const old = (await listStateMachineVersions(sfn, stateMachineArn)).filter((version) => version.number <= inForce - keep);
  const doomed = old.sort((a, b) => a.number - b.number).slice(0, MAX_PRUNED_PER_SAVE);
  for (const version of doomed) await deleteStateMachineVersion(sfn, version.arn);
  return doomed.map((version) => version.arn);
}

/**
 * Executions of tasks: start (params checked first; an idempotency key or the trigger names the execution so
 * one key or one alarm state change never starts twice), list, describe with a per-henchman summary, stop,
 * and redrive from the failed move. Executions start on the published version the task's head names.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import type { ServiceDeps } from './deps.ts';
import { notFound, ServiceError } from './errors.ts';
import { causeMessage, executionContext, summarizeHistory } from './history.ts';
import type { HenchmanSummary } from './history.ts';
import { checkParams } from './params.ts';
import { stateMachineNameOf } from './state-machines.ts';
import type { Page, PageOptions, TaskRecord } from './store.ts';
import { readTask } from './store.ts';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * An execution name from an outside key: the key itself when it is made of the characters Step Functions
 * logs accept and fits in 80; otherwise a hash of it, so any key maps to one name.
 */
export function executionNameFromKey(key: string, prefix = 'key'): string {
  if (NAME.test(key)) return key;
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 64)}`;
}

export function executionArnFor(stateMachineArn: string, name: string): string {
  const parts = stateMachineArn.split(':');
  return [...parts.slice(0, 5), 'execution', parts[6], name].join(':');
}

export function consoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3];
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

function errorName(error: unknown): string {
  return (error as { name?: string } | undefined)?.name ?? 'Error';
}

function upstream(step: string, error: unknown): ServiceError {
  return new ServiceError('UpstreamFailure', `Step Functions failed to ${step}: ${errorName(error)}: ${(error as Error).message}`, [], { cause: error });
}

export interface Started {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly executionArn: string;
  readonly name: string;
  readonly startDate: string;
  /** False when the name had started an execution before: that one is answered, nothing new starts. */
  readonly started: boolean;
  readonly consoleUrl: string;
}

export interface StartRequest {
  readonly project: string;
  readonly task: string;
  readonly params?: unknown;
  readonly trigger: Record<string, unknown>;
  /** The execution's name; a random one when left out. */
  readonly name?: string;
  /**
   * When the name has started an execution before: 'same-input' (an idempotency key) answers it only if
   * its input was the same; 'any' (a trigger's name for one event) answers it whatever its input.
   */
  readonly replay?: 'same-input' | 'any';
}

/**
 * Starts an execution of the version in force. A name that has started an execution before answers that
 * execution with started: false (see {@link StartRequest.replay}); nothing new starts.
 *
 * Step Functions answers a StartExecution whose name and input match a running execution with that
 * execution, as if it had started it; so a named start first looks the name up, and an answer that began
 * before this request did (two requests with one name racing past the look-up) is a replay too.
 */
export async function startExecution(deps: ServiceDeps, request: StartRequest, known?: TaskRecord): Promise<Started> {
  const began = deps.now();
  const head = known ?? (await readTask(deps, request.project, request.task));
  const params = checkParams(head.params, request.params);
  const name = request.name ?? randomUUID();
  const input = JSON.stringify({ params, trigger: request.trigger });
  const base = { project: head.project, task: head.task, version: head.version, name };
  const executionArn = executionArnFor(head.stateMachineArn, name);
  const replayed = (earlier: { input?: string; startDate?: Date }): Started => {
    if ((request.replay ?? 'same-input') === 'same-input' && !sameInput(earlier.input, input)) {
      throw new ServiceError('Conflict', `An execution named ${name} was started before with a different input; use a new Idempotency-Key.`, [
        { place: 'Idempotency-Key', message: 'already used with a different input' },
      ]);
    }
    return { ...base, executionArn, startDate: (earlier.startDate ?? began).toISOString(), started: false, consoleUrl: consoleUrl(executionArn) };
  };

  if (request.name !== undefined) {
    const earlier = await findExecution(deps, executionArn);
    if (earlier) return replayed(earlier);
  }
  try {
    const result = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: head.stateMachineVersionArn, name, input }));
    const startDate = result.startDate ?? began;
    return {
      ...base,
      executionArn: result.executionArn!,
      startDate: startDate.toISOString(),
      started: startDate.getTime() >= began.getTime(),
      consoleUrl: consoleUrl(result.executionArn!),
    };
  } catch (error) {
    if (errorName(error) !== 'ExecutionAlreadyExists') throw upstream('start the execution', error);
  }
  const earlier = await findExecution(deps, executionArn);
  if (!earlier) throw new ServiceError('UpstreamFailure', `Step Functions says execution ${name} exists but cannot describe it; try again.`);
  return replayed(earlier);
}

/** An execution by ARN, or undefined when there is none. */
async function findExecution(deps: ServiceDeps, executionArn: string): Promise<{ input?: string; startDate?: Date } | undefined> {
  try {
    return await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
    throw upstream('look up the execution', error);
  }
}

function sameInput(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** Whether an execution of the task is running now. */
export async function isRunning(deps: ServiceDeps, head: TaskRecord): Promise<boolean> {
  const result = await deps.sfn.send(new ListExecutionsCommand({ stateMachineArn: head.stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
  return (result.executions ?? []).length > 0;
}

export type TriggeredOutcome = { readonly outcome: 'started' | 'already-started'; readonly started: Started } | { readonly outcome: 'skipped-running' };

/** A trigger's start: honours triggers.whenRunning (skip by default) and treats a known name as done. */
export async function startTriggered(deps: ServiceDeps, head: TaskRecord, request: Omit<StartRequest, 'project' | 'task'>): Promise<TriggeredOutcome> {
  if (head.whenRunning === 'skip' && (await isRunning(deps, head))) return { outcome: 'skipped-running' };
  const started = await startExecution(deps, { replay: 'any', ...request, project: head.project, task: head.task }, head);
  return { outcome: started.started ? 'started' : 'already-started', started };
}

export interface ExecutionItem {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly stateMachineVersionArn?: string;
}

const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export async function listExecutions(
  deps: ServiceDeps,
  project: string,
  task: string,
  options: PageOptions & { status?: string } = {},
): Promise<Page<ExecutionItem>> {
  const head = await readTask(deps, project, task);
  if (options.status !== undefined && !STATUSES.includes(options.status as ExecutionStatus)) {
    throw new ServiceError('BadRequest', `Unknown status ${options.status}.`, [{ place: 'status', message: `must be one of ${STATUSES.join(', ')}` }]);
  }
  let result;
  try {
    result = await deps.sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: head.stateMachineArn,
        maxResults: Math.min(Math.max(options.limit ?? 50, 1), 100),
        ...(options.next ? { nextToken: options.next } : {}),
        ...(options.status ? { statusFilter: options.status as ExecutionStatus } : {}),
      }),
    );
  } catch (error) {
    if (errorName(error) === 'InvalidToken') {
      throw new ServiceError('BadRequest', 'The page token is not one this list handed out.', [{ place: 'next', message: 'not a page token of this list' }]);
    }
    throw upstream('list executions', error);
  }
  const items = (result.executions ?? []).map((e) => ({
    executionArn: e.executionArn!,
    name: e.name!,
    status: e.status!,
    startDate: e.startDate!.toISOString(),
    ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
    ...(e.stateMachineVersionArn ? { stateMachineVersionArn: e.stateMachineVersionArn } : {}),
  }));
  return result.nextToken ? { items, next: result.nextToken } : { items };
}

/**
 * Checks that an id is the ARN of an execution of one of Mastermind's state machines; anything else is
 * "no such execution", never a look into other state machines.
 */
export function checkExecutionArn(deps: ServiceDeps, id: string): string {
  const parts = id.split(':');
  const name = stateMachineNameOf(id);
  if (parts.length !== 8 || parts[5] !== 'execution' || !name?.startsWith(`${deps.config.stateMachinePrefix}-`) || !parts[7]) {
    throw notFound(`There is no execution ${id}.`);
  }
  return id;
}

async function execution<T>(step: string, id: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = errorName(error);
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') throw notFound(`There is no execution ${id}.`);
    if (name === 'ExecutionNotRedrivable') throw new ServiceError('Conflict', `Execution ${id} cannot be redriven: ${(error as Error).message}`);
    if (name === 'ExecutionLimitExceeded') throw new ServiceError('Conflict', `Execution ${id} cannot be redriven now: ${(error as Error).message}`);
    throw upstream(step, error);
  }
}

export interface ExecutionView {
  readonly executionArn: string;
  readonly name: string;
  readonly project?: string;
  readonly task?: string;
  readonly version?: number;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount?: number;
  readonly redriveStatus?: string;
  readonly consoleUrl: string;
  readonly henchmen: HenchmanSummary[];
  /** The history was longer than what was read; the summary covers its start. */
  readonly historyTruncated: boolean;
}

/** At most this many history pages (1000 events each) are read for a summary. */
const MAX_HISTORY_PAGES = 5;

export async function describeExecution(deps: ServiceDeps, id: string): Promise<ExecutionView> {
  const executionArn = checkExecutionArn(deps, id);
  const described = await execution('describe the execution', id, () => deps.sfn.send(new DescribeExecutionCommand({ executionArn })));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await execution('read the execution history', id, () =>
      deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) })),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken && pages < MAX_HISTORY_PAGES);

  const context = executionContext(events);
  const parse = (text: string | undefined) => {
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  const view: ExecutionView = {
    executionArn,
    name: described.name ?? executionArn.split(':')[7]!,
    ...context,
    status: described.status!,
    startDate: described.startDate!.toISOString(),
    ...(described.stopDate ? { stopDate: described.stopDate.toISOString() } : {}),
    ...(described.input !== undefined ? { input: parse(described.input) } : {}),
    ...(described.output !== undefined ? { output: parse(described.output) } : {}),
    ...(described.error !== undefined ? { error: described.error } : {}),
    ...(described.cause !== undefined ? { cause: causeMessage(described.cause) } : {}),
    ...(described.redriveCount !== undefined ? { redriveCount: described.redriveCount } : {}),
    ...(described.redriveStatus !== undefined ? { redriveStatus: described.redriveStatus } : {}),
    consoleUrl: consoleUrl(executionArn),
    henchmen: summarizeHistory(events),
    historyTruncated: nextToken !== undefined,
  };
  return view;
}

export async function stopExecution(deps: ServiceDeps, id: string, reason?: string): Promise<{ executionArn: string; stopDate: string }> {
  const executionArn = checkExecutionArn(deps, id);
  const result = await execution('stop the execution', id, () =>
    deps.sfn.send(
      new StopExecutionCommand({
        executionArn,
        error: 'Mastermind.Stopped',
        cause: (reason ?? 'Stopped through the Mastermind API.').slice(0, 32768),
      }),
    ),
  );
  return { executionArn, stopDate: (result.stopDate ?? deps.now()).toISOString() };
}

export async function redriveExecution(deps: ServiceDeps, id: string): Promise<{ executionArn: string; redriveDate: string; consoleUrl: string }> {
  const executionArn = checkExecutionArn(deps, id);
  const result = await execution('redrive the execution', id, () => deps.sfn.send(new RedriveExecutionCommand({ executionArn })));
  return { executionArn, redriveDate: (result.redriveDate ?? deps.now()).toISOString(), consoleUrl: consoleUrl(executionArn) };
}

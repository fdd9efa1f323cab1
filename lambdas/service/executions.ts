/**
 * Executions of tasks: start (params checked first; an idempotency key or the trigger names the execution so
 * one key or one alarm state change never starts twice), list, describe with a per-henchman summary, stop (the
 * hard stop: nothing is undone), and AWS's redrive. Cancel with rollback is ./cancel.ts, resume from the failed
 * move ./resume.ts. Executions start on the published version the task's head names.
 *
 * An execution is reached only through its task: {@link ExecutionRef} (project, task, execution name) and the
 * path /projects/<project>/tasks/<task>/executions/<name>, so an IAM grant on one project's paths covers its
 * executions and no other's. The ARN acted on is built from the task's own state machine and the name; no
 * caller-supplied ARN is ever used, so no id can reach an execution of another task.
 *
 * | what is asked                                          | answer                                         |
 * | ------------------------------------------------------ | ---------------------------------------------- |
 * | a name Mastermind could not have given (":", "/", ...) | NotFound (404)                                 |
 * | a name the task's state machine has no execution of    | NotFound (404), whatever other task has one    |
 * | redrive of an execution that cannot be redriven        | Conflict (409)                                 |
 * | stop of an execution that has already ended            | Conflict (409) naming its status and end       |
 * | Step Functions fails otherwise                         | UpstreamFailure                                |
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
import { parseTask } from '#task/parse';
import type { Expect } from '#task/schema';
import { unmetConditions } from './expect-check.ts';
import { causeMessage, executionContext, summarizeHistory, unmetExpects } from './history.ts';
import type { ExpectExplainer, HenchmanSummary } from './history.ts';
import { checkParams } from './params.ts';
import { stateMachineArn, stateMachineName } from './state-machines.ts';
import type { Page, PageOptions, TaskRecord } from './store.ts';
import { getVersion, readTask } from './store.ts';

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

export function upstream(step: string, error: unknown): ServiceError {
  return new ServiceError('UpstreamFailure', `Step Functions failed to ${step}: ${errorName(error)}: ${(error as Error).message}`, [], { cause: error });
}

/** One execution, as the API names it: the task it belongs to and its name. */
export interface ExecutionRef {
  readonly project: string;
  readonly task: string;
  /** The execution's name (the last part of its ARN). */
  readonly name: string;
}

/** The API path of an execution: /projects/<project>/tasks/<task>/executions/<name>. */
export function executionPath(ref: ExecutionRef): string {
  return `/projects/${encodeURIComponent(ref.project)}/tasks/${encodeURIComponent(ref.task)}/executions/${encodeURIComponent(ref.name)}`;
}

/**
 * The ARN of an execution of the task's state machine; NotFound for a name Step Functions could not have given
 * to an execution Mastermind started (so it cannot point anywhere else either).
 */
export function executionArnOf(deps: ServiceDeps, ref: ExecutionRef): string {
  if (!NAME.test(ref.name)) throw notFound(`Task ${ref.project}/${ref.task} has no execution ${ref.name}.`);
  const machine = stateMachineArn(deps.config, stateMachineName(deps.config.stateMachinePrefix, ref.project, ref.task));
  return executionArnFor(machine, ref.name);
}

export interface Started {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly executionArn: string;
  readonly name: string;
  /** Where the execution's routes are (GET it, POST .../stop, POST .../redrive). */
  readonly path: string;
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
  const base = { project: head.project, task: head.task, version: head.version, name, path: executionPath({ project: head.project, task: head.task, name }) };
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
  readonly path: string;
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
    path: executionPath({ project, task, name: e.name! }),
    status: e.status!,
    startDate: e.startDate!.toISOString(),
    ...(e.stopDate ? { stopDate: e.stopDate.toISOString() } : {}),
    ...(e.stateMachineVersionArn ? { stateMachineVersionArn: e.stateMachineVersionArn } : {}),
  }));
  return result.nextToken ? { items, next: result.nextToken } : { items };
}

/** Runs a Step Functions call on one execution, its errors as the service's (NotFound, Conflict, UpstreamFailure). */
export async function execution<T>(step: string, ref: ExecutionRef, call: () => Promise<T>): Promise<T> {
  const id = `${ref.project}/${ref.task}/${ref.name}`;
  try {
    return await call();
  } catch (error) {
    const name = errorName(error);
    if (name === 'ExecutionDoesNotExist' || name === 'InvalidArn') throw notFound(`Task ${ref.project}/${ref.task} has no execution ${ref.name}.`);
    if (name === 'ExecutionNotRedrivable') throw new ServiceError('Conflict', `Execution ${id} cannot be redriven: ${(error as Error).message}`);
    if (name === 'ExecutionLimitExceeded') throw new ServiceError('Conflict', `Execution ${id} cannot be redriven now: ${(error as Error).message}`);
    throw upstream(step, error);
  }
}

/**
 * What GET /projects/{project}/tasks/{task}/executions/{execution} answers, and what `mastermind status`, `history` and
 * `watch` show: the execution as Step Functions describes it, and per henchman every move it made, read from the
 * history (./history.ts: {@link HenchmanSummary}, MoveSummary, ItemSummary, MoveStatus). The same on AWS and in
 * local mode:
 *
 *   { executionArn, name, path, project, task, version?, status, startDate, stopDate?, input?, output?, error?, cause?,
 *     redriveCount?, redriveStatus?, consoleUrl, historyTruncated,
 *     henchmen: [{ henchman, status, moves: [{ state, phase, action?, attempts, rounds?, waitingFor?, pollAfter?,
 *                                             start, end?, status, input?, output?, error?: { error, cause? },
 *                                             items?: [{ index, item?, host?, attempts, rounds?, waitingFor?,
 *                                                        pollAfter?, start, end?, status, input?, output?, error? }] }] }] }
 *
 * status of a move or item: running | waiting | succeeded | failed | fired | stopped. input: what its provider was
 * handed, a secret as its reference text `${secret:/name}` (never its value).
 */
export interface ExecutionView {
  readonly executionArn: string;
  readonly name: string;
  readonly path: string;
  readonly project: string;
  readonly task: string;
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
  /**
   * A task played as a chain of executions (lambdas/task/compiler/handover.ts): this execution played its part and
   * handed over to the next one (its status is SUCCEEDED; the task goes on there). `handedOverFrom`: the one before.
   */
  readonly handedOverTo?: ChainLink;
  readonly handedOverFrom?: ChainLink;
  /**
   * The view was too large for one answer (a Lambda answers at most 6 MB): the moves' inputs, then their outputs,
   * were left out to fit (the Step Functions console still shows them, event by event).
   */
  readonly leftOut?: ('input' | 'output')[];
}

/** The most bytes of JSON an execution view may have: under Lambda's 6 MB response, with room for the API's envelope. */
export const MAX_VIEW_BYTES = 5 * 1024 * 1024;

/**
 * The view, small enough to be answered: as it is when it fits; else without the moves' (and items') inputs; else
 * without their outputs too. What was left out is said in `leftOut`.
 */
export function fitView(view: ExecutionView, limit = MAX_VIEW_BYTES): ExecutionView {
  const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
  if (bytes(view) <= limit) return view;
  let fitted = view;
  const leftOut: ('input' | 'output')[] = [];
  for (const field of ['input', 'output'] as const) {
    const drop = <T extends object>(o: T): T => {
      const { [field]: _, ...rest } = o as T & Record<string, unknown>;
      return rest as T;
    };
    fitted = {
      ...fitted,
      henchmen: fitted.henchmen.map((h) => ({ ...h, moves: h.moves.map((m) => ({ ...drop(m), ...(m.items ? { items: m.items.map(drop) } : {}) })) })),
    };
    leftOut.push(field);
    if (bytes({ ...fitted, leftOut }) <= limit) break;
  }
  return { ...fitted, leftOut };
}

/** Another execution of the same chain. */
export interface ChainLink {
  readonly executionArn: string;
  readonly name: string;
  readonly path: string;
}

function chainLink(ref: ExecutionRef, executionArn: string): ChainLink {
  const name = executionArn.split(':').pop()!;
  return { executionArn, name, path: executionPath({ project: ref.project, task: ref.task, name }) };
}

/** The execution a handed-over execution's input names (resume.of, with the walk it goes on with). */
function handedOverFrom(input: unknown): string | undefined {
  const resume = (input as { resume?: { of?: unknown; walk?: unknown } } | undefined)?.resume;
  return resume && typeof resume.of === 'string' && resume.walk !== undefined ? resume.of : undefined;
}

/** At most this many history pages (1000 events each) are read for a summary. */
const MAX_HISTORY_PAGES = 5;

export async function describeExecution(deps: ServiceDeps, ref: ExecutionRef): Promise<ExecutionView> {
  const executionArn = executionArnOf(deps, ref);
  const described = await execution('describe the execution', ref, () => deps.sfn.send(new DescribeExecutionCommand({ executionArn })));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await execution('read the execution history', ref, () =>
      deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) })),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken && pages < MAX_HISTORY_PAGES);

  const { version } = executionContext(events);
  const unmet = unmetExpects(events);
  const explain = unmet.length > 0 && version !== undefined ? await expectExplainer(deps, ref, version) : undefined;
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
    name: ref.name,
    path: executionPath(ref),
    project: ref.project,
    task: ref.task,
    ...(version !== undefined ? { version } : {}),
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
    henchmen: summarizeHistory(events, explain ? { explain } : {}),
    historyTruncated: nextToken !== undefined,
  };
  const to = handedOverBy(ref, described);
  const from = handedOverFrom(view.input);
  return fitView({ ...view, ...(to ? { handedOverTo: to } : {}), ...(from ? { handedOverFrom: chainLink(ref, from) } : {}) });
}

/**
 * Says which conditions of a henchman's expect an output did not meet, from the task version the execution ran (its
 * source in the store); undefined when that version cannot be read (the task was deleted), and the summary then shows
 * the output seen.
 */
async function expectExplainer(deps: ServiceDeps, ref: ExecutionRef, version: number): Promise<ExpectExplainer | undefined> {
  let source: { source: string; format: 'yaml' | 'json' } | undefined;
  try {
    source = await getVersion(deps.store, ref.project, ref.task, version);
  } catch (error) {
    deps.log.warn('the task version of an execution could not be read', { project: ref.project, task: ref.task, version, reason: (error as Error).message });
    return undefined;
  }
  if (!source) return undefined;
  const plot = (parseTask(source.source, { format: source.format }).value as { plot?: unknown } | undefined)?.plot;
  const expects = new Map<string, Expect>();
  for (const h of Array.isArray(plot) ? plot : []) {
    const henchman = h as { name?: unknown; expect?: unknown };
    if (typeof henchman?.name === 'string' && henchman.expect !== undefined) expects.set(henchman.name, henchman.expect as Expect);
  }
  return (henchman, output) => {
    const expect = expects.get(henchman);
    const unmet = expect === undefined ? [] : unmetConditions(expect, output);
    return unmet.length > 0 ? unmet.join('; ') : undefined;
  };
}

/**
 * The execution a SUCCEEDED execution handed over to (a task played as a chain of executions: its output is the
 * "task: hand over" state's `{ executionArn, startDate }`), as a link; undefined for any other execution.
 */
export function handedOverBy(ref: ExecutionRef, described: { status?: string; output?: string }): ChainLink | undefined {
  if (described.status !== 'SUCCEEDED' || described.output === undefined) return undefined;
  let output: unknown;
  try {
    output = JSON.parse(described.output);
  } catch {
    return undefined;
  }
  const o = output as { executionArn?: unknown; startDate?: unknown } | null;
  if (!o || typeof o !== 'object' || Object.keys(o).length !== 2 || typeof o.executionArn !== 'string' || o.startDate === undefined) return undefined;
  return chainLink(ref, o.executionArn);
}

/** " It handed over to <path>, where the task goes on: <what> that one." for an execution of a chain, else "". */
export function chainAdvice(ref: ExecutionRef, described: { status?: string; output?: string }, what: string): string {
  const next = handedOverBy(ref, described);
  return next ? ` It handed over to ${ref.project}/${ref.task}/${next.name}, where the task goes on: ${what} that one.` : '';
}

/** What a stop says it did: the hard stop undoes nothing. */
export const STOP_MESSAGE = 'Stopped at once: the move under way was cut short and nothing is undone (no rollback runs). To end an execution through its abort route, rollback included, cancel it instead.';

export async function stopExecution(
  deps: ServiceDeps,
  ref: ExecutionRef,
  reason?: string,
): Promise<{ executionArn: string; path: string; stopDate: string; message: string }> {
  const executionArn = executionArnOf(deps, ref);
  // Step Functions answers a stop of an execution that has ended with its end time, as if it had stopped it.
  const described = await execution('describe the execution', ref, () => deps.sfn.send(new DescribeExecutionCommand({ executionArn })));
  if (described.status !== 'RUNNING') {
    const ended = described.stopDate ? ` at ${described.stopDate.toISOString()}` : '';
    throw new ServiceError('Conflict', `Execution ${ref.project}/${ref.task}/${ref.name} had already ended (${described.status}${ended}): nothing was stopped.${chainAdvice(ref, described, 'stop')}`, [
      { place: 'execution', message: `its status is ${described.status}` },
    ]);
  }
  const result = await execution('stop the execution', ref, () =>
    deps.sfn.send(
      new StopExecutionCommand({
        executionArn,
        error: 'Mastermind.Stopped',
        cause: (reason ?? 'Stopped through the Mastermind API.').slice(0, 32768),
      }),
    ),
  );
  return { executionArn, path: executionPath(ref), stopDate: (result.stopDate ?? deps.now()).toISOString(), message: STOP_MESSAGE };
}

export async function redriveExecution(
  deps: ServiceDeps,
  ref: ExecutionRef,
): Promise<{ executionArn: string; path: string; redriveDate: string; consoleUrl: string }> {
  const executionArn = executionArnOf(deps, ref);
  const result = await execution('redrive the execution', ref, () => deps.sfn.send(new RedriveExecutionCommand({ executionArn })));
  return { executionArn, path: executionPath(ref), redriveDate: (result.redriveDate ?? deps.now()).toISOString(), consoleUrl: consoleUrl(executionArn) };
}

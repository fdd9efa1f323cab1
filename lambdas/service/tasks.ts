/**
 * Tasks: save (compile → store an immutable version → validate and publish its state machine version →
 * move the head), read, list, validate without storing, and delete.
 *
 * What is in force is the task's head. It moves last, only from the version the writer read, so a save that
 * fails at any step, or loses a race, leaves the previous version in force. Every save then puts the head's
 * definition back as the state machine's current one (what a start from the AWS console runs), and a save
 * that wins prunes published state machine versions 50 or more behind its own; the store keeps every version.
 * A save whose task does not allow a hook (no `triggers.hook: true`) revokes its hook token for good.
 *
 * A save that would store what is in force already (the same source, compiled under the same settings to the same
 * definition) stores nothing and answers the version in force, `unchanged: true`. A project settings change
 * ({@link refreshTask}) saves each task's source again: its definition changed, so a new version is published,
 * recorded with its cause.
 */
import type { ProjectSettings } from '#task/catalog';
import type { TaskError } from '#task/errors';
import type { Task } from '#task/schema';
import { compile } from './compile.ts';
import type { ServiceDeps } from './deps.ts';
import { notFound, ServiceError, VersionConflictError } from './errors.ts';
import type { ErrorDetail } from './errors.ts';
import { readProject } from './projects.ts';
import {
  addAlarmEntries,
  allocateVersion,
  deleteHead,
  deleteHookToken,
  deletePendingVersion,
  deleteTaskVersions,
  getTask,
  getVersion,
  listTasks,
  listVersions,
  markVersionPublished,
  moveHead,
  putVersion,
  removeAlarmEntries,
  readTask,
} from './store.ts';
import type { Page, PageOptions, SourceFormat, TaskRecord, VersionRecord, VersionSummary } from './store.ts';
import {
  currentDefinition,
  deleteStateMachine,
  listStateMachineVersions,
  deleteStateMachineVersion,
  publishStateMachine,
  pruneStateMachineVersions,
  restoreDefinition,
  stateMachineArn,
  stateMachineName,
  tagVersion,
  validateDefinition,
} from './state-machines.ts';

/** The largest task source accepted, in bytes. */
export const MAX_SOURCE_BYTES = 128 * 1024;

export interface SaveRequest {
  readonly project: string;
  readonly task: string;
  readonly source: string;
  readonly format?: SourceFormat;
  /** The version the writer read (If-Match); '*' means "the task must exist". */
  readonly ifMatch?: number | '*';
  readonly who: string;
  /** Why the version was made when a person did not save it (e.g. "project settings changed"). */
  readonly cause?: string;
}

export interface Saved {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly previousVersion?: number;
  readonly created: boolean;
  readonly stateMachineArn: string;
  readonly stateMachineVersionArn: string;
  /** The source was saved before and compiles as it did: nothing new was stored, `version` is the one in force. */
  readonly unchanged?: true;
}

function taskErrorDetails(errors: readonly TaskError[]): ErrorDetail[] {
  return errors.map((e) => ({
    place: e.place,
    code: e.code,
    message: e.message,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
  }));
}

function checkSize(source: string): void {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_SOURCE_BYTES) {
    throw new ServiceError('PayloadTooLarge', `The task source is ${bytes} bytes; at most ${MAX_SOURCE_BYTES} are accepted.`);
  }
}

function detectFormat(source: string, format: SourceFormat | undefined): SourceFormat {
  return format ?? (source.trimStart().startsWith('{') ? 'json' : 'yaml');
}

/** The task's own names must agree with the URL it is saved under. */
function namesAgree(task: Task, project: string, name: string): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  if (task.task !== name) problems.push({ place: 'task', code: 'name-mismatch', message: `the task is named ${task.task} but is saved as ${name}` });
  if (task.project !== undefined && task.project !== project) {
    problems.push({ place: 'project', code: 'name-mismatch', message: `the task names project ${task.project} but is saved in project ${project}` });
  }
  return problems;
}

interface Checked {
  readonly task: Task;
  readonly definition: object;
}

async function compileFor(
  deps: ServiceDeps,
  request: Pick<SaveRequest, 'project' | 'task' | 'source' | 'format'>,
  version?: number,
  settings?: ProjectSettings,
): Promise<Checked> {
  checkSize(request.source);
  const compiled = await compile({
    source: request.source,
    ...(request.format ? { format: request.format } : {}),
    project: request.project,
    settings: settings ?? (await readProject(deps.store, request.project)).settings,
    providers: deps.config.providers,
    secrets: deps.config.secrets,
    ...(version !== undefined ? { version } : {}),
  });
  if (!('task' in compiled)) throw new ServiceError('InvalidTask', 'The task is not valid; nothing was saved.', taskErrorDetails(compiled.errors));
  const mismatch = namesAgree(compiled.task, request.project, request.task);
  if (mismatch.length > 0) throw new ServiceError('InvalidTask', 'The task is not valid; nothing was saved.', mismatch);
  return compiled;
}

/** Checks and compiles a task without storing anything. */
export async function validateTask(
  deps: ServiceDeps,
  request: Pick<SaveRequest, 'project' | 'task' | 'source' | 'format'>,
): Promise<{ task: Task; definition: object }> {
  const { task, definition } = await compileFor(deps, request);
  return { task, definition };
}

function checkIfMatch(head: TaskRecord | undefined, ifMatch: SaveRequest['ifMatch'], project: string, task: string): void {
  if (ifMatch === undefined) return;
  if (head === undefined) {
    throw new VersionConflictError(undefined, `Task ${project}/${task} does not exist, so it cannot be at version ${ifMatch}.`);
  }
  if (ifMatch !== '*' && head.version !== ifMatch) {
    throw new VersionConflictError(head.version, `Task ${project}/${task} is at version ${head.version}, not ${ifMatch}.`);
  }
}

export async function saveTask(deps: ServiceDeps, request: SaveRequest): Promise<Saved> {
  const { store, sfn, config } = deps;
  const { project, task: name } = request;
  const format = detectFormat(request.source, request.format);
  await compileFor(deps, { ...request, format });

  const head = await getTask(store, project, name);
  checkIfMatch(head, request.ifMatch, project, name);
  const inForce = head ? await unchangedSave(deps, { ...request, format }, head) : undefined;
  if (inForce) return inForce;

  const version = await allocateVersion(store, project, name);
  const { task, definition } = await compileFor(deps, { ...request, format }, version);
  const definitionText = JSON.stringify(definition);

  const now = deps.now().toISOString();
  const record: VersionRecord = {
    project,
    task: name,
    version,
    source: request.source,
    format,
    definition: definitionText,
    createdAt: now,
    createdBy: request.who,
    ...(request.cause !== undefined ? { cause: request.cause } : {}),
    status: 'pending',
  };
  // The store compresses the definition, and refuses (413, naming DynamoDB's item limit) what still does not fit.
  await putVersion(store, record);

  const publish = { project, task: name, version, definition: definitionText };
  const machineArn = stateMachineArn(config, stateMachineName(config.stateMachinePrefix, project, name));
  let published;
  let publishing = false;
  try {
    await validateDefinition(sfn, definitionText);
    publishing = true;
    published = await publishStateMachine(sfn, config, publish);
  } catch (error) {
    // Rejected, or Step Functions failed part-way: the definition may have changed without a version.
    const cleanup = await Promise.allSettled([
      deletePendingVersion(store, project, name, version),
      publishing ? settleStateMachine(deps, project, name, machineArn) : Promise.resolve(),
    ]);
    logRejections(deps, 'cleanup after a failed save', cleanup);
    throw error;
  }

  const alarms = [...new Set(task.triggers?.alarms ?? [])];
  let moved: TaskRecord;
  try {
    await addAlarmEntries(store, project, name, alarms, version);
    moved = await moveHead(
      store,
      {
        project,
        task: name,
        version,
        description: task.description,
        stateMachineArn: published.stateMachineArn,
        stateMachineVersionArn: published.stateMachineVersionArn,
        params: task.params ?? {},
        alarms,
        whenRunning: task.triggers?.whenRunning ?? 'skip',
        hook: task.triggers?.hook === true,
        updatedAt: now,
        updatedBy: request.who,
      },
      head?.version,
    );
  } catch (error) {
    // Lost the race (or the store failed): this version never comes into force.
    const cleanup = await Promise.allSettled([
      deletePendingVersion(store, project, name, version),
      deleteStateMachineVersion(sfn, published.stateMachineVersionArn),
      removeAlarmEntries(store, project, name, alarms.filter((a) => !head?.alarms.includes(a)), version),
      settleStateMachine(deps, project, name, published.stateMachineArn, undefined, published.stateMachineVersionArn),
    ]);
    logRejections(deps, 'cleanup after a lost save', cleanup);
    throw error;
  }

  const followUps = await Promise.allSettled([
    markVersionPublished(store, project, name, version, published.stateMachineVersionArn),
    removeAlarmEntries(store, project, name, (head?.alarms ?? []).filter((a) => !alarms.includes(a)), version),
    tagVersion(sfn, published.stateMachineArn, publish),
    settleStateMachine(deps, project, name, published.stateMachineArn, { version, definition: definitionText }),
    pruneStateMachineVersions(sfn, published.stateMachineArn, published.stateMachineVersionArn),
    // A save without the hook trigger revoked the token (moveHead dropped its hash): its item goes too.
    !moved.hook && head?.hookHash ? deleteHookToken(store, head.hookHash) : Promise.resolve(),
  ]);
  logRejections(deps, 'follow-up after a save', followUps);

  return {
    project,
    task: name,
    version,
    ...(head ? { previousVersion: head.version } : {}),
    created: head === undefined,
    stateMachineArn: moved.stateMachineArn,
    stateMachineVersionArn: moved.stateMachineVersionArn,
  };
}

/**
 * The answer of a save that would store what is in force already: the same source and format, compiled (under the
 * project's settings and the service's provider ARNs as they are now) to the same definition; else undefined.
 */
async function unchangedSave(deps: ServiceDeps, request: SaveRequest & { format: SourceFormat }, head: TaskRecord): Promise<Saved | undefined> {
  const current = await getVersion(deps.store, request.project, request.task, head.version);
  if (!current || current.source !== request.source || current.format !== request.format) return undefined;
  const { definition } = await compileFor(deps, request, head.version);
  if (JSON.stringify(definition) !== current.definition) return undefined;
  return {
    project: head.project,
    task: head.task,
    version: head.version,
    created: false,
    unchanged: true,
    stateMachineArn: head.stateMachineArn,
    stateMachineVersionArn: head.stateMachineVersionArn,
  };
}

/** What a project settings change did to one of its tasks. */
export type Refreshed =
  | { readonly task: string; readonly version: number; readonly previousVersion: number }
  | { readonly task: string; readonly version: number; readonly unchanged: true }
  | { readonly task: string; readonly deleted: true }
  | { readonly task: string; readonly version: number; readonly error: { readonly code: string; readonly message: string } };

/** Saves a task lost to a concurrent save are tried again this many times. */
const REFRESH_ROUNDS = 3;

/**
 * Brings a task up to date with its project's settings as stored now: its source in force saved again (If-Match
 * the version read), so a new version is published when its definition changed, recorded with `cause`. A
 * concurrent save that wins is read again and refreshed in turn. A failure leaves the version in force.
 */
export async function refreshTask(deps: ServiceDeps, project: string, task: string, who: string, cause: string): Promise<Refreshed> {
  let head: TaskRecord | undefined;
  for (let round = 0; ; round++) {
    head = await getTask(deps.store, project, task);
    if (!head) return { task, deleted: true };
    try {
      const current = await getVersion(deps.store, project, task, head.version);
      if (!current) throw new Error(`Task ${project}/${task} names version ${head.version}, which is not stored`);
      const saved = await saveTask(deps, { project, task, source: current.source, format: current.format, ifMatch: head.version, who, cause });
      return saved.unchanged ? { task, version: saved.version, unchanged: true } : { task, version: saved.version, previousVersion: head.version };
    } catch (error) {
      if (error instanceof VersionConflictError && round + 1 < REFRESH_ROUNDS) continue;
      const code = error instanceof ServiceError ? error.code : 'InternalError';
      deps.log.warn('a task was not brought up to date with its project settings', { project, task, error: { name: (error as Error)?.name, message: (error as Error)?.message } });
      const details = error instanceof ServiceError ? error.details.map((d) => ` ${d.place ? `${d.place}: ` : ''}${d.message}`).join(';') : '';
      return { task, version: (await getTask(deps.store, project, task))?.version ?? head.version, error: { code, message: `${(error as Error).message}${details}` } };
    }
  }
}

/**
 * Every problem each task of the project would have under `settings`, its place prefixed with the task's
 * (`tasks.deploy.plot[0].with.user`): a settings change that would leave a task invalid is refused whole.
 */
export async function problemsUnderSettings(deps: ServiceDeps, project: string, settings: ProjectSettings): Promise<ErrorDetail[]> {
  const problems: ErrorDetail[] = [];
  for (const head of await allTasks(deps, project)) {
    const current = await getVersion(deps.store, project, head.task, head.version);
    if (!current) continue;
    try {
      await compileFor(deps, { project, task: head.task, source: current.source, format: current.format }, head.version, settings);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      const details = error.details.length > 0 ? error.details : [{ place: '', message: error.message }];
      for (const d of details) problems.push({ ...d, place: `tasks.${head.task}${d.place ? `.${d.place}` : ''}` });
    }
  }
  return problems;
}

/** Every task of a project, every page read. */
export async function allTasks(deps: ServiceDeps, project: string): Promise<TaskRecord[]> {
  const tasks: TaskRecord[] = [];
  let next: string | undefined;
  do {
    const page = await listTasks(deps.store, project, { limit: 100, ...(next ? { next } : {}) });
    tasks.push(...page.items);
    next = page.next;
  } while (next);
  return tasks;
}

/** Rounds of {@link settleStateMachine} before it gives up on a head that keeps moving. */
const MAX_SETTLE_ROUNDS = 5;

/**
 * Makes the state machine's own current definition (what a start from the AWS console runs) the one of the
 * version in force; with no head (the task was never saved, or was deleted meanwhile) the state machine
 * goes, unless a version other than this save's own was published to it (another first save is winning). Every save that changed the definition ends here, winner and loser alike: read the head, put its
 * definition in place if another is there, read the head again, and go round once more if it moved. So
 * the last save to write a definition wrote the head's, and once every save has ended they agree.
 */
async function settleStateMachine(
  deps: ServiceDeps,
  project: string,
  task: string,
  arn: string,
  known?: { version: number; definition: string },
  ownVersionArn?: string,
): Promise<void> {
  for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
    const head = await getTask(deps.store, project, task);
    if (!head) {
      // A first save that failed: its state machine goes, unless another save has published to it meanwhile
      // (that save is about to put its head in place, and its executions will run there).
      const others = (await listStateMachineVersions(deps.sfn, arn)).filter((v) => v.arn !== ownVersionArn);
      if (others.length === 0) await deleteStateMachine(deps.sfn, arn);
      return;
    }
    const definition = head.version === known?.version ? known.definition : (await getVersion(deps.store, project, task, head.version))?.definition;
    if (definition === undefined) throw new Error(`Task ${project}/${task} names version ${head.version}, which is not stored`);
    if ((await currentDefinition(deps.sfn, arn)) !== definition) await restoreDefinition(deps.sfn, arn, definition);
    if ((await getTask(deps.store, project, task))?.version === head.version) return;
  }
  throw new Error(`The head of task ${project}/${task} kept moving; its state machine's definition was left as it was`);
}

function logRejections(deps: ServiceDeps, what: string, results: PromiseSettledResult<unknown>[]): void {
  for (const result of results) {
    if (result.status === 'rejected') {
      const error = result.reason as Error;
      deps.log.warn(`${what} did not complete`, { error: { name: error?.name, message: error?.message } });
    }
  }
}

export interface TaskView {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  /** The version in force. */
  readonly currentVersion: number;
  readonly format: SourceFormat;
  readonly source: string;
  readonly definition: object;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Why the version was made, when a person did not save it ("project settings changed"). */
  readonly cause?: string;
  readonly stateMachineArn: string;
  readonly stateMachineVersionArn?: string;
  readonly hook: boolean;
  readonly hookActive: boolean;
  readonly alarms: readonly string[];
}

/** A task at its current version, or at an earlier one that was in force. */
export async function getTaskVersion(deps: ServiceDeps, project: string, task: string, version?: number): Promise<TaskView> {
  const head = await readTask(deps, project, task);
  const wanted = version ?? head.version;
  const record = await getVersion(deps.store, project, task, wanted);
  if (!record || (record.status !== 'published' && wanted !== head.version)) {
    throw notFound(`Task ${project}/${task} has no version ${wanted}.`);
  }
  const versionArn = wanted === head.version ? head.stateMachineVersionArn : record.stateMachineVersionArn;
  return {
    project,
    task,
    version: wanted,
    currentVersion: head.version,
    format: record.format,
    source: record.source,
    definition: JSON.parse(record.definition) as object,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
    stateMachineArn: head.stateMachineArn,
    ...(versionArn ? { stateMachineVersionArn: versionArn } : {}),
    hook: head.hook,
    hookActive: head.hook && head.hookHash !== undefined,
    alarms: head.alarms,
  };
}

export interface TaskSummary {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly description?: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly alarms: readonly string[];
  readonly hook: boolean;
}

export async function listProjectTasks(deps: ServiceDeps, project: string, options: PageOptions = {}): Promise<Page<TaskSummary>> {
  await readProject(deps.store, project);
  const page = await listTasks(deps.store, project, options);
  return {
    ...page,
    items: page.items.map((t) => ({
      project: t.project,
      task: t.task,
      version: t.version,
      ...(t.description !== undefined ? { description: t.description } : {}),
      updatedAt: t.updatedAt,
      updatedBy: t.updatedBy,
      alarms: t.alarms,
      hook: t.hook,
    })),
  };
}

export async function listTaskVersions(deps: ServiceDeps, project: string, task: string, options: PageOptions = {}): Promise<Page<VersionSummary>> {
  const head = await readTask(deps, project, task);
  return listVersions(deps.store, project, task, head.version, options);
}

/**
 * Deletes a task: its head first (from then on nothing starts it), then its state machine, its versions,
 * its alarm entries and its hook token.
 */
export async function deleteTask(
  deps: ServiceDeps,
  project: string,
  task: string,
  ifMatch?: number | '*',
): Promise<{ project: string; task: string; version: number }> {
  const head = await readTask(deps, project, task);
  checkIfMatch(head, ifMatch, project, task);
  await deleteHead(deps.store, project, task, head.version);
  const cleanup = await Promise.allSettled([
    deleteTaskVersions(deps.store, project, task),
    removeAlarmEntries(deps.store, project, task, head.alarms, head.version),
    head.hookHash ? deleteHookToken(deps.store, head.hookHash) : Promise.resolve(),
  ]);
  logRejections(deps, 'cleanup after a delete', cleanup);
  try {
    await deleteStateMachine(deps.sfn, head.stateMachineArn);
  } catch (error) {
    const cause = (error as Error).message;
    throw new ServiceError(
      'UpstreamFailure',
      `Task ${project}/${task} is deleted, but its state machine ${head.stateMachineArn} is not: ${cause} Saving the task again reuses it.`,
      [],
      { cause: error },
    );
  }
  return { project, task, version: head.version };
}

/**
 * The store: one DynamoDB table holding projects, tasks, every version of every task, the alarm index and
 * the hook tokens. Every write is a single conditional item operation (no transactions: dynalite has none).
 *
 * | item            | pk                    | sk                  |
 * | --------------- | --------------------- | ------------------- |
 * | project         | PROJECT#<project>     | PROJECT             |
 * | project index   | PROJECTS              | PROJECT#<project>   |
 * | task (its head) | PROJECT#<project>     | TASK#<task>         |
 * | version counter | TASK#<project>#<task> | COUNTER             |
 * | task version    | TASK#<project>#<task> | VERSION#<0000000001>|
 * | alarm index     | ALARM#<alarm name>    | TASK#<project>#<task> |
 * | hook token      | HOOK#<sha256 of token>| HOOK                |
 *
 * A save writes an immutable version item first, then moves the task's head to it only if the head still
 * points at the version the writer read; the head is what is in force.
 *
 * A version item keeps its definition compressed (brotli, `definitionEncoding: 'br'`), so that any definition Step
 * Functions takes (1 MB) fits in DynamoDB's 400 KB item: JSON of a compiled plot shrinks some 70-fold. Items
 * written before that hold the definition as text and no encoding; both read through {@link getVersion}.
 */
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProjectSettings } from '#task/catalog';
import type { Param } from '#task/schema';
import { badRequest, notFound, ServiceError, VersionConflictError } from './errors.ts';

export interface Store {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
}

/** The table's keys, for the CDK stack, local mode and tests. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export interface ProjectRecord {
  readonly project: string;
  readonly settings: ProjectSettings;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** A task's head: the version in force and what triggers and executions need without reading the version. */
export interface TaskRecord {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  readonly description?: string;
  readonly stateMachineArn: string;
  /** The published state machine version of `version`: executions start on it. */
  readonly stateMachineVersionArn: string;
  readonly params: Readonly<Record<string, Param>>;
  readonly alarms: readonly string[];
  readonly whenRunning: 'skip' | 'allow';
  /** The task allows a hook (triggers.hook). */
  readonly hook: boolean;
  /** sha256 (hex) of the current hook token, when one has been created. */
  readonly hookHash?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export type SourceFormat = 'yaml' | 'json';

export interface VersionRecord {
  readonly project: string;
  readonly task: string;
  readonly version: number;
  /** The source as written. */
  readonly source: string;
  readonly format: SourceFormat;
  /** The compiled Amazon States Language definition, as JSON text. */
  readonly definition: string;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Why the version was made when a person did not save it ("project settings changed"). */
  readonly cause?: string;
  /** pending until the head has moved to it; a pending version that is not the head was never in force. */
  readonly status: 'pending' | 'published';
  readonly stateMachineVersionArn?: string;
}

export type VersionSummary = Omit<VersionRecord, 'source' | 'definition'>;

export interface Page<T> {
  readonly items: T[];
  /** Pass back as `next` for the following page; absent on the last page. */
  readonly next?: string;
}

export interface PageOptions {
  readonly limit?: number;
  readonly next?: string;
}

/** The largest item DynamoDB stores: 400 KB, names and values together (DynamoDB developer guide, "Item size"). */
export const MAX_ITEM_BYTES = 400 * 1024;

/** What {@link markVersionPublished} adds to a version item later (its status and a state machine version ARN). */
const PUBLISH_ROOM = 1024;

const projectKey = (project: string) => ({ pk: `PROJECT#${project}`, sk: 'PROJECT' });
const PROJECT_INDEX = 'PROJECTS';
const projectIndexKey = (project: string) => ({ pk: PROJECT_INDEX, sk: `PROJECT#${project}` });
const taskKey = (project: string, task: string) => ({ pk: `PROJECT#${project}`, sk: `TASK#${task}` });
const versionsPk = (project: string, task: string) => `TASK#${project}#${task}`;
const versionSk = (version: number) => `VERSION#${String(version).padStart(10, '0')}`;
const counterKey = (project: string, task: string) => ({ pk: versionsPk(project, task), sk: 'COUNTER' });
const alarmKey = (alarmName: string, project: string, task: string) => ({
  pk: `ALARM#${alarmName}`,
  sk: `TASK#${project}#${task}`,
});
const hookKey = (hash: string) => ({ pk: `HOOK#${hash}`, sk: 'HOOK' });

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}

function encodeNext(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * A page token back into the key it was made from. It must name this list's partition and an item of the
 * listing (its sort key starts with `prefix`): DynamoDB refuses a start key outside the query's key condition.
 */
function decodeNext(next: string | undefined, pk: string, prefix: string): Record<string, unknown> | undefined {
  if (next === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as unknown;
    const sk = typeof key === 'object' && key !== null ? (key as { sk?: unknown }).sk : undefined;
    if (typeof sk === 'string' && sk.startsWith(prefix) && (key as { pk?: unknown }).pk === pk) {
      return { pk, sk };
    }
  } catch {
    // falls through to the error below
  }
  throw badRequest('The page token is not one this list handed out.', [{ place: 'next', message: 'not a page token of this list' }]);
}

function pageLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 50, 1), 100);
}

// ---------------------------------------------------------------- projects

export async function getProject(store: Store, project: string): Promise<ProjectRecord | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.table, Key: projectKey(project), ConsistentRead: true }));
  return strip<ProjectRecord>(Item);
}

/** Creates or replaces a project's settings; says whether it created the project. */
export async function putProject(
  store: Store,
  project: string,
  settings: ProjectSettings,
  who: string,
  now = new Date().toISOString(),
): Promise<{ record: ProjectRecord; created: boolean }> {
  const { Attributes } = await store.doc.send(
    new UpdateCommand({
      TableName: store.table,
      Key: projectKey(project),
      UpdateExpression: 'SET #project = :project, #settings = :settings, #updatedAt = :now, #updatedBy = :who, #createdAt = if_not_exists(#createdAt, :now)',
      ExpressionAttributeNames: {
        '#project': 'project',
        '#settings': 'settings',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        '#createdAt': 'createdAt',
      },
      ExpressionAttributeValues: { ':project': project, ':settings': settings, ':now': now, ':who': who },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const record = strip<ProjectRecord>(Attributes)!;
  // The index entry lists the project (GET /projects) without a scan of the table; a copy of the record,
  // written after it, so a listed project always exists.
  await store.doc.send(new PutCommand({ TableName: store.table, Item: { ...projectIndexKey(project), ...record } }));
  return { record, created: record.createdAt === now && record.updatedAt === now };
}

/**
 * The projects, by name, from the project index (a project saved before the index existed is listed once its
 * settings are saved again).
 */
export async function listProjects(store: Store, options: PageOptions = {}): Promise<Page<ProjectRecord>> {
  return queryPrefix<ProjectRecord>(store, PROJECT_INDEX, 'PROJECT#', options);
}

// ---------------------------------------------------------------- tasks

export async function getTask(store: Store, project: string, task: string): Promise<TaskRecord | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.table, Key: taskKey(project, task), ConsistentRead: true }));
  return strip<TaskRecord>(Item);
}

export async function listTasks(store: Store, project: string, options: PageOptions = {}): Promise<Page<TaskRecord>> {
  return queryPrefix<TaskRecord>(store, projectKey(project).pk, 'TASK#', options);
}

/** One page of the items under partition `pk` whose sort key begins with `prefix`, in sort key order. */
async function queryPrefix<T>(store: Store, pk: string, prefix: string, options: PageOptions): Promise<Page<T>> {
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      Limit: pageLimit(options.limit),
      ExclusiveStartKey: decodeNext(options.next, pk, prefix),
    }),
  );
  const items = (result.Items ?? []).map((item) => strip<T>(item)!);
  return withNext(items, encodeNext(result.LastEvaluatedKey));
}

function withNext<T>(items: T[], next: string | undefined): Page<T> {
  return next === undefined ? { items } : { items, next };
}

/** Hands out the next version number of a task: unique, increasing, never reused (not even after a delete). */
export async function allocateVersion(store: Store, project: string, task: string): Promise<number> {
  const { Attributes } = await store.doc.send(
    new UpdateCommand({
      TableName: store.table,
      Key: counterKey(project, task),
      UpdateExpression: 'ADD lastVersion :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes!.lastVersion);
}

/**
 * The bytes DynamoDB counts for a flat item: each attribute's name and value (UTF-8 text, binary as is, a number
 * at its most, 21 bytes). Maps and lists are counted as their JSON, which is at least what DynamoDB counts.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name, 'utf8');
    if (typeof value === 'string') bytes += Buffer.byteLength(value, 'utf8');
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else if (typeof value === 'number') bytes += 21;
    else if (typeof value === 'boolean' || value === null) bytes += 1;
    else bytes += Buffer.byteLength(JSON.stringify(value), 'utf8');
  }
  return bytes;
}

/** A definition as the version item keeps it: brotli at quality 9 takes some 15 ms for 1 MB (11 takes a second). */
function encodeDefinition(definition: string): { definition: Uint8Array; definitionEncoding: 'br' } {
  const text = Buffer.from(definition, 'utf8');
  const packed = brotliCompressSync(text, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_SIZE_HINT]: text.byteLength },
  });
  return { definition: new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), definitionEncoding: 'br' };
}

/**
 * The definition text of a stored version item, whichever way it was written: compressed with its encoding
 * named, or as text by a save from before compression. The one way every reader of a version gets its definition.
 */
export function decodeDefinition(item: Record<string, unknown>): string {
  const { definition, definitionEncoding } = item;
  if (definitionEncoding === undefined && typeof definition === 'string') return definition;
  if (definitionEncoding === 'br' && definition instanceof Uint8Array) return brotliDecompressSync(definition).toString('utf8');
  throw new Error(`A stored task version holds its definition in a form this service does not read (encoding ${String(definitionEncoding)})`);
}

/**
 * Writes an immutable version item, its definition compressed; a version number is written once only. An item
 * beyond DynamoDB's limit is refused naming it (413), before DynamoDB is asked.
 */
export async function putVersion(store: Store, record: VersionRecord): Promise<void> {
  const item = { pk: versionsPk(record.project, record.task), sk: versionSk(record.version), ...record, ...encodeDefinition(record.definition) };
  const bytes = itemBytes(item) + PUBLISH_ROOM;
  if (bytes > MAX_ITEM_BYTES) throw versionTooLarge(bytes);
  try {
    await store.doc.send(new PutCommand({ TableName: store.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (error) {
    // Counted above as DynamoDB counts; should it still disagree, the caller learns the same limit.
    if ((error as Error | undefined)?.name === 'ValidationException' && /item size/i.test((error as Error).message)) throw versionTooLarge(bytes);
    throw error;
  }
}

function versionTooLarge(bytes: number): ServiceError {
  return new ServiceError(
    'PayloadTooLarge',
    `The task version would take ${bytes} bytes in the store (its source, its definition compressed, and room for its publication); DynamoDB keeps at most ${MAX_ITEM_BYTES} bytes in one item: make the task's source or its text values shorter.`,
  );
}

export async function getVersion(store: Store, project: string, task: string, version: number): Promise<VersionRecord | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.table, Key: { pk: versionsPk(project, task), sk: versionSk(version) }, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { definitionEncoding: _encoding, ...rest } = strip<Record<string, unknown>>(Item)!;
  return { ...rest, definition: decodeDefinition(Item) } as VersionRecord;
}

/** Marks a version as having been in force, with the state machine version it was published as. */
export async function markVersionPublished(
  store: Store,
  project: string,
  task: string,
  version: number,
  stateMachineVersionArn: string,
): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.table,
      Key: { pk: versionsPk(project, task), sk: versionSk(version) },
      UpdateExpression: 'SET #status = :published, stateMachineVersionArn = :arn',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':published': 'published', ':arn': stateMachineVersionArn },
    }),
  );
}

/** Removes a version that never came into force (its save lost or failed). */
export async function deletePendingVersion(store: Store, project: string, task: string, version: number): Promise<void> {
  try {
    await store.doc.send(
      new DeleteCommand({
        TableName: store.table,
        Key: { pk: versionsPk(project, task), sk: versionSk(version) },
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * The versions that have been in force, newest first, without their source and definition. `head` is the
 * version in force now: it is listed even if its save stopped before marking it published.
 */
export async function listVersions(
  store: Store,
  project: string,
  task: string,
  head: number,
  options: PageOptions = {},
): Promise<Page<VersionSummary>> {
  const pk = versionsPk(project, task);
  const result = await store.doc.send(
    new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :version)',
      FilterExpression: '#status = :published OR #version = :head',
      ProjectionExpression: '#project, #task, #version, #format, createdAt, createdBy, #status, stateMachineVersionArn, #cause',
      ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#project': 'project', '#task': 'task', '#format': 'format', '#cause': 'cause' },
      ExpressionAttributeValues: { ':pk': pk, ':version': 'VERSION#', ':published': 'published', ':head': head },
      ScanIndexForward: false,
      Limit: pageLimit(options.limit),
      ExclusiveStartKey: decodeNext(options.next, pk, 'VERSION#'),
    }),
  );
  const items = (result.Items ?? []).map((item) => strip<VersionSummary>(item)!);
  return withNext(items, encodeNext(result.LastEvaluatedKey));
}

/**
 * Moves a task's head to a new version, only if it still points at `expected` (undefined: the task must not
 * exist yet). A head that allows a hook keeps its hook token, which its own routes change; a head that does not
 * allow one loses it in the same write, for good (turning the hook on again needs a new token). Throws
 * VersionConflictError otherwise.
 */
export async function moveHead(
  store: Store,
  head: Omit<TaskRecord, 'hookHash' | 'createdAt'>,
  expected: number | undefined,
): Promise<TaskRecord> {
  const fields: Record<string, unknown> = {
    project: head.project,
    task: head.task,
    version: head.version,
    description: head.description,
    stateMachineArn: head.stateMachineArn,
    stateMachineVersionArn: head.stateMachineVersionArn,
    params: head.params,
    alarms: head.alarms,
    whenRunning: head.whenRunning,
    hook: head.hook,
    updatedAt: head.updatedAt,
    updatedBy: head.updatedBy,
  };
  const set = Object.entries(fields).filter(([, value]) => value !== undefined);
  const remove = Object.entries(fields).filter(([, value]) => value === undefined);
  if (!head.hook) remove.push(['hookHash', undefined]);
  const names: Record<string, string> = { '#createdAt': 'createdAt', '#version': 'version' };
  const values: Record<string, unknown> = { ':now': head.updatedAt };
  const assignments = set.map(([key, value]) => {
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    return `#${key} = :${key}`;
  });
  for (const [key] of remove) names[`#${key}`] = key;
  let condition = 'attribute_not_exists(pk)';
  if (expected !== undefined) {
    condition = '#version = :expected';
    values[':expected'] = expected;
  }
  try {
    const { Attributes } = await store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: taskKey(head.project, head.task),
        UpdateExpression:
          `SET ${assignments.join(', ')}, #createdAt = if_not_exists(#createdAt, :now)` +
          (remove.length > 0 ? ` REMOVE ${remove.map(([key]) => `#${key}`).join(', ')}` : ''),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip<TaskRecord>(Attributes)!;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getTask(store, head.project, head.task);
    throw new VersionConflictError(
      current?.version,
      current === undefined
        ? `Task ${head.project}/${head.task} was deleted while this save ran.`
        : `Task ${head.project}/${head.task} is at version ${current.version}: another save won. Read it, then save again with If-Match: ${current.version}.`,
    );
  }
}

/** Deletes a task's head (what is in force); its versions are removed by {@link deleteTaskVersions}. */
export async function deleteHead(store: Store, project: string, task: string, expected?: number): Promise<void> {
  try {
    await store.doc.send(
      new DeleteCommand({
        TableName: store.table,
        Key: taskKey(project, task),
        ConditionExpression: expected === undefined ? 'attribute_exists(pk)' : '#version = :expected',
        ...(expected === undefined
          ? {}
          : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } }),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getTask(store, project, task);
    throw new VersionConflictError(
      current?.version,
      current === undefined ? `Task ${project}/${task} does not exist.` : `Task ${project}/${task} is at version ${current.version}, not ${expected}.`,
    );
  }
}

/** Deletes every version item of a task (the counter stays, so numbers are never reused). */
export async function deleteTaskVersions(store: Store, project: string, task: string): Promise<void> {
  const pk = versionsPk(project, task);
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :version)',
        ExpressionAttributeValues: { ':pk': pk, ':version': 'VERSION#' },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }),
    );
    await deleteKeys(store, (page.Items ?? []) as { pk: string; sk: string }[]);
    start = page.LastEvaluatedKey;
  } while (start);
}

async function deleteKeys(store: Store, keys: { pk: string; sk: string }[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let requests: Record<string, unknown>[] = keys.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** round, 1000)));
      if (round > 8) throw new Error('DynamoDB left deletes unprocessed after 8 rounds');
      const result = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.table]: requests } }));
      requests = (result.UnprocessedItems?.[store.table] ?? []) as Record<string, unknown>[];
    }
  }
}

// ---------------------------------------------------------------- alarm index

/**
 * Names a task under each alarm. Entries are written before the head moves and may outlive a lost save:
 * readers check the head ({@link tasksForAlarm} callers), so an extra entry starts nothing.
 */
export async function addAlarmEntries(store: Store, project: string, task: string, alarms: readonly string[], version: number): Promise<void> {
  await Promise.all(
    alarms.map((alarmName) =>
      store.doc.send(
        new PutCommand({
          TableName: store.table,
          Item: { ...alarmKey(alarmName, project, task), alarmName, project, task, addedVersion: version },
        }),
      ),
    ),
  );
}

/**
 * Removes a task's entries under alarms its version `version` no longer names, unless a later save has
 * named them again (its entry carries a higher version).
 */
export async function removeAlarmEntries(store: Store, project: string, task: string, alarms: readonly string[], version: number): Promise<void> {
  await Promise.all(
    alarms.map(async (alarmName) => {
      try {
        await store.doc.send(
          new DeleteCommand({
            TableName: store.table,
            Key: alarmKey(alarmName, project, task),
            ConditionExpression: 'addedVersion <= :version',
            ExpressionAttributeValues: { ':version': version },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }),
  );
}

/** The tasks the index names under an alarm (check each task's head before acting). */
export async function tasksForAlarm(store: Store, alarmName: string): Promise<{ project: string; task: string }[]> {
  const found: { project: string; task: string }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ALARM#${alarmName}` },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) found.push({ project: item.project as string, task: item.task as string });
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

// ---------------------------------------------------------------- hooks

export async function putHookToken(store: Store, hash: string, project: string, task: string, now = new Date().toISOString()): Promise<void> {
  await store.doc.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...hookKey(hash), project, task, createdAt: now },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getHookToken(store: Store, hash: string): Promise<{ project: string; task: string } | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.table, Key: hookKey(hash), ConsistentRead: true }));
  return Item ? { project: Item.project as string, task: Item.task as string } : undefined;
}

export async function deleteHookToken(store: Store, hash: string): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.table, Key: hookKey(hash) }));
}

/**
 * Points a task at a new hook token hash (or none), only if it still has `expected` (undefined: none) and, for a
 * new hash, only if the task still allows a hook. Returns false when the task is gone, its token changed
 * meanwhile, or a save turned its hook off.
 */
export async function swapHookHash(
  store: Store,
  project: string,
  task: string,
  expected: string | undefined,
  next: string | undefined,
): Promise<boolean> {
  const values: Record<string, unknown> = {};
  let condition = 'attribute_exists(pk) AND ';
  if (expected === undefined) condition += 'attribute_not_exists(hookHash)';
  else {
    condition += 'hookHash = :expected';
    values[':expected'] = expected;
  }
  if (next !== undefined) {
    condition += ' AND #hook = :allowed';
    values[':next'] = next;
    values[':allowed'] = true;
  }
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.table,
        Key: taskKey(project, task),
        UpdateExpression: next === undefined ? 'REMOVE hookHash' : 'SET hookHash = :next',
        ConditionExpression: condition,
        ...(next !== undefined ? { ExpressionAttributeNames: { '#hook': 'hook' } } : {}),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The head of a task, or NotFound (404). Here rather than in tasks.ts, so that starting an execution (the trigger
 * Lambda) does not load the compiler. */
export async function readTask(deps: { readonly store: Store }, project: string, task: string): Promise<TaskRecord> {
  const head = await getTask(deps.store, project, task);
  if (!head) throw notFound(`Task ${project}/${task} does not exist.`);
  return head;
}

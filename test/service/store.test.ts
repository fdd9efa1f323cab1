import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addAlarmEntries,
  allocateVersion,
  deleteHead,
  deletePendingVersion,
  deleteTaskVersions,
  getProject,
  getTask,
  getVersion,
  listProjects,
  listTasks,
  listVersions,
  markVersionPublished,
  MAX_ITEM_BYTES,
  moveHead,
  putProject,
  putVersion,
  removeAlarmEntries,
  swapHookHash,
  tasksForAlarm,
} from '#service/store';
import type { Store, TaskRecord, VersionRecord } from '#service/store';
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ServiceError, VersionConflictError } from '#service/errors';
import { taskOfDefinitionBytes } from './fixtures.ts';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';

let dynamo: LocalDynamo;
let store: Store;

beforeAll(async () => {
  dynamo = await startDynalite();
  store = dynamo.store;
});
afterAll(async () => {
  await dynamo.close();
});

const NOW = '2025-01-02T03:04:05.000Z';

function head(project: string, task: string, version: number, alarms: string[] = []): Omit<TaskRecord, 'hookHash' | 'createdAt'> {
  return {
    project,
    task,
    version,
    stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:mastermind-${project}_${task}`,
    stateMachineVersionArn: `arn:aws:states:us-east-1:123456789012:stateMachine:mastermind-${project}_${task}:${version}`,
    params: {},
    alarms,
    whenRunning: 'skip',
    hook: false,
    updatedAt: NOW,
    updatedBy: 'tester',
  };
}

function version(project: string, task: string, number: number, source: string): VersionRecord {
  return {
    project,
    task,
    version: number,
    source,
    format: 'yaml',
    definition: '{"StartAt":"a","States":{"a":{"Type":"Succeed"}}}',
    createdAt: NOW,
    createdBy: 'tester',
    status: 'pending',
  };
}

describe('projects', () => {
  it('creates a project, then replaces its settings, keeping when it was created', async () => {
    // Prepare
    const first = await putProject(store, 'web', { region: 'eu-west-1' }, 'alice', '2025-01-01T00:00:00.000Z');

    // Act
    const second = await putProject(store, 'web', { region: 'us-east-1', keyName: 'ops' }, 'bob', NOW);

    // Assess
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(await getProject(store, 'web')).toStrictEqual({
      project: 'web',
      settings: { region: 'us-east-1', keyName: 'ops' },
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: NOW,
      updatedBy: 'bob',
    });
  });

  it('answers undefined for a project that does not exist', async () => {
    expect(await getProject(store, 'nowhere')).toBeUndefined();
  });

  it('lists every project by name with its latest settings, a page at a time, from its own index', async () => {
    // Prepare: a table of its own, so the list holds only these.
    const own = await startDynalite();
    try {
      await putProject(own.store, 'web', { region: 'eu-west-1' }, 'alice', '2025-01-01T00:00:00.000Z');
      await putProject(own.store, 'api', {}, 'alice', '2025-01-01T00:00:00.000Z');
      await putProject(own.store, 'db', {}, 'alice', '2025-01-01T00:00:00.000Z');
      await putProject(own.store, 'web', { region: 'us-east-1' }, 'bob', NOW);

      // Act
      const first = await listProjects(own.store, { limit: 2 });
      const second = await listProjects(own.store, { limit: 2, next: first.next! });
      const stranger = listProjects(own.store, { next: Buffer.from(JSON.stringify({ pk: 'PROJECT#web', sk: 'PROJECT' })).toString('base64url') });

      // Assess
      expect(first.items.map((p) => p.project)).toStrictEqual(['api', 'db']);
      expect(second.items).toStrictEqual([{ project: 'web', settings: { region: 'us-east-1' }, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: NOW, updatedBy: 'bob' }]);
      expect(second.next).toBeUndefined();
      await expect(stranger).rejects.toMatchObject({ code: 'BadRequest' });
    } finally {
      await own.close();
    }
  });
});

describe('conditional saves', () => {
  it('creates a task head only when none exists', async () => {
    // Prepare
    await moveHead(store, head('p1', 'create', 1), undefined);

    // Act
    const second = moveHead(store, head('p1', 'create', 2), undefined);

    // Assess
    await expect(second).rejects.toBeInstanceOf(VersionConflictError);
    await expect(second).rejects.toMatchObject({ currentVersion: 1, code: 'VersionConflict' });
    expect((await getTask(store, 'p1', 'create'))?.version).toBe(1);
  });

  it('refuses to move a head that no longer points at the version the writer read', async () => {
    // Prepare
    await moveHead(store, head('p1', 'stale', 1), undefined);
    await moveHead(store, head('p1', 'stale', 2), 1);

    // Act
    const stale = moveHead(store, head('p1', 'stale', 3), 1);

    // Assess
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    const current = await getTask(store, 'p1', 'stale');
    expect(current).toStrictEqual({ ...head('p1', 'stale', 2), createdAt: NOW });
  });

  it('lets exactly one of 50 parallel saves from the same version win; the others learn the winner', async () => {
    // Prepare
    await moveHead(store, head('p1', 'race', await allocateVersion(store, 'p1', 'race')), undefined);
    const numbers = await Promise.all(Array.from({ length: 50 }, () => allocateVersion(store, 'p1', 'race')));

    // Act
    const results = await Promise.allSettled(numbers.map((n) => moveHead(store, head('p1', 'race', n), 1)));

    // Assess
    const winners = results.filter((r) => r.status === 'fulfilled');
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(new Set(numbers).size).toBe(50);
    expect(winners).toHaveLength(1);
    const winning = (winners[0] as PromiseFulfilledResult<TaskRecord>).value.version;
    expect(losers.map((l) => (l.reason as VersionConflictError).currentVersion)).toStrictEqual(Array(49).fill(winning));
    expect((await getTask(store, 'p1', 'race'))?.version).toBe(winning);
  });

  it('keeps the hook token when a save moves the head of a task that allows a hook', async () => {
    // Prepare
    await moveHead(store, { ...head('p1', 'hooked', 1), hook: true }, undefined);
    await swapHookHash(store, 'p1', 'hooked', undefined, 'abc');

    // Act
    await moveHead(store, { ...head('p1', 'hooked', 2), hook: true }, 1);

    // Assess
    expect((await getTask(store, 'p1', 'hooked'))?.hookHash).toBe('abc');
  });

  it('drops the hook token when a save moves the head to a version without the hook: it does not come back', async () => {
    // Prepare
    await moveHead(store, { ...head('p1', 'unhooked', 1), hook: true }, undefined);
    await swapHookHash(store, 'p1', 'unhooked', undefined, 'abc');

    // Act
    await moveHead(store, head('p1', 'unhooked', 2), 1);
    const off = await getTask(store, 'p1', 'unhooked');
    await moveHead(store, { ...head('p1', 'unhooked', 3), hook: true }, 2);

    // Assess
    expect([off?.hook, off?.hookHash]).toStrictEqual([false, undefined]);
    expect((await getTask(store, 'p1', 'unhooked'))?.hookHash).toBeUndefined();
  });
});

describe('versions', () => {
  it('writes a version number once only', async () => {
    // Prepare
    await putVersion(store, version('p2', 'once', 1, 'first'));

    // Act
    const again = putVersion(store, version('p2', 'once', 1, 'second'));

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect((await getVersion(store, 'p2', 'once', 1))?.source).toBe('first');
  });

  it('lists published versions and the head, newest first, page by page; pending losers are left out', async () => {
    // Prepare
    for (let n = 1; n <= 7; n++) await putVersion(store, version('p2', 'paged', n, `v${n}`));
    for (const n of [1, 2, 4, 5, 6]) await markVersionPublished(store, 'p2', 'paged', n, `arn:sm:${n}`);

    // Act
    const first = await listVersions(store, 'p2', 'paged', 7, { limit: 3 });
    const second = await listVersions(store, 'p2', 'paged', 7, { limit: 3, next: first.next });
    const third = await listVersions(store, 'p2', 'paged', 7, { limit: 3, next: second.next });

    // Assess
    const all = [...first.items, ...second.items, ...third.items].map((v) => v.version);
    expect(all).toStrictEqual([7, 6, 5, 4, 2, 1]);
    expect(third.next).toBeUndefined();
    expect(first.items[0]).toStrictEqual({
      project: 'p2',
      task: 'paged',
      version: 7,
      format: 'yaml',
      createdAt: NOW,
      createdBy: 'tester',
      status: 'pending',
    });
    expect(first.items[1]).toStrictEqual({
      project: 'p2',
      task: 'paged',
      version: 6,
      format: 'yaml',
      createdAt: NOW,
      createdBy: 'tester',
      status: 'published',
      stateMachineVersionArn: 'arn:sm:6',
    });
  });

  it('rejects a page token that another list handed out', async () => {
    // Prepare
    for (let n = 1; n <= 2; n++) await putVersion(store, version('p2', 'tokens', n, `v${n}`));
    const page = await listVersions(store, 'p2', 'tokens', 2, { limit: 1 });

    // Act
    const foreign = listVersions(store, 'p2', 'other', 2, { next: page.next });
    const garbage = listVersions(store, 'p2', 'tokens', 2, { next: '%%%not-a-token' });

    // Assess
    await expect(foreign).rejects.toBeInstanceOf(ServiceError);
    await expect(garbage).rejects.toMatchObject({ code: 'BadRequest' });
  });

  it('deletes a pending version but never a published one', async () => {
    // Prepare
    await putVersion(store, version('p2', 'cleanup', 1, 'v1'));
    await putVersion(store, version('p2', 'cleanup', 2, 'v2'));
    await markVersionPublished(store, 'p2', 'cleanup', 1, 'arn:sm:1');

    // Act
    await deletePendingVersion(store, 'p2', 'cleanup', 1);
    await deletePendingVersion(store, 'p2', 'cleanup', 2);

    // Assess
    expect((await getVersion(store, 'p2', 'cleanup', 1))?.status).toBe('published');
    expect(await getVersion(store, 'p2', 'cleanup', 2)).toBeUndefined();
  });

  it('deletes every version of a task, more than one batch of them', async () => {
    // Prepare
    for (let n = 1; n <= 30; n++) await putVersion(store, version('p2', 'gone', n, `v${n}`));

    // Act
    await deleteTaskVersions(store, 'p2', 'gone');

    // Assess
    expect((await listVersions(store, 'p2', 'gone', 30)).items).toStrictEqual([]);
    expect(await allocateVersion(store, 'p2', 'gone')).toBe(1);
  });
});

describe('version definitions in the store', () => {
  const rawItem = async (task: string, number: number) =>
    (await store.doc.send(new GetCommand({ TableName: store.table, Key: { pk: `TASK#p3#${task}`, sk: `VERSION#${String(number).padStart(10, '0')}` } }))).Item!;

  it('keeps a definition of about 900 KB compressed in one item and reads it back identical', async () => {
    // Prepare
    const { definition } = taskOfDefinitionBytes('large', 900_000);
    const record = { ...version('p3', 'large', 1, 'task: large'), definition };

    // Act
    await putVersion(store, record);
    const read = await getVersion(store, 'p3', 'large', 1);

    // Assess
    expect(Buffer.byteLength(definition)).toBeGreaterThan(880_000);
    expect(Buffer.byteLength(definition)).toBeLessThanOrEqual(1024 * 1024);
    expect(read).toStrictEqual(record);
    const raw = await rawItem('large', 1);
    expect(raw.definitionEncoding).toBe('br');
    expect(raw.definition).toBeInstanceOf(Uint8Array);
    expect((raw.definition as Uint8Array).byteLength).toBeLessThan(100 * 1024);
  });

  it('refuses a version that would exceed 400 KB even compressed, naming the limit, and stores nothing', async () => {
    // Prepare: random text does not compress
    const definition = JSON.stringify({ Comment: randomBytes(450 * 1024).toString('base64'), StartAt: 'a', States: { a: { Type: 'Succeed' } } });

    // Act
    const put = putVersion(store, { ...version('p3', 'random', 1, 'task: random'), definition });

    // Assess
    await expect(put).rejects.toBeInstanceOf(ServiceError);
    await expect(put).rejects.toMatchObject({ code: 'PayloadTooLarge', message: expect.stringContaining(`DynamoDB keeps at most ${MAX_ITEM_BYTES} bytes in one item`) });
    expect(MAX_ITEM_BYTES).toBe(409_600);
    expect(await getVersion(store, 'p3', 'random', 1)).toBeUndefined();
  });

  it('reads a version written before definitions were compressed, its definition as text', async () => {
    // Prepare: the item as saves wrote it before
    const record = version('p3', 'old', 1, 'task: old');
    await store.doc.send(new PutCommand({ TableName: store.table, Item: { pk: 'TASK#p3#old', sk: 'VERSION#0000000001', ...record } }));
    await markVersionPublished(store, 'p3', 'old', 1, 'arn:sm:1');

    // Act
    const read = await getVersion(store, 'p3', 'old', 1);

    // Assess
    expect(read).toStrictEqual({ ...record, status: 'published', stateMachineVersionArn: 'arn:sm:1' });
  });

  it('refuses to guess at a definition stored in an encoding it does not know', async () => {
    // Prepare
    const record = version('p3', 'unknown', 1, 'task: unknown');
    await store.doc.send(
      new PutCommand({ TableName: store.table, Item: { pk: 'TASK#p3#unknown', sk: 'VERSION#0000000001', ...record, definition: new Uint8Array([1, 2, 3]), definitionEncoding: 'zstd' } }),
    );

    // Act
    const read = getVersion(store, 'p3', 'unknown', 1);

    // Assess
    await expect(read).rejects.toThrow('A stored task version holds its definition in a form this service does not read (encoding zstd)');
  });
});

describe('tasks', () => {
  it('lists the tasks of a project page by page and nothing of other projects', async () => {
    // Prepare
    for (const name of ['a', 'b', 'c', 'd', 'e']) await moveHead(store, head('p3', name, 1), undefined);
    await moveHead(store, head('p3x', 'z', 1), undefined);
    await putProject(store, 'p3', {}, 'tester');

    // Act
    const first = await listTasks(store, 'p3', { limit: 2 });
    const second = await listTasks(store, 'p3', { limit: 2, next: first.next });
    const third = await listTasks(store, 'p3', { limit: 2, next: second.next });

    // Assess
    expect([...first.items, ...second.items, ...third.items].map((t) => t.task)).toStrictEqual(['a', 'b', 'c', 'd', 'e']);
    expect(third.next).toBeUndefined();
  });

  it('deletes a head only at the expected version', async () => {
    // Prepare
    await moveHead(store, head('p3', 'del', 1), undefined);
    await moveHead(store, head('p3', 'del', 2), 1);

    // Act
    const stale = deleteHead(store, 'p3', 'del', 1);

    // Assess
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    await deleteHead(store, 'p3', 'del', 2);
    expect(await getTask(store, 'p3', 'del')).toBeUndefined();
    await expect(deleteHead(store, 'p3', 'del')).rejects.toMatchObject({ currentVersion: undefined });
  });
});

describe('alarm index', () => {
  it('finds every task that names an alarm', async () => {
    // Prepare
    await addAlarmEntries(store, 'p4', 'one', ['cpu-high', 'disk-full'], 1);
    await addAlarmEntries(store, 'p4', 'two', ['cpu-high'], 1);
    await addAlarmEntries(store, 'p5', 'one', ['cpu-high'], 3);

    // Act
    const found = await tasksForAlarm(store, 'cpu-high');

    // Assess
    expect(found).toStrictEqual([
      { project: 'p4', task: 'one' },
      { project: 'p4', task: 'two' },
      { project: 'p5', task: 'one' },
    ]);
    expect(await tasksForAlarm(store, 'unknown')).toStrictEqual([]);
  });

  it('keeps an entry that a later version named again', async () => {
    // Prepare: version 4 drops the alarm; version 5, saved meanwhile, names it again
    await addAlarmEntries(store, 'p6', 'flip', ['mem-high'], 3);
    await addAlarmEntries(store, 'p6', 'flip', ['mem-high'], 5);

    // Act
    await removeAlarmEntries(store, 'p6', 'flip', ['mem-high'], 4);

    // Assess
    expect(await tasksForAlarm(store, 'mem-high')).toStrictEqual([{ project: 'p6', task: 'flip' }]);
    await removeAlarmEntries(store, 'p6', 'flip', ['mem-high'], 5);
    expect(await tasksForAlarm(store, 'mem-high')).toStrictEqual([]);
  });
});

describe('hook hashes', () => {
  it('swaps a hook hash only from the expected one', async () => {
    // Prepare
    await moveHead(store, { ...head('p7', 'h', 1), hook: true }, undefined);

    // Act
    const created = await swapHookHash(store, 'p7', 'h', undefined, 'one');
    const raced = await swapHookHash(store, 'p7', 'h', undefined, 'two');
    const rotated = await swapHookHash(store, 'p7', 'h', 'one', 'three');
    const revoked = await swapHookHash(store, 'p7', 'h', 'three', undefined);
    const missing = await swapHookHash(store, 'p7', 'nope', undefined, 'x');

    // Assess
    expect([created, raced, rotated, revoked, missing]).toStrictEqual([true, false, true, true, false]);
    expect((await getTask(store, 'p7', 'h'))?.hookHash).toBeUndefined();
  });

  it('puts no hook hash on a task whose hook a save turned off', async () => {
    // Prepare
    await moveHead(store, head('p7', 'closed', 1), undefined);

    // Act
    const created = await swapHookHash(store, 'p7', 'closed', undefined, 'one');

    // Assess
    expect(created).toBe(false);
    expect((await getTask(store, 'p7', 'closed'))?.hookHash).toBeUndefined();
  });
});

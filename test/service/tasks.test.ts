import 'aws-sdk-client-mock-vitest/extend';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  InvalidArn,
  ListStateMachineVersionsCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceDeps } from '#service/deps';
import { ServiceError, VersionConflictError } from '#service/errors';
import { putProject, tasksForAlarm, getVersion, allocateVersion } from '#service/store';
import type { Store } from '#service/store';
import { deleteTask, getTaskVersion, listProjectTasks, listTaskVersions, saveTask, validateTask } from '#service/tasks';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { CONFIG, fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, taskOfDefinitionBytes, taskSource } from './fixtures.ts';
import type { FakeStepFunctions } from './fixtures.ts';

let dynamo: LocalDynamo;
let fake: FakeStepFunctions;
let deps: ServiceDeps;
let project: string;
let projectCount = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  fake = fakeStepFunctions();
  deps = serviceDeps(dynamo.store, fake.sfn);
  project = `p${++projectCount}`;
  await putProject(dynamo.store, project, SETTINGS, 'tester');
});

const arnOf = (p: string, t: string) => `arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-${p}_${t}`;

/** The test store, except that moving a task's head fails as DynamoDB does when it is unavailable. */
function storeFailingToMoveHeads(): Store {
  const real = dynamo.store.doc;
  const send = (command: unknown) => {
    if (command instanceof UpdateCommand && String(command.input.Key?.sk).startsWith('TASK#')) {
      return Promise.reject(Object.assign(new Error('Internal server error'), { name: 'InternalServerError' }));
    }
    return real.send(command as UpdateCommand);
  };
  return { doc: { send } as unknown as DynamoDBDocumentClient, table: dynamo.store.table };
}

describe('saving a task', () => {
  it('creates its state machine with logging without data, tracing, tags and a published version', async () => {
    // Act
    const saved = await saveTask(deps, { project, task: 'scale-out', source: taskSource('scale-out'), who: 'alice' });

    // Assess
    expect(saved).toStrictEqual({
      project,
      task: 'scale-out',
      version: 1,
      created: true,
      stateMachineArn: arnOf(project, 'scale-out'),
      stateMachineVersionArn: `${arnOf(project, 'scale-out')}:1`,
    });
    const definition = fake.stateMachines.get(arnOf(project, 'scale-out'))!.definition;
    expect(fake.mock).toHaveReceivedCommandWith(ValidateStateMachineDefinitionCommand, { definition, type: 'STANDARD', severity: 'ERROR' });
    expect(fake.mock).toHaveReceivedCommandWith(CreateStateMachineCommand, {
      name: `mastermind-${project}_scale-out`,
      type: 'STANDARD',
      definition,
      roleArn: CONFIG.stateMachineRoleArn,
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: false,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: CONFIG.executionLogGroupArn } }],
      },
      tracingConfiguration: { enabled: true },
      publish: true,
      versionDescription: `${project}/scale-out version 1`,
      tags: [
        { key: 'project', value: project },
        { key: 'task', value: 'scale-out' },
        { key: 'version', value: '1' },
      ],
    });
    const view = await getTaskVersion(deps, project, 'scale-out');
    expect(view.version).toBe(1);
    expect(view.createdBy).toBe('alice');
    expect(view.source).toBe(taskSource('scale-out'));
    expect(view.definition).toStrictEqual(JSON.parse(definition));
    // The move's Task state names the deployed provider function as its Resource.
    expect((view.definition as { States: Record<string, { Resource?: string }> }).States.connect?.Resource).toBe(CONFIG.providers.ssh);
  });

  it('updates the state machine and publishes the next version; the earlier one stays readable', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'web', source: taskSource('web'), who: 'alice' });

    // Act
    const saved = await saveTask(deps, { project, task: 'web', source: taskSource('web', 'rollback: true\n'), ifMatch: 1, who: 'bob' });

    // Assess
    expect(saved).toStrictEqual({
      project,
      task: 'web',
      version: 2,
      previousVersion: 1,
      created: false,
      stateMachineArn: arnOf(project, 'web'),
      stateMachineVersionArn: `${arnOf(project, 'web')}:2`,
    });
    expect(fake.mock).toHaveReceivedCommandWith(UpdateStateMachineCommand, {
      stateMachineArn: arnOf(project, 'web'),
      publish: true,
      versionDescription: `${project}/web version 2`,
      tracingConfiguration: { enabled: true },
    });
    expect(fake.stateMachines.get(arnOf(project, 'web'))!.tags).toStrictEqual({ project, task: 'web', version: '2' });
    expect((await getTaskVersion(deps, project, 'web', 1)).source).toBe(taskSource('web'));
    expect((await listTaskVersions(deps, project, 'web')).items.map((v) => [v.version, v.createdBy, v.status])).toStrictEqual([
      [2, 'bob', 'published'],
      [1, 'alice', 'published'],
    ]);
  });

  it('saves a task whose definition is about 900 KB (beyond one uncompressed DynamoDB item) and reads it back identical', async () => {
    // Prepare
    const { source } = taskOfDefinitionBytes('large', 900_000);

    // Act
    const saved = await saveTask(deps, { project, task: 'large', source, who: 'alice' });
    const definition = fake.stateMachines.get(arnOf(project, 'large'))!.definition;
    await saveTask(deps, { project, task: 'large', source: taskSource('large'), ifMatch: 1, who: 'bob' });

    // Assess
    expect(saved.version).toBe(1);
    expect(Buffer.byteLength(definition)).toBeGreaterThan(880_000);
    expect(Buffer.byteLength(definition)).toBeLessThanOrEqual(1024 * 1024);
    const first = await getTaskVersion(deps, project, 'large', 1);
    expect(first.source).toBe(source);
    expect(JSON.stringify(first.definition)).toBe(definition);
    expect((await listTaskVersions(deps, project, 'large')).items.map((v) => v.version)).toStrictEqual([2, 1]);
  });

  it('reports every error of an invalid task with its place and stores nothing', async () => {
    // Prepare
    const source = 'task: broken\nplot:\n  - name: a\n    provider: ssh\n    action: fly\nsurprise: 1\n';

    // Act
    const saving = saveTask(deps, { project, task: 'broken', source, who: 'alice' });

    // Assess
    const error = (await saving.catch((e: unknown) => e)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('InvalidTask');
    expect(error.details.map((d) => d.place).sort()).toStrictEqual(['plot[0].action', 'surprise']);
    expect(error.details.every((d) => typeof d.line === 'number' && typeof d.column === 'number')).toBe(true);
    expect(fake.mock.calls()).toHaveLength(0);
    await expect(getTaskVersion(deps, project, 'broken')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await allocateVersion(dynamo.store, project, 'broken')).toBe(1);
  });

  it.each([
    ['a different task name', taskSource('other'), 'task'],
    ['a different project', `project: elsewhere\n${taskSource('named')}`, 'project'],
  ])('refuses a source with %s than its URL', async (_, source, place) => {
    const saving = saveTask(deps, { project, task: 'named', source, who: 'alice' });
    await expect(saving).rejects.toMatchObject({ code: 'InvalidTask', details: [expect.objectContaining({ place, code: 'name-mismatch' })] });
  });

  it('refuses a task of a project that does not exist', async () => {
    const saving = saveTask(deps, { project: 'nowhere', task: 'web', source: taskSource('web'), who: 'alice' });
    await expect(saving).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('refuses a stale If-Match with the current version and touches nothing', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'web', source: taskSource('web'), who: 'alice' });
    await saveTask(deps, { project, task: 'web', source: taskSource('web', 'rollback: true\n'), who: 'alice' });
    fake.mock.resetHistory();

    // Act
    const stale = saveTask(deps, { project, task: 'web', source: taskSource('web'), ifMatch: 1, who: 'bob' });

    // Assess
    await expect(stale).rejects.toBeInstanceOf(VersionConflictError);
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    expect(fake.mock.calls()).toHaveLength(0);
  });

  it('leaves the previous version in force when Step Functions rejects the definition', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'web', source: taskSource('web'), who: 'alice' });
    fake.mock.on(ValidateStateMachineDefinitionCommand).resolves({
      result: 'FAIL',
      diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'The field "Type" is required', location: '/States/connect' }],
    });

    // Act
    const saving = saveTask(deps, { project, task: 'web', source: taskSource('web', 'rollback: true\n'), who: 'bob' });

    // Assess
    await expect(saving).rejects.toMatchObject({
      code: 'StateMachineRejected',
      details: [{ place: '/States/connect', code: 'SCHEMA_VALIDATION_FAILED', message: 'The field "Type" is required' }],
    });
    expect((await getTaskVersion(deps, project, 'web')).version).toBe(1);
    expect(await getVersion(dynamo.store, project, 'web', 2)).toBeUndefined();
    expect(fake.mock).not.toHaveReceivedCommand(UpdateStateMachineCommand);
  });

  it('leaves the previous version in force when updating the state machine fails', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'web', source: taskSource('web'), who: 'alice' });
    fake.mock.on(UpdateStateMachineCommand).rejects(new InvalidArn({ message: 'Invalid Arn', $metadata: {} }));

    // Act
    const saving = saveTask(deps, { project, task: 'web', source: taskSource('web', 'rollback: true\n'), who: 'bob' });

    // Assess
    await expect(saving).rejects.toMatchObject({ code: 'UpstreamFailure', message: 'Step Functions failed to update the state machine: InvalidArn: Invalid Arn' });
    const view = await getTaskVersion(deps, project, 'web');
    expect([view.version, view.stateMachineVersionArn]).toStrictEqual([1, `${arnOf(project, 'web')}:1`]);
  });

  it('puts the definition in force back on the state machine when a save fails after updating it', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'web', source: taskSource('web'), who: 'alice' });
    const inForce = fake.stateMachines.get(arnOf(project, 'web'))!.definition;
    const failing = { ...deps, store: storeFailingToMoveHeads() };

    // Act
    const saving = saveTask(failing, { project, task: 'web', source: taskSource('web', 'rollback: true\n'), who: 'bob' });

    // Assess
    await expect(saving).rejects.toThrow('Internal server error');
    const machine = fake.stateMachines.get(arnOf(project, 'web'))!;
    expect(machine.definition).toBe(inForce);
    expect(machine.versions.map((v) => v.arn)).toStrictEqual([`${arnOf(project, 'web')}:1`]);
    expect(fake.mock).toHaveReceivedCommandWith(UpdateStateMachineCommand, { stateMachineArn: arnOf(project, 'web'), definition: inForce, publish: false });
    expect((await getTaskVersion(deps, project, 'web')).version).toBe(1);
    expect(await getVersion(dynamo.store, project, 'web', 2)).toBeUndefined();
  });

  it('deletes the state machine a first save created when that save fails', async () => {
    // Prepare
    const failing = { ...deps, store: storeFailingToMoveHeads() };

    // Act
    const saving = saveTask(failing, { project, task: 'never', source: taskSource('never'), who: 'alice' });

    // Assess
    await expect(saving).rejects.toThrow('Internal server error');
    expect(fake.mock).toHaveReceivedCommandWith(DeleteStateMachineCommand, { stateMachineArn: arnOf(project, 'never') });
    expect([...fake.stateMachines.keys()]).toStrictEqual([]);
    expect(await getVersion(dynamo.store, project, 'never', 1)).toBeUndefined();
  });

  it('keeps the state machine of a failed first save when another first save has published to it meanwhile', async () => {
    // Prepare: another first save of the same task created the state machine and published version 1, and has
    // not moved its head yet.
    const arn = arnOf(project, 'contested');
    fake.stateMachines.set(arn, {
      arn,
      roleArn: CONFIG.stateMachineRoleArn,
      definition: '{"Comment":"the other save"}',
      versions: [{ arn: `${arn}:1`, definition: '{"Comment":"the other save"}', creationDate: new Date('2025-03-04T05:06:08.000Z') }],
      lastVersion: 1,
      tags: {},
    });
    const failing = { ...deps, store: storeFailingToMoveHeads() };

    // Act
    const saving = saveTask(failing, { project, task: 'contested', source: taskSource('contested'), who: 'alice' });

    // Assess: this save's own version is gone, the other save's state machine and version stay.
    await expect(saving).rejects.toThrow('Internal server error');
    expect(fake.mock).not.toHaveReceivedCommandWith(DeleteStateMachineCommand, { stateMachineArn: arn });
    expect(fake.stateMachines.get(arn)?.versions.map((v) => v.arn)).toStrictEqual([`${arn}:1`]);
  });

  it('lets one of 50 parallel saves from the same version win; the others get a conflict naming it and leave nothing behind', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'race', source: taskSource('race'), who: 'first' });
    const first = await getTaskVersion(deps, project, 'race', 1);

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        saveTask(deps, { project, task: 'race', source: taskSource('race', `# writer ${i}\n`), ifMatch: 1, who: `writer-${i}` }),
      ),
    );

    // Assess
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as VersionConflictError] : []));
    expect(won).toHaveLength(1);
    expect(lost.map((e) => [e.code, e.currentVersion])).toStrictEqual(Array(49).fill(['VersionConflict', won[0]!.version]));
    const current = await getTaskVersion(deps, project, 'race');
    const writer = Number(/# writer (\d+)/.exec(current.source)![1]);
    expect([current.version, current.createdBy]).toStrictEqual([won[0]!.version, `writer-${writer}`]);
    expect((await listTaskVersions(deps, project, 'race')).items.map((v) => v.version)).toStrictEqual([won[0]!.version, 1]);
    // No loser's version item remains (versions 2 to 51 were handed out), and version 1 is as it was.
    const stored = await Promise.all(Array.from({ length: 50 }, (_, i) => getVersion(dynamo.store, project, 'race', i + 2)));
    expect(stored.flatMap((v) => (v ? [v.version] : []))).toStrictEqual([won[0]!.version]);
    expect(await getTaskVersion(deps, project, 'race', 1)).toStrictEqual({ ...first, currentVersion: won[0]!.version });
    // The state machine runs the winner's definition when started from the console, and every version a
    // loser had published is deleted again.
    const machine = fake.stateMachines.get(arnOf(project, 'race'))!;
    expect(JSON.parse(machine.definition)).toStrictEqual(current.definition);
    // (Version 1 is kept unless the winner's is 50 versions after it: see the pruning tests.)
    const winnerNumber = Number(won[0]!.stateMachineVersionArn.split(':')[7]);
    expect(machine.versions.map((v) => v.arn)).toStrictEqual([
      ...(winnerNumber - 1 < 50 ? [`${arnOf(project, 'race')}:1`] : []),
      won[0]!.stateMachineVersionArn,
    ]);
  });

  it('loses no update when 8 writers each read, change and save with If-Match, retrying on conflict', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'tally', source: taskSource('tally', '# tally:\n'), who: 'first' });
    const writer = async (i: number) => {
      for (;;) {
        const read = await getTaskVersion(deps, project, 'tally');
        const source = read.source.replace('# tally:', `# tally: w${i}`);
        try {
          return await saveTask(deps, { project, task: 'tally', source, ifMatch: read.version, who: `w${i}` });
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error;
        }
      }
    };

    // Act
    await Promise.all(Array.from({ length: 8 }, (_, i) => writer(i)));

    // Assess
    const current = await getTaskVersion(deps, project, 'tally');
    const tally = /# tally:(.*)/.exec(current.source)![1]!.trim().split(' ');
    expect(tally.toSorted()).toStrictEqual(Array.from({ length: 8 }, (_, i) => `w${i}`).toSorted());
    const versions: number[] = [];
    let next: string | undefined;
    do {
      const page = await listTaskVersions(deps, project, 'tally', { limit: 4, ...(next ? { next } : {}) });
      versions.push(...page.items.map((v) => v.version));
      next = page.next;
    } while (next);
    expect(versions).toHaveLength(9);
    expect(JSON.parse(fake.stateMachines.get(arnOf(project, 'tally'))!.definition)).toStrictEqual(current.definition);
    // Every version in the history holds exactly one more writer than the one before it.
    const chain = await Promise.all(versions.toReversed().map((v) => getTaskVersion(deps, project, 'tally', v)));
    chain.forEach((v, i) => expect(/# tally:(.*)/.exec(v.source)![1]!.trim().split(' ').filter(Boolean)).toHaveLength(i));
  });
});

describe('pruning published state machine versions', () => {
  it('keeps the newest 50 published versions after each save; the store still serves every task version', async () => {
    // Prepare
    for (let v = 1; v <= 51; v++) await saveTask(deps, { project, task: 'often', source: taskSource('often', `# save ${v}\n`), who: 'a' });
    fake.mock.resetHistory();

    // Act
    const saved = await saveTask(deps, { project, task: 'often', source: taskSource('often', '# save 52\n'), who: 'a' });

    // Assess
    expect(saved.stateMachineVersionArn).toBe(`${arnOf(project, 'often')}:52`);
    expect(fake.mock.commandCalls(DeleteStateMachineVersionCommand).map((c) => c.args[0].input.stateMachineVersionArn)).toStrictEqual([
      `${arnOf(project, 'often')}:2`,
    ]);
    expect(fake.stateMachines.get(arnOf(project, 'often'))!.versions.map((v) => v.arn)).toStrictEqual(
      Array.from({ length: 50 }, (_, i) => `${arnOf(project, 'often')}:${i + 3}`),
    );
    const oldest = await getTaskVersion(deps, project, 'often', 1);
    expect([oldest.version, oldest.source]).toStrictEqual([1, taskSource('often', '# save 1\n')]);
  });

  it('logs a failure to prune and still answers the save', async () => {
    // Prepare
    const log = recordingLog();
    const logged = serviceDeps(dynamo.store, fake.sfn, log);
    await saveTask(logged, { project, task: 'pruned', source: taskSource('pruned'), who: 'a' });
    fake.stateMachines.get(arnOf(project, 'pruned'))!.lastVersion = 60;
    fake.mock.on(ListStateMachineVersionsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const saved = await saveTask(logged, { project, task: 'pruned', source: taskSource('pruned', 'rollback: true\n'), who: 'a' });

    // Assess
    expect([saved.version, saved.stateMachineVersionArn]).toStrictEqual([2, `${arnOf(project, 'pruned')}:61`]);
    expect((await getTaskVersion(deps, project, 'pruned')).version).toBe(2);
    expect(log.lines).toStrictEqual([
      { level: 'warn', message: 'follow-up after a save did not complete', extra: [{ error: { name: 'ThrottlingException', message: 'Rate exceeded' } }] },
    ]);
  });
});

describe('the alarm index', () => {
  it('names the task under the alarms of the version in force only', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'alarmed', source: taskSource('alarmed', 'triggers: { alarms: [cpu-a, cpu-b] }\n'), who: 'a' });

    // Act
    await saveTask(deps, { project, task: 'alarmed', source: taskSource('alarmed', 'triggers: { alarms: [cpu-b, cpu-c] }\n'), who: 'a' });

    // Assess
    expect(await tasksForAlarm(dynamo.store, 'cpu-a')).toStrictEqual([]);
    expect(await tasksForAlarm(dynamo.store, 'cpu-b')).toStrictEqual([{ project, task: 'alarmed' }]);
    expect(await tasksForAlarm(dynamo.store, 'cpu-c')).toStrictEqual([{ project, task: 'alarmed' }]);
  });
});

describe('validating, listing and deleting', () => {
  it('validates without storing or calling Step Functions', async () => {
    const result = await validateTask(deps, { project, task: 'dry', source: taskSource('dry') });
    expect(result.task.task).toBe('dry');
    expect(Object.keys((result.definition as { States: object }).States)).toContain('connect');
    expect(fake.mock.calls()).toHaveLength(0);
    await expect(getTaskVersion(deps, project, 'dry')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('lists the tasks of a project', async () => {
    await saveTask(deps, { project, task: 'one', source: taskSource('one'), who: 'a' });
    await saveTask(deps, { project, task: 'two', source: taskSource('two', 'triggers: { hook: true }\n'), who: 'b' });
    const page = await listProjectTasks(deps, project);
    expect(page).toStrictEqual({
      items: [
        { project, task: 'one', version: 1, description: 'Add an app server', updatedAt: '2025-03-04T05:06:07.000Z', updatedBy: 'a', alarms: [], hook: false },
        { project, task: 'two', version: 1, description: 'Add an app server', updatedAt: '2025-03-04T05:06:07.000Z', updatedBy: 'b', alarms: [], hook: true },
      ],
    });
  });

  it('deletes the task, its versions, its alarm entries and its state machine; a new save starts a fresh state machine', async () => {
    // Prepare
    await saveTask(deps, { project, task: 'gone', source: taskSource('gone', 'triggers: { alarms: [disk] }\n'), who: 'a' });
    await saveTask(deps, { project, task: 'gone', source: taskSource('gone', 'triggers: { alarms: [disk] }\nrollback: true\n'), who: 'a' });

    // Act
    const deleted = await deleteTask(deps, project, 'gone');

    // Assess
    expect(deleted).toStrictEqual({ project, task: 'gone', version: 2 });
    expect(fake.mock).toHaveReceivedCommandWith(DeleteStateMachineCommand, { stateMachineArn: arnOf(project, 'gone') });
    await expect(getTaskVersion(deps, project, 'gone')).rejects.toMatchObject({ code: 'NotFound' });
    expect(await getVersion(dynamo.store, project, 'gone', 1)).toBeUndefined();
    expect(await tasksForAlarm(dynamo.store, 'disk')).toStrictEqual([]);
    const again = await saveTask(deps, { project, task: 'gone', source: taskSource('gone'), who: 'a' });
    expect([again.version, again.created, again.stateMachineVersionArn]).toStrictEqual([3, true, `${arnOf(project, 'gone')}:1`]);
  });

  it('refuses to delete with a stale If-Match', async () => {
    await saveTask(deps, { project, task: 'kept', source: taskSource('kept'), who: 'a' });
    await expect(deleteTask(deps, project, 'kept', 7)).rejects.toMatchObject({ code: 'VersionConflict', currentVersion: 1 });
    expect((await getTaskVersion(deps, project, 'kept')).version).toBe(1);
  });

  it('answers not-found for a task or version that does not exist', async () => {
    await saveTask(deps, { project, task: 'there', source: taskSource('there'), who: 'a' });
    await expect(getTaskVersion(deps, project, 'there', 9)).rejects.toMatchObject({ code: 'NotFound', message: `Task ${project}/there has no version 9.` });
    await expect(deleteTask(deps, project, 'absent')).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('logging', () => {
  it('logs a follow-up that failed after the version came into force, and still answers the save', async () => {
    const log = recordingLog();
    const logged = serviceDeps(dynamo.store, fake.sfn, log);
    fake.mock.on(DeleteStateMachineVersionCommand).rejects(new Error('never called'));
    const { TagResourceCommand } = await import('@aws-sdk/client-sfn');
    fake.mock.on(TagResourceCommand).rejects(new Error('throttled'));
    const saved = await saveTask(logged, { project, task: 'tagged', source: taskSource('tagged'), who: 'a' });
    expect(saved.version).toBe(1);
    expect(log.lines).toStrictEqual([
      { level: 'warn', message: 'follow-up after a save did not complete', extra: [{ error: { name: 'Error', message: 'throttled' } }] },
    ]);
  });
});

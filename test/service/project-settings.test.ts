import { ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSettings } from '#service/project-settings';
import { changeProject, saveProject } from '#service/projects';
import { getProject } from '#service/store';
import { getTaskVersion, saveTask } from '#service/tasks';
import { fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, taskSource } from './fixtures.ts';
import { secretLayout } from '#task/secret-layout';
import { startDynalite, type LocalDynamo } from '../support/dynalite.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'saved';
  } catch (error) {
    const { name, code, message, details } = error as { name: string; code: string; message: string; details: unknown };
    return { name, code, message, details };
  }
}

describe('project settings and the secrets they name', () => {
  it("accepts secrets under the project's own path and the shared one", () => {
    // Act
    const settings = checkSettings({ key: '${secret:/mastermind/web/ssh-key}', chefClientKey: '${secret:/mastermind/_shared/chef-key}' }, 'web');
    // Assess
    expect(settings).toStrictEqual({ key: '${secret:/mastermind/web/ssh-key}', chefClientKey: '${secret:/mastermind/_shared/chef-key}' });
  });

  it("refuses, with their places, secrets outside the project's paths (in any setting) and stores nothing", async () => {
    // Act
    const outcome = await refusal(
      saveProject(dynamo.store, 'web', { key: '${secret:/mastermind/db/ssh-key}', user: 'ops ${secret:/ops/name}', chefClientKey: '${secret:/mastermind/web-2/k}' }, 'tester'),
    );
    // Assess
    const rule = 'a task of project web names only secrets under /mastermind/web/ or the shared /mastermind/_shared/';
    expect(outcome).toStrictEqual({
      name: 'ServiceError',
      code: 'InvalidSettings',
      message: 'The project settings are not valid.',
      details: [
        { place: 'settings.user', message: `\${secret:/ops/name} is not one of project web's secrets: ${rule}` },
        { place: 'settings.key', message: `\${secret:/mastermind/db/ssh-key} is not one of project web's secrets: ${rule}` },
        { place: 'settings.chefClientKey', message: `\${secret:/mastermind/web-2/k} is not one of project web's secrets: ${rule}` },
      ],
    });
    expect(await getProject(dynamo.store, 'web')).toBeUndefined();
  });

  it('checks against the layout the stack names', async () => {
    // Prepare
    const layout = secretLayout({ path: '/ops/', shared: '/common/' });
    // Act
    const refused = await refusal(saveProject(dynamo.store, 'api', { key: '${secret:/mastermind/api/ssh-key}' }, 'tester', layout));
    const saved = await saveProject(dynamo.store, 'api', { key: '${secret:/ops/api/ssh-key}', chefClientKey: '${secret:/common/chef}' }, 'tester', layout);
    // Assess
    expect(refused).toMatchObject({ code: 'InvalidSettings', details: [{ place: 'settings.key', message: "${secret:/mastermind/api/ssh-key} is not one of project api's secrets: a task of project api names only secrets under /ops/api/ or the shared /common/" }] });
    expect(saved.record.settings).toStrictEqual({ key: '${secret:/ops/api/ssh-key}', chefClientKey: '${secret:/common/chef}' });
  });

  it('takes a host key pin only as ssh-keygen -lf prints it, as the ssh provider compares it', () => {
    // Prepare
    const pin = 'SHA256:Xj1mV0ZkT4Q3m3lq1yXkq0pD6jZ1bH0o2w3rN8s9tUc';
    // Act
    const padded = (() => {
      try {
        return checkSettings({ hostKey: `${pin}=` }, 'web');
      } catch (error) {
        return (error as { details: unknown }).details;
      }
    })();
    // Assess
    expect(checkSettings({ hostKey: pin }, 'web')).toStrictEqual({ hostKey: pin });
    expect(padded).toStrictEqual([
      { place: 'settings.hostKey', message: 'must be a SHA256 host key fingerprint as ssh-keygen -lf prints it: SHA256: and 43 base64 characters, no trailing =' },
    ]);
  });
});

describe('a project settings change whose republish fails', () => {
  it('leaves each task at the version in force, says so per task, and a second change of the same settings completes it', async () => {
    // Prepare
    const fake = fakeStepFunctions();
    const log = recordingLog();
    const deps = serviceDeps(dynamo.store, fake.sfn, log);
    await changeProject(deps, 'flaky', SETTINGS, 'alice');
    await saveTask(deps, { project: 'flaky', task: 'one', source: taskSource('one'), who: 'alice' });
    fake.mock.on(ValidateStateMachineDefinitionCommand).resolves({ result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'down for maintenance', location: '/States' }], truncated: false });

    // Act
    const failed = await changeProject(deps, 'flaky', { ...SETTINGS, user: 'deploy' }, 'bob');
    const during = await getTaskVersion(deps, 'flaky', 'one');
    fake.mock.on(ValidateStateMachineDefinitionCommand).resolves({ result: 'OK', diagnostics: [], truncated: false });
    const retried = await changeProject(deps, 'flaky', { ...SETTINGS, user: 'deploy' }, 'bob');
    const after = await getTaskVersion(deps, 'flaky', 'one');

    // Assess
    expect(failed.tasks).toStrictEqual([
      { task: 'one', version: 1, error: { code: 'StateMachineRejected', message: 'Step Functions rejected the compiled definition; nothing was saved. /States: down for maintenance' } },
    ]);
    expect(failed.record.settings).toStrictEqual({ ...SETTINGS, user: 'deploy' });
    expect(during.version).toBe(1);
    expect(retried.tasks).toStrictEqual([{ task: 'one', version: 3, previousVersion: 1 }]);
    expect([after.version, after.createdBy, after.cause]).toStrictEqual([3, 'bob', 'project settings changed']);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toStrictEqual(['a task was not brought up to date with its project settings']);
  });
});

describe('a project settings change over many tasks', () => {
  it('saves every task again, a few at a time, and answers them in the order they are listed', async () => {
    // Prepare
    const deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn);
    await changeProject(deps, 'many', SETTINGS, 'alice');
    const names = ['t1', 't2', 't3', 't4', 't5', 't6', 't7'];
    for (const task of names) await saveTask(deps, { project: 'many', task, source: taskSource(task), who: 'alice' });

    // Act
    const changed = await changeProject(deps, 'many', { ...SETTINGS, user: 'deploy' }, 'bob');

    // Assess
    expect(changed.tasks).toStrictEqual(names.map((task) => ({ task, version: 2, previousVersion: 1 })));
    expect((await Promise.all(names.map((task) => getTaskVersion(deps, 'many', task)))).map((v) => [v.version, v.cause])).toStrictEqual(
      names.map(() => [2, 'project settings changed']),
    );
  });
});

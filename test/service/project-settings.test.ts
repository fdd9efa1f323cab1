import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSettings } from '#service/project-settings';
import { saveProject } from '#service/projects';
import { getProject } from '#service/store';
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
});

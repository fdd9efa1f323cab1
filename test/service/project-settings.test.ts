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

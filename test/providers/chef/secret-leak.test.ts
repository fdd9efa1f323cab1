import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { chefActions } from '#providers/chef/actions';
import { createProviderHandler } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import { startGoiardi, type Goiardi } from '../../support/goiardi.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { adminApi, chefClientStandIn, chefEvent, createNode } from './fixtures.ts';

const wrongChefKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

/** Every piece of a secret that must not be seen: the whole value and each long line of it. */
function piecesOf(secret: string): string[] {
  return [secret, ...secret.split('\n').filter((line) => line.trim().length >= 16)];
}

describe('the chef provider keeps secrets out of results, errors and logs', () => {
  let goiardi: Goiardi;
  let sshd: Sshd;
  let root: string;
  let secrets: Record<string, string>;

  beforeAll(async () => {
    [goiardi, sshd] = await Promise.all([startGoiardi(), startSshd()]);
    root = await mkdtemp(join(tmpdir(), 'mastermind-chef-secrets-'));
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'record'));
    await writeFile(join(root, 'bin', 'chef-client'), chefClientStandIn(join(root, 'record')));
    await chmod(join(root, 'bin', 'chef-client'), 0o755);
    await createNode(adminApi(goiardi), { name: 'web-1', ip: '10.0.0.1', runList: ['role[web]'] });
    secrets = {
      '/mastermind/web/chef-admin-key': goiardi.adminKey,
      '/mastermind/web/chef-wrong-key': wrongChefKey,
      '/mastermind/web/chef-not-a-key': 'correct-horse-battery-staple-0123456789',
      '/mastermind/web/ssh-key': sshd.privateKey,
    };
  });
  afterAll(async () => {
    await Promise.all([goiardi?.stop(), sshd?.stop()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('in every action, whether it succeeds or fails', { timeout: 120_000 }, async () => {
    // Prepare
    const ssm = mockClient(SSMClient);
    for (const [name, value] of Object.entries(secrets)) {
      ssm.on(GetParameterCommand, { Name: name, WithDecryption: true }).resolves({ Parameter: { Name: name, Value: value } });
    }
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const handler = createProviderHandler('chef', chefActions({ configDir: join(root, 'etc', 'chef'), path: join(root, 'bin') }), {
      logger: new Logger({ serviceName: 'mastermind-chef', logLevel: 'DEBUG' }),
      secrets: new SecretResolver(() => new SSMClient({ region: 'us-east-1' })),
    });
    const chef = (key: string) => ({ chefServerUrl: goiardi.url, chefClientName: 'admin', chefClientKey: `\${secret:${key}}` });
    const ssh = { host: sshd.host, port: sshd.port, user: sshd.user, key: '${secret:/mastermind/web/ssh-key}', hostKey: sshd.hostKeyFingerprint };
    const events = [
      chefEvent('bootstrap', { ...ssh, ...chef('/mastermind/web/chef-admin-key'), nodeName: 'web-1', runList: ['role[web]'], installCommand: 'false' }),
      chefEvent('bootstrap', { ...ssh, ...chef('/mastermind/web/chef-admin-key'), nodeName: 'web-2', runList: ['recipe[broken]'], installCommand: 'false' }),
      chefEvent('converge', { ...ssh }),
      chefEvent('converge', { ...ssh, runList: ['recipe[broken]'] }),
      chefEvent('search', { ...chef('/mastermind/web/chef-admin-key'), query: 'name:*' }),
      chefEvent('search', { ...chef('/mastermind/web/chef-wrong-key'), query: 'name:*' }),
      chefEvent('search', { ...chef('/mastermind/web/chef-not-a-key'), query: 'name:*' }),
      chefEvent('set-run-list', { ...chef('/mastermind/web/chef-admin-key'), nodeName: 'web-1', runList: ['role[db]'] }),
      chefEvent('set-run-list', { ...chef('/mastermind/web/chef-admin-key'), nodeName: 'ghost', runList: ['role[db]'] }),
      chefEvent('deregister', { ...chef('/mastermind/web/chef-admin-key'), nodeName: 'web-1' }),
      chefEvent('deregister', { ...chef('/mastermind/web/chef-wrong-key'), nodeName: 'web-1' }),
    ];

    // Act
    const seen: string[] = [];
    const outcomes: string[] = [];
    for (const event of events) {
      const outcome = await handler(event).then(
        (result) => {
          seen.push(JSON.stringify(result));
          return `${event.action}: output`;
        },
        (error: Error) => {
          seen.push(error.message, String(error.stack), JSON.stringify(error));
          return `${event.action}: ${error.name}`;
        },
      );
      outcomes.push(outcome);
    }
    vi.mocked(process.stdout.write).mockRestore();
    vi.mocked(process.stderr.write).mockRestore();

    // Assess
    expect(outcomes).toStrictEqual([
      'bootstrap: output',
      'bootstrap: Mastermind.Failed',
      'converge: output',
      'converge: Mastermind.Failed',
      'search: output',
      'search: Mastermind.Failed',
      'search: Mastermind.Invalid',
      'set-run-list: output',
      'set-run-list: Mastermind.Failed',
      'deregister: output',
      'deregister: Mastermind.Failed',
    ]);
    expect(written.join('')).toContain('"action":"bootstrap"');
    const nodeKey = await readFile(join(root, 'etc', 'chef', 'client.pem'), 'utf8');
    const everything = [...seen, ...written].join('\n');
    for (const secret of [...Object.values(secrets), nodeKey]) {
      for (const piece of piecesOf(secret)) expect(everything).not.toContain(piece);
    }
  });
});

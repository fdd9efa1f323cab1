import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientRb, type NodeSettings } from '#providers/chef/node-setup';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { chefClientStandIn, chefEvent, chefHandler } from './fixtures.ts';

/** converge talks to the node only: the chef server inputs are required by the catalog but not called. */

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('chef converge over SSH', () => {
  let sshd: Sshd;
  let root: string;
  let record: string;
  let settings: NodeSettings;

  const sshInputs = () => ({ host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey, hostKey: sshd.hostKeyFingerprint });
  const recordedArgs = async () => (await readFile(join(record, 'args'), 'utf8')).split('\0').slice(0, -1);

  beforeAll(async () => {
    sshd = await startSshd();
    root = await mkdtemp(join(tmpdir(), 'mastermind-chef-converge-'));
    record = join(root, 'record');
    settings = { configDir: join(root, 'etc', 'chef'), path: join(root, 'bin') };
    await mkdir(join(root, 'bin'));
    await writeFile(join(root, 'bin', 'chef-client'), chefClientStandIn(record));
    await chmod(join(root, 'bin', 'chef-client'), 0o755);
    await mkdir(settings.configDir, { recursive: true });
    await writeFile(
      join(settings.configDir, 'client.rb'),
      clientRb({ chefServerUrl: 'https://chef.example.com', nodeName: 'web-7', environment: '_default' }, settings),
    );
  });
  beforeEach(async () => {
    await rm(record, { recursive: true, force: true });
    await mkdir(record);
  });
  afterAll(async () => {
    await sshd?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('runs chef-client with the node\'s configuration and reports the node name from it', async () => {
    // Act
    const result = await chefHandler(settings)(chefEvent('converge', { ...sshInputs() }));

    // Assess
    expect(result).toStrictEqual({
      output: {
        nodeName: 'web-7',
        exitCode: 0,
        stdout: 'Starting Chef Client (stand-in)\nChef Client finished',
        stderr: '',
        truncated: false,
      },
    });
    expect(await recordedArgs()).toStrictEqual([join(root, 'bin', 'chef-client'), '-c', join(settings.configDir, 'client.rb')]);
  });

  it('passes an override run list with -o, hostile items as data', async () => {
    // Prepare
    const marker = join(root, 'pwned');
    const runList = ['role[web]', `recipe[a]'; touch ${marker}; echo '`, `$(touch ${marker})`];

    // Act
    const result = await chefHandler(settings)(chefEvent('converge', { ...sshInputs(), nodeName: 'web-8', runList }));

    // Assess
    expect(result).toMatchObject({ output: { nodeName: 'web-8', exitCode: 0 } });
    expect(await recordedArgs()).toStrictEqual([
      join(root, 'bin', 'chef-client'),
      '-c',
      join(settings.configDir, 'client.rb'),
      '-o',
      runList.join(','),
    ]);
    expect(await exists(marker)).toBe(false);
  });

  it('keeps the tail of a long output and says it was cut', async () => {
    // Act
    const result = await chefHandler(settings)(
      chefEvent('converge', { ...sshInputs(), nodeName: 'web-7', runList: ['recipe[chatty]'] }),
    );

    // Assess
    const output = (result as { output: { stdout: string; truncated: boolean } }).output;
    expect(output.truncated).toBe(true);
    // Its last 8 KiB, less the final newline.
    expect(output.stdout).toHaveLength(8191);
    expect(output.stdout.endsWith('chatty line 399: 0123456789012345678901234567890123456789\nChef Client finished')).toBe(true);
  });

  it('fails with the tail of stderr when chef-client fails', async () => {
    // Act
    const failure = await chefHandler(settings)(
      chefEvent('converge', { ...sshInputs(), runList: ['recipe[broken]'] }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'chef-client on 127.0.0.1 failed with exit code 1: FATAL: Stacktrace dumped\nFATAL: recipe[broken] failed',
    });
  });

  it('fails when chef-client is not installed on the node', async () => {
    // Act
    const failure = await chefHandler({ ...settings, path: join(root, 'empty-bin') })(
      chefEvent('converge', { ...sshInputs() }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'Mastermind.Failed', message: 'chef-client is not installed on 127.0.0.1: bootstrap it first' });
  });

  it('runs chef-client detached when the event says so, polls it, and answers as an attached run does', async () => {
    // Prepare
    const handler = chefHandler(settings);
    const base = chefEvent('converge', { ...sshInputs() });
    const event = { ...base, context: { ...base.context, execution: `exec-converge-${Date.now()}`, detach: true } };

    // Act
    const first = await handler(event);
    let answer: unknown = first;
    for (let round = 0; round < 40 && answer && typeof answer === 'object' && 'poll' in answer; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await handler({ ...event, phase: 'poll', poll: (first as { poll: { state: unknown } }).poll.state }).catch((error: Error) =>
        error.name === 'Mastermind.Waiting' ? first : error,
      );
    }

    // Assess
    expect(first).toMatchObject({ poll: { after: 2, state: { data: { nodeName: 'web-7' } } } });
    expect(answer).toStrictEqual({
      output: {
        nodeName: 'web-7',
        exitCode: 0,
        stdout: 'Starting Chef Client (stand-in)\nChef Client finished',
        stderr: '',
        truncated: false,
      },
    });
    expect(await recordedArgs()).toStrictEqual([join(root, 'bin', 'chef-client'), '-c', join(settings.configDir, 'client.rb')]);
  });
});

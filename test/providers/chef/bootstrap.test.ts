import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChefApi } from '#providers/chef/client';
import type { NodeSettings } from '#providers/chef/node-setup';
import type { ProviderEvent } from '#providers/contract';
import { startGoiardi, type Goiardi } from '../../support/goiardi.ts';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { adminApi, adminInputs, chefClientStandIn, chefEvent, chefHandler } from './fixtures.ts';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('chef bootstrap over SSH, against goiardi', () => {
  let goiardi: Goiardi;
  let sshd: Sshd;
  let root: string;
  /** Where the chef-client stand-in waits to be installed: a path with a space and a quote in it. */
  let staged: string;
  let record: string;
  let configDir: string;
  let settings: NodeSettings;

  const sshInputs = () => ({ host: sshd.host, port: sshd.port, user: sshd.user, key: sshd.privateKey, hostKey: sshd.hostKeyFingerprint });
  const installStandIn = () => ({ template: 'mkdir -p {{0}} && cp {{1}} {{0}}/chef-client', values: { 0: join(root, 'bin'), 1: staged } });
  const recordedArgs = async () => (await readFile(join(record, 'args'), 'utf8')).split('\0').slice(0, -1);

  beforeAll(async () => {
    [goiardi, sshd] = await Promise.all([startGoiardi(), startSshd()]);
    root = await mkdtemp(join(tmpdir(), 'mastermind-chef-bootstrap-'));
    record = join(root, 'record');
    configDir = join(root, 'etc chef');
    await mkdir(join(root, "it's staged"));
    staged = join(root, "it's staged", 'chef-client');
    await writeFile(staged, chefClientStandIn(record));
    await chmod(staged, 0o755);
    settings = { configDir, path: join(root, 'bin') };
  });
  beforeEach(async () => {
    await rm(record, { recursive: true, force: true });
    await mkdir(record);
  });
  afterAll(async () => {
    await Promise.all([goiardi?.stop(), sshd?.stop()]);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('installs chef-client when missing, registers the client, writes the configuration and runs chef-client', async () => {
    // Prepare
    const handler = chefHandler(settings);

    // Act
    const result = await handler(
      chefEvent('bootstrap', {
        ...sshInputs(),
        ...adminInputs(goiardi),
        nodeName: 'web-1',
        runList: ['role[web]', 'recipe[nginx::default]'],
        environment: 'production',
        installCommand: installStandIn(),
      }),
    );

    // Assess
    expect(result).toStrictEqual({ output: { nodeName: 'web-1', runList: ['role[web]', 'recipe[nginx::default]'], exitCode: 0 } });
    expect(await recordedArgs()).toStrictEqual([
      join(root, 'bin', 'chef-client'),
      '-c',
      join(configDir, 'client.rb'),
      '-j',
      join(configDir, 'first-boot.json'),
      '-E',
      'production',
    ]);
    const expectedClientRb = [
      '# Written by Mastermind (chef bootstrap).',
      `chef_server_url '${goiardi.url}'`,
      "node_name 'web-1'",
      `client_key '${join(configDir, 'client.pem')}'`,
      "environment 'production'",
      'log_location STDOUT',
      '',
    ].join('\n');
    expect(await readFile(join(configDir, 'client.rb'), 'utf8')).toBe(expectedClientRb);
    expect(await readFile(join(record, 'client.rb'), 'utf8')).toBe(expectedClientRb);
    expect(JSON.parse(await readFile(join(configDir, 'first-boot.json'), 'utf8'))).toStrictEqual({ run_list: ['role[web]', 'recipe[nginx::default]'] });
    expect((await stat(join(configDir, 'client.pem'))).mode & 0o777).toBe(0o600);
    const asNode = new ChefApi({ url: goiardi.url, clientName: 'web-1', clientKey: await readFile(join(configDir, 'client.pem'), 'utf8') });
    expect((await asNode.get<{ name: string; admin: boolean }>('/clients/web-1')).body).toMatchObject({ name: 'web-1', admin: false });
  });

  it('keeps an installed chef-client and gives the node a new key when bootstrapped again', async () => {
    // Prepare
    const handler = chefHandler(settings);
    const marker = join(root, 'install-ran');
    const input = { ...sshInputs(), ...adminInputs(goiardi), nodeName: 'web-2', runList: ['role[web]'] };
    await handler(chefEvent('bootstrap', { ...input, installCommand: installStandIn() }));
    const firstKey = await readFile(join(configDir, 'client.pem'), 'utf8');

    // Act
    const result = await handler(
      chefEvent('bootstrap', { ...input, installCommand: { template: 'touch {{0}}; exit 3', values: { 0: marker } } }),
    );

    // Assess
    expect(result).toStrictEqual({ output: { nodeName: 'web-2', runList: ['role[web]'], exitCode: 0 } });
    expect(await exists(marker)).toBe(false);
    const secondKey = await readFile(join(configDir, 'client.pem'), 'utf8');
    expect(secondKey).not.toBe(firstKey);
    const asNow = new ChefApi({ url: goiardi.url, clientName: 'web-2', clientKey: secondKey });
    const asBefore = new ChefApi({ url: goiardi.url, clientName: 'web-2', clientKey: firstKey });
    expect((await asNow.get('/clients/web-2')).status).toBe(200);
    expect(await asBefore.get('/clients/web-2').catch((error: unknown) => error)).toMatchObject({ name: 'Mastermind.Failed' });
  });

  it('names the node after the host\'s hostname when nodeName is left out', async () => {
    // Prepare
    const handler = chefHandler(settings);
    const hostname = execSync('hostname -f 2>/dev/null || hostname', { encoding: 'utf8' }).trim();

    // Act
    const result = await handler(
      chefEvent('bootstrap', { ...sshInputs(), ...adminInputs(goiardi), runList: ['role[web]'], installCommand: installStandIn() }),
    );

    // Assess
    expect(result).toStrictEqual({ output: { nodeName: hostname, runList: ['role[web]'], exitCode: 0 } });
    expect(await readFile(join(configDir, 'client.rb'), 'utf8')).toContain(`node_name '${hostname}'`);
    expect((await adminApi(goiardi).get(`/clients/${hostname}`)).status).toBe(200);
  });

  it('passes a hostile run list to chef-client as data, never as shell or Ruby', async () => {
    // Prepare
    const handler = chefHandler(settings);
    const marker = join(root, 'pwned');
    const runList = [`role[web]'; touch ${marker}; echo '`, `$(touch ${marker})`, `\`touch ${marker}\``, `recipe[a]"; touch ${marker} #\n`];

    // Act
    const result = await handler(
      chefEvent('bootstrap', { ...sshInputs(), ...adminInputs(goiardi), nodeName: 'web-3', runList, installCommand: installStandIn() }),
    );

    // Assess
    expect(result).toStrictEqual({ output: { nodeName: 'web-3', runList, exitCode: 0 } });
    expect(JSON.parse(await readFile(join(configDir, 'first-boot.json'), 'utf8'))).toStrictEqual({ run_list: runList });
    expect(await recordedArgs()).toStrictEqual([
      join(root, 'bin', 'chef-client'),
      '-c',
      join(configDir, 'client.rb'),
      '-j',
      join(configDir, 'first-boot.json'),
      '-E',
      '_default',
    ]);
    expect(await exists(marker)).toBe(false);
  });

  it.each([
    ['nodeName', { nodeName: "web'; touch /tmp/pwned #" }, `nodeName "web'; touch /tmp/pwned #" may hold only letters, digits, _ . and -`],
    ['nodeName', { nodeName: 'web/../admin' }, 'nodeName "web/../admin" may hold only letters, digits, _ . and -'],
    ['environment', { environment: "prod' ; system('id') #" }, `environment "prod' ; system('id') #" may hold only letters, digits, _ and -`],
    [
      'installCommand',
      { installCommand: { template: "apt-get install -y '{{0}}'", values: { 0: 'chef' } } },
      'installCommand: the value {{0}} stands inside single quotes, where the shell expands nothing: remove the quotes around it (values are quoted for you)',
    ],
  ])('refuses a hostile %s as Invalid before touching the node or the server', async (_field, hostile, message) => {
    // Prepare
    const handler = chefHandler(settings);
    const clientsBefore = (await adminApi(goiardi).get<Record<string, string>>('/clients')).body;

    // Act
    const failure = await handler(
      chefEvent('bootstrap', { ...sshInputs(), ...adminInputs(goiardi), nodeName: 'web-4', installCommand: installStandIn(), ...hostile }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ name: 'Mastermind.Invalid', message });
    expect(await exists(join(record, 'args'))).toBe(false);
    expect((await adminApi(goiardi).get<Record<string, string>>('/clients')).body).toStrictEqual(clientsBefore);
  });

  it('fails with the tail of chef-client\'s stderr when the first run fails', async () => {
    // Prepare
    const handler = chefHandler(settings);

    // Act
    const failure = await handler(
      chefEvent('bootstrap', {
        ...sshInputs(),
        ...adminInputs(goiardi),
        nodeName: 'web-5',
        runList: ['recipe[broken]'],
        installCommand: installStandIn(),
      }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'the first chef-client run on 127.0.0.1 failed with exit code 1: FATAL: Stacktrace dumped\nFATAL: recipe[broken] failed',
    });
  });

  it('fails when the install command fails, with its output', async () => {
    // Prepare
    const handler = chefHandler({ configDir, path: join(root, 'empty-bin') });

    // Act
    const failure = await handler(
      chefEvent('bootstrap', {
        ...sshInputs(),
        ...adminInputs(goiardi),
        nodeName: 'web-6',
        installCommand: 'echo "no package repository" >&2; exit 4',
      }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'installing chef-client on 127.0.0.1 failed with exit code 4: no package repository',
    });
    expect((await adminApi(goiardi).get('/clients/web-6', { accept: [404] })).status).toBe(404);
  });

  it('fails when the install command succeeds but installs no chef-client', async () => {
    // Prepare
    const handler = chefHandler({ configDir, path: join(root, 'empty-bin') });

    // Act
    const failure = await handler(
      chefEvent('bootstrap', { ...sshInputs(), ...adminInputs(goiardi), nodeName: 'web-7', installCommand: 'true' }),
    ).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Failed',
      message: 'installCommand ran on 127.0.0.1, but chef-client is still not on its PATH',
    });
  });

  it('ends a slow install on the host when the henchman timeout runs out, before anything is registered (Mastermind.Timeout)', async () => {
    // Prepare
    const handler = chefHandler({ configDir, path: join(root, 'empty-bin') });
    const marker = join(root, 'installed-late');
    const event = chefEvent('bootstrap', {
      ...sshInputs(),
      ...adminInputs(goiardi),
      nodeName: 'web-8',
      installCommand: { template: 'sleep 3; touch {{0}}', values: { 0: marker } },
    });

    // Act
    const started = Date.now();
    const failure = await handler({ ...event, context: { ...event.context, timeout: 1 } }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 4000 - Date.now()))); // past the sleep

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Timeout',
      message: `henchman 'configure' ran out of its timeout (1s): the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}`,
    });
    expect(await exists(marker)).toBe(false);
    expect((await adminApi(goiardi).get('/clients/web-8', { accept: [404] })).status).toBe(404);
  });

  describe('detached (context.detach: a timeout beyond one invocation, or detach: true)', () => {
    let executions = 0;
    /** A bootstrap event of an execution of its own (a job's directory is per execution), detached, with `context`. */
    const detachedEvent = (input: Record<string, unknown>, context: Partial<ProviderEvent['context']> = {}) => {
      const base = chefEvent('bootstrap', { ...sshInputs(), ...adminInputs(goiardi), ...input });
      const execution = `exec-bootstrap-${process.pid}-${++executions}`;
      return { ...base, context: { ...base.context, execution, detach: true, ...context } };
    };
    /** Where an install puts the stand-in: a directory of its own per test, so chef-client is missing at first. */
    const installInto = (dir: string) => ({ template: 'sleep 1; mkdir -p {{0}} && cp {{1}} {{0}}/chef-client', values: { 0: dir, 1: staged } });

    /** The first answer, every answer after it (polls), and the last: the output or the error. */
    async function playDetached(handler: ReturnType<typeof chefHandler>, event: ProviderEvent): Promise<{ answers: unknown[]; last: unknown }> {
      const answers: unknown[] = [];
      let answer: unknown = await handler(event);
      answers.push(answer);
      for (let round = 0; round < 80 && answer && typeof answer === 'object' && 'poll' in answer; round += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const state = (answer as { poll: { state: unknown } }).poll.state;
        answer = await handler({ ...event, phase: 'poll', poll: state }).catch((error: Error) => (error.name === 'Mastermind.Waiting' ? answer : error));
        if (answer !== answers[answers.length - 1]) answers.push(answer);
      }
      return { answers, last: answer };
    }

    it('registers and writes, then installs and runs chef-client as one job detached on the host, polled; answers as attached', async () => {
      // Prepare
      const bin = join(root, 'bin-detached');
      const handler = chefHandler({ configDir, path: bin });
      const event = detachedEvent({ nodeName: 'web-9', runList: ['role[web]'], environment: 'production', installCommand: installInto(bin), timeout: '1h' }, { timeout: 7200 });
      const execution = event.context.execution;

      // Act
      const { answers, last } = await playDetached(handler, event);

      // Assess
      expect(answers[0]).toMatchObject({ poll: { after: 2, state: { dir: `.mastermind/${execution}/configure-1-do`, seconds: 3600, byDeadline: false, data: { nodeName: 'web-9', installs: true } } } });
      expect(last).toStrictEqual({ output: { nodeName: 'web-9', runList: ['role[web]'], exitCode: 0 } });
      expect(await recordedArgs()).toStrictEqual([join(bin, 'chef-client'), '-c', join(configDir, 'client.rb'), '-j', join(configDir, 'first-boot.json'), '-E', 'production']);
      expect(await readFile(join(configDir, 'client.rb'), 'utf8')).toContain("node_name 'web-9'");
      const asNode = new ChefApi({ url: goiardi.url, clientName: 'web-9', clientKey: await readFile(join(configDir, 'client.pem'), 'utf8') });
      expect((await asNode.get<{ name: string }>('/clients/web-9')).body).toMatchObject({ name: 'web-9' });
      expect(existsSync(join(homedir(), '.mastermind', execution))).toBe(false);
    });

    it('starts the first run at once when chef-client is installed, and fails with its stderr as attached', async () => {
      // Prepare: the stand-in is where the settings' PATH looks
      const bin = join(root, 'bin-present');
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, 'chef-client'), chefClientStandIn(record));
      await chmod(join(bin, 'chef-client'), 0o755);
      const handler = chefHandler({ configDir, path: bin });
      const event = detachedEvent({ nodeName: 'web-10', runList: ['recipe[broken]'], installCommand: 'exit 9' });

      // Act
      const { answers, last } = await playDetached(handler, event);

      // Assess
      expect((answers[0] as { poll: { state: { data: unknown } } }).poll.state.data).toStrictEqual({ nodeName: 'web-10', installs: false });
      expect(last).toMatchObject({
        name: 'Mastermind.Failed',
        message: 'the first chef-client run on 127.0.0.1 failed with exit code 1: FATAL: Stacktrace dumped\nFATAL: recipe[broken] failed',
      });
      expect((await adminApi(goiardi).get('/clients/web-10')).status).toBe(200);
    });

    it('takes back the client it registered when the install fails, and says so with the install\'s output', async () => {
      // Prepare
      const handler = chefHandler({ configDir, path: join(root, 'empty-bin') });
      const event = detachedEvent({ nodeName: 'web-11', installCommand: 'echo "no package repository" >&2; exit 4' });

      // Act
      const { last } = await playDetached(handler, event);

      // Assess
      expect(last).toMatchObject({ name: 'Mastermind.Failed', message: 'installing chef-client on 127.0.0.1 failed with exit code 4: no package repository' });
      // It had registered the client and written its configuration before the install ran; the client is gone again.
      expect(await readFile(join(configDir, 'client.rb'), 'utf8')).toContain("node_name 'web-11'");
      expect((await adminApi(goiardi).get('/clients/web-11', { accept: [404] })).status).toBe(404);
      expect(existsSync(join(homedir(), '.mastermind', event.context.execution))).toBe(false);
    });

    it('ends a slow install on the host at the henchman\'s timeout: Mastermind.Timeout, its client taken back, chef-client never run', async () => {
      // Prepare
      const handler = chefHandler({ configDir, path: join(root, 'empty-bin') });
      const marker = join(root, 'installed-late-detached');
      const event = detachedEvent({ nodeName: 'web-12', installCommand: { template: 'sleep 4; touch {{0}}', values: { 0: marker } } }, { timeout: 1 });

      // Act
      const started = Date.now();
      const { last } = await playDetached(handler, event);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 5000 - Date.now()))); // past the sleep

      // Assess
      expect(last).toMatchObject({
        name: 'Mastermind.Timeout',
        message: `henchman 'configure' ran out of its timeout (1s): the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}`,
      });
      expect(await exists(marker)).toBe(false);
      expect(await exists(join(record, 'args'))).toBe(false);
      expect(await readFile(join(configDir, 'client.rb'), 'utf8')).toContain("node_name 'web-12'");
      expect((await adminApi(goiardi).get('/clients/web-12', { accept: [404] })).status).toBe(404);
    });
  });
});

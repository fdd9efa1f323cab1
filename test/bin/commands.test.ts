import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#task/catalog';
import { checkAsl } from '#task/check-asl';
import { main } from '../../bin/commands/index.ts';
import type { Io } from '../../bin/commands/io.ts';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

let dir: string;
const small = `task: small
plot:
  - name: hello
    provider: ssh
    action: run
    with: { host: web-1, user: ops, key: "\${secret:/mastermind/default/ssh-key}", command: "echo hello" }
    undo: { action: run, with: { host: web-1, user: ops, key: "\${secret:/mastermind/default/ssh-key}", command: "echo bye" } }
  - name: check
    provider: ssh
    action: run
    with: { host: web-1, user: ops, key: "\${secret:/mastermind/default/ssh-key}", command: "true" }
    onFailure: { retreat: hello, times: 1 }
`;
const broken = `task: Broken
plot:
  - name: hello
    provider: ssh
    action: runn
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mastermind-cli-'));
  await writeFile(join(dir, 'small.yaml'), small);
  await writeFile(join(dir, 'broken.yaml'), broken);
});

describe('mastermind validate', () => {
  it('says ok with the task name and henchman count for a valid task', async () => {
    const io = capture();
    const code = await main(['validate', join(dir, 'small.yaml')], io);
    expect({ code, out: io.out(), err: io.err() }).toStrictEqual({ code: 0, out: 'ok: task small, 2 henchmen\n', err: '' });
  });

  it('prints every error with file, line and column, and exits 1', async () => {
    const io = capture();
    const code = await main(['validate', join(dir, 'broken.yaml')], io);

    const file = join(dir, 'broken.yaml');
    expect(code).toBe(1);
    expect(io.err()).toBe(
      [
        `${file}:1:1 task: the task name 'Broken' is not a valid name: use lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 64 characters (bad-name)`,
        `${file}:5:5 plot[0].action: the provider 'ssh' has no action 'runn' (did you mean 'run'?); its actions are 'run', 'script', 'upload' and 'wait-reachable' (unknown-action)`,
        `2 errors in ${file}`,
        '',
      ].join('\n'),
    );
    expect(io.out()).toBe('');
  });

  it('exits 2 with the usage when the file is missing', async () => {
    const io = capture();
    const code = await main(['validate', join(dir, 'nope.yaml')], io);
    expect({ code, err: io.err() }).toStrictEqual({
      code: 2,
      err: `mastermind validate: task file ${join(dir, 'nope.yaml')} does not exist\nusage: mastermind validate <task file> [--project <settings>] [--secrets-path <path>] [--shared-secrets-path <path>]\n`,
    });
  });
});

describe('mastermind compile', () => {
  it('prints only the ASL definition, with the provider ARNs given', async () => {
    const io = capture();
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:ssh-provider';
    const code = await main(['compile', join(dir, 'small.yaml'), '--providers', `ssh=${arn}`], io);
    const definition = JSON.parse(io.out()) as { StartAt: string; States: Record<string, { Resource?: string }> };
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(definition.States.hello!.Resource).toBe(arn);
    expect(checkAsl(definition)).toStrictEqual({ isValid: true, errors: [] });
  });

  it('rejects a provider map naming an unknown provider', async () => {
    const io = capture();
    const code = await main(['compile', join(dir, 'small.yaml'), '--providers', 'ftp=arn:aws:lambda:x'], io);
    expect(code).toBe(2);
    expect(io.err()).toContain('--providers names ftp, which is not a provider (ec2, ssh, chef)');
  });
});

describe('mastermind graph', () => {
  it('draws henchmen, advance, retreat and abort edges and undo moves in Mermaid', async () => {
    const io = capture();
    const code = await main(['graph', join(dir, 'small.yaml')], io);
    expect(code).toBe(0);
    expect(io.out()).toBe(
      [
        'flowchart TD',
        '  __start(("small"))',
        '  h_hello["hello<br/>ssh run"]',
        '  h_hello_undo[/"undo: ssh run"/]',
        '  h_hello -.- h_hello_undo',
        '  h_check["check<br/>ssh run"]',
        '  __end(("end"))',
        '  __fail(("fail"))',
        '  __start --> h_hello',
        '  h_hello --> h_check',
        '  h_hello -. "on failure: abort" .-> __fail',
        '  h_check --> __end',
        '  h_check -. "retreat (at most 1×)" .-> h_hello',
        '  h_check -. "on failure: abort" .-> __fail',
        '',
      ].join('\n'),
    );
  });

  it('draws the same task in Graphviz DOT', async () => {
    const io = capture();
    const code = await main(['graph', join(dir, 'small.yaml'), '--format', 'dot'], io);
    expect(code).toBe(0);
    expect(io.out()).toBe(
      [
        'digraph "small" {',
        '  rankdir=TB;',
        '  node [shape=box, style=rounded];',
        '  __start [label="small", shape=circle];',
        '  h_hello [label="hello\nssh run"];',
        '  h_hello_undo [label="undo: ssh run", shape=parallelogram, style=dashed];',
        '  h_hello -> h_hello_undo [style=dotted, arrowhead=none];',
        '  h_check [label="check\nssh run"];',
        '  __end [label="end", shape=doublecircle];',
        '  __fail [label="fail", shape=doublecircle];',
        '  __start -> h_hello;',
        '  h_hello -> h_check;',
        '  h_hello -> __fail [label="on failure: abort", style=dashed];',
        '  h_check -> __end;',
        '  h_check -> h_hello [label="retreat (at most 1×)", style=dashed];',
        '  h_check -> __fail [label="on failure: abort", style=dashed];',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('draws goto, continue and next edges', async () => {
    // Prepare
    const io = capture();
    const host = 'with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: "true" }';
    await writeFile(
      join(dir, 'jumps.yaml'),
      [
        'task: jumps',
        'plot:',
        `  - { name: check, provider: ssh, action: run, ${host}, onFailure: { goto: notify } }`,
        `  - { name: work, provider: ssh, action: run, ${host}, onFailure: continue, next: end }`,
        `  - { name: notify, provider: ssh, action: run, ${host} }`,
        '',
      ].join('\n'),
    );
    // Act
    const code = await main(['graph', join(dir, 'jumps.yaml')], io);
    // Assess
    expect({ code, err: io.err() }).toStrictEqual({ code: 0, err: '' });
    expect(io.out().split('\n').filter((line) => line.includes('-->') || line.includes('.->'))).toStrictEqual([
      '  __start --> h_check',
      '  h_check --> h_work',
      '  h_check -. "on failure: goto" .-> h_notify',
      '  h_work -->|next| __end',
      '  h_work -. "on failure: continue" .-> __end',
      '  h_notify --> __end',
      '  h_notify -. "on failure: abort" .-> __fail',
    ]);
  });

  it('refuses an unknown format', async () => {
    const io = capture();
    expect(await main(['graph', join(dir, 'small.yaml'), '--format', 'png'], io)).toBe(2);
    expect(io.err()).toBe('usage: mastermind graph <task file> [--format mermaid|dot]\n');
  });
});

describe('mastermind rehearse', () => {
  const example = (file: string) => fileURLToPath(new URL(`../../examples/${file}`, import.meta.url));
  /** The printed lines without their time column, which varies from run to run. */
  const withoutTimes = (text: string) => text.split('\n').map((line) => line.replace(/^ *\d+\.\d{3}s {2}/, '').replace(/ in \d+\.\d{2}s:/, ' in <time>:'));

  it('prints every move of scale-out as it happens, the retreat included, and exits 0', async () => {
    // Prepare
    const io = capture();
    // Act
    const code = await main(['rehearse', example('scale-out.yaml'), '--scenario', example('scale-out.scenario.yaml')], io);
    // Assess
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(withoutTimes(io.out())).toStrictEqual([
      `rehearsing scale-out: 4 henchmen, scenario ${example('scale-out.scenario.yaml')}`,
      "provision  do    launch          waiting: ask again in 10s",
      "provision  poll  launch          waiting: ask again in 10s",
      "provision  poll  launch          ok {\"instanceId\":\"i-0a1b2c3d4e5f60001\",\"privateIp\":\"10.0.1.17\",\"publicIp\":\"\",\"privateDns\":\"ip-10-0-1-1…",
      "reachable  do    wait-reachable  ok {\"host\":\"10.0.1.17\",\"hostKey\":\"SHA256:Xj1mV0ZkT4Q3m3lq1yXkq0pD6jZ1bH0o2w3rN8s9tUc\"}",
      "configure  do    bootstrap       FAILED Mastermind.Failed: chef-client exited 1: Chef::Exceptions::ResourceNotFound: package[nginx] not found",
      "provision  undo  terminate       ok {\"instanceId\":\"i-0a1b2c3d4e5f60001\",\"instanceIds\":[\"i-0a1b2c3d4e5f60001\"],\"state\":\"terminated\"}",
      "provision  do    launch          waiting: ask again in 10s",
      "provision  poll  launch          ok {\"instanceId\":\"i-0a1b2c3d4e5f60002\",\"privateIp\":\"10.0.1.42\",\"publicIp\":\"\",\"privateDns\":\"ip-10-0-1-4…",
      "reachable  do    wait-reachable  ok {\"host\":\"10.0.1.42\",\"hostKey\":\"SHA256:9h3kq2Lw0rJ5b8xT1nV4cM7zQ6pY2sD0fG3aE5uK8iO\"}",
      "configure  do    bootstrap       ok {\"nodeName\":\"web-i-0a1b2c3d4e5f60002\",\"runList\":[\"role[web]\"],\"exitCode\":0}",
      "connect    do    run             ok {\"exitCode\":0,\"stdout\":\"backend 10.0.1.42 added\",\"stderr\":\"\",\"truncated\":false}",
      // The retreat walks back over configure, reachable and provision (undone): 17 of them (lambdas/task/compiler/walk.ts).
      "SUCCEEDED in <time>: 11 moves, 26 state transitions",
      "",
    ]);
  });

  it('exits 1 and names the error when the rehearsal ends in failure (replace-node rolls back)', async () => {
    // Prepare
    const io = capture();
    const params = JSON.stringify({ oldInstanceId: 'i-0123456789abcdef0', oldNodeName: 'web-old' });
    // Act
    const code = await main(['rehearse', example('replace-node.yaml'), '--scenario', example('replace-node.scenario.yaml'), '--params', params], io);
    // Assess
    expect(code).toBe(1);
    const last = withoutTimes(io.out()).at(-2);
    expect(last).toBe(
      'FAILED in <time>: 7 moves, 19 state transitions (Mastermind.Failed: curl: (7) Failed to connect to localhost port 8080: Connection refused)',
    );
  });

  it('refuses a scenario file that is not valid, saying where', async () => {
    // Prepare
    const io = capture();
    await writeFile(join(dir, 'bad-scenario.yaml'), 'henchmen: { hello: [{ explode: now }] }\n');
    // Act
    const code = await main(['rehearse', join(dir, 'small.yaml'), '--scenario', join(dir, 'bad-scenario.yaml')], io);
    // Assess
    expect(code).toBe(2);
    expect(io.err().split('\n')[0]).toBe('mastermind rehearse: the scenario is not valid:');
  });
});

describe('mastermind', () => {
  it('lists the commands when asked for help', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('  rehearse    run the task locally against a scenario\n');
  });

  it('refuses an unknown command with exit 2', async () => {
    const io = capture();
    expect(await main(['deploy'], io)).toBe(2);
    expect(io.err().split('\n')[0]).toBe('mastermind: unknown command deploy');
  });
});

describe('mastermind providers and schema', () => {
  it('prints the provider reference the README holds, and exits 0', async () => {
    // Prepare
    const io = capture();
    const readme = await readFile(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    // Act
    const code = await main(['providers'], io);
    // Assess
    expect(code).toBe(0);
    expect(io.err()).toBe('');
    expect(readme).toContain(io.out());
    const actions = Object.values(catalog).flatMap((provider) => Object.keys(provider.actions));
    expect(io.out().split('\n').filter((line) => line.startsWith('| **')).length).toBe(actions.length);
  });

  it('prints the JSON Schema that schema/task.schema.json holds, and exits 0', async () => {
    // Prepare
    const io = capture();
    const file = await readFile(fileURLToPath(new URL('../../schema/task.schema.json', import.meta.url)), 'utf8');
    // Act
    const code = await main(['schema'], io);
    // Assess
    expect(code).toBe(0);
    expect(io.out()).toBe(file);
  });

  it('refuses arguments it does not take with its usage, exit 2', async () => {
    // Prepare
    const io = capture();
    // Act
    const codes = [await main(['providers', 'ec2'], io), await main(['schema', 'x'], io)];
    // Assess
    expect(codes).toStrictEqual([2, 2]);
    expect(io.err()).toBe('usage: mastermind providers\nusage: mastermind schema\n');
  });
});

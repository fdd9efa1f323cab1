/**
 * The CLI's API commands against local mode over HTTP (what `mastermind serve` runs: the real API code, dynalite,
 * the local Step Functions), with the real ssh provider against the loopback sshd for the moves. Outputs are checked
 * whole; only times are put to a fixed value (`at`), with their length kept so tables stay aligned.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli.ts';
import { commandHelp, commands } from '../../bin/commands/index.ts';
import { LocalSecrets } from '#local/providers';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import { startSshd } from '../support/sshd.ts';
import type { Sshd } from '../support/sshd.ts';

let sshd: Sshd;
let local: LocalService;
let dir: string;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  sshd = await startSshd();
  local = await startLocalService({ secrets: new LocalSecrets({ '/mastermind/web/ssh-key': sshd.privateKey }) });
  dir = await mkdtemp(join(tmpdir(), 'mastermind-api-commands-'));
}, 30_000);

afterAll(async () => {
  await local?.close();
  await sshd?.stop();
  vi.unstubAllEnvs();
});

const cli = (...args: string[]) => runCli(local.url, ...args);

async function get(path: string): Promise<unknown> {
  return (await fetch(`${local.url}${path}`)).json();
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;
/** Times put to one value of the same length: 24 characters for an ISO time, 8 for a clock at a line's start. */
const at = (text: string) =>
  text
    .replace(ISO, 'YYYY-MM-DDThh:mm:ss.sssZ')
    .replace(/^\d\d:\d\d:\d\d {2}/gm, 'hh:mm:ss  ')
    .replace(/\(started \d\d:\d\d:\d\d\)/g, '(started hh:mm:ss)')
    .replace(/ in \d+(\.\d)?s:| in \d+m\d\ds:/g, ' in <duration>:');

const arnOf = (task: string, name: string) => `arn:aws:states:us-east-1:000000000000:execution:mastermind-web_${task}:${name}`;
const consoleOf = (arn: string) => `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn}`;

/** The input `output` shows of an ssh move on the loopback sshd: the task's fields, then the project's settings (the key as its reference). */
const handed = (...fields: string[]) =>
  ['input:', '  host: 127.0.0.1', `  port: ${sshd.port}`, ...fields.map((f) => `  ${f}`), `  user: ${sshd.user}`, '  key: ${secret:/mastermind/web/ssh-key}', `  hostKey: ${sshd.hostKeyFingerprint}`, ''].join('\n');

/** An ssh run on the loopback sshd. */
const step = (name: string, command: string, extra = '') =>
  `  - name: ${name}\n    provider: ssh\n    action: run\n    with: { host: 127.0.0.1, port: ${sshd.port}, command: "${command}" }\n${extra}`;

describe('projects and project', () => {
  it('lists none, creates a project from JSON and another from inline YAML, shows and lists them; --json prints the API answer', async () => {
    // Act
    const none = await cli('projects');
    const created = await cli('project', 'web', '--set', JSON.stringify({ user: sshd.user, key: '${secret:/mastermind/web/ssh-key}', hostKey: sshd.hostKeyFingerprint }));
    const yaml = await cli('project', 'ops', '--set', 'user: ops');
    const replaced = await cli('project', 'ops', '--set', await file('ops.yaml', 'user: admin\nregion: eu-west-1\n'));
    const shown = await cli('project', 'web');
    const listed = await cli('projects');
    const json = await cli('projects', '--json');
    const oneJson = await cli('project', 'ops', '--json');

    // Assess
    expect(none).toStrictEqual({ code: 0, out: 'no projects yet: `mastermind project <name> --set <settings>` creates one\n', err: '' });
    const web = [
      'project web',
      'saved   YYYY-MM-DDThh:mm:ss.sssZ by local (created YYYY-MM-DDThh:mm:ss.sssZ)',
      'settings:',
      `  hostKey: ${sshd.hostKeyFingerprint}`,
      '  key: ${secret:/mastermind/web/ssh-key}',
      `  user: ${sshd.user}`,
      '',
    ].join('\n');
    expect({ ...created, out: at(created.out) }).toStrictEqual({ code: 0, out: `created project web\n${web}`, err: '' });
    expect({ ...yaml, out: at(yaml.out) }).toStrictEqual({
      code: 0,
      out: 'created project ops\nproject ops\nsaved   YYYY-MM-DDThh:mm:ss.sssZ by local (created YYYY-MM-DDThh:mm:ss.sssZ)\nsettings:\n  user: ops\n',
      err: '',
    });
    expect({ ...replaced, out: at(replaced.out) }).toStrictEqual({
      code: 0,
      out: 'saved project ops\nproject ops\nsaved   YYYY-MM-DDThh:mm:ss.sssZ by local (created YYYY-MM-DDThh:mm:ss.sssZ)\nsettings:\n  region: eu-west-1\n  user: admin\n',
      err: '',
    });
    expect({ ...shown, out: at(shown.out) }).toStrictEqual({ code: 0, out: web, err: '' });
    expect({ ...listed, out: at(listed.out) }).toStrictEqual({
      code: 0,
      out: [
        'PROJECT  SETTINGS            SAVED                     BY',
        'ops      region, user        YYYY-MM-DDThh:mm:ss.sssZ  local',
        'web      hostKey, key, user  YYYY-MM-DDThh:mm:ss.sssZ  local',
        '',
      ].join('\n'),
      err: '',
    });
    expect([json.code, JSON.parse(json.out), json.err]).toStrictEqual([0, await get('/projects'), '']);
    expect([oneJson.code, JSON.parse(oneJson.out), oneJson.err]).toStrictEqual([0, await get('/projects/ops'), '']);
  });

  it('says how to create a project that does not exist, for project and for push; refuses settings that are not an object', async () => {
    // Prepare
    const task = await file('lost.yaml', `task: lost\nproject: nowhere\nplot:\n${step('one', 'true')}`);

    // Act
    const shown = await cli('project', 'nowhere');
    const pushed = await cli('push', task);
    const json = await cli('project', 'nowhere', '--json');
    const list = await cli('project', 'ops', '--set', '[1, 2]');

    // Assess
    const next = 'Project nowhere does not exist: create it with `mastermind project nowhere --set <settings: JSON, YAML or a file>` (`mastermind projects` lists those there are). (404 NotFound)\n';
    expect(shown).toStrictEqual({ code: 1, out: '', err: `mastermind project: ${next}` });
    expect(pushed).toStrictEqual({ code: 1, out: '', err: `mastermind push: ${next}` });
    expect([json.code, JSON.parse(json.out), json.err]).toStrictEqual([1, await get('/projects/nowhere'), `mastermind project: ${next}`]);
    expect(list).toStrictEqual({ code: 2, out: '', err: `mastermind project: --set must be an object of project settings\nusage: ${commands.project!.usage}\n` });
  });
});

describe('tasks, task, versions and delete', () => {
  it('lists the tasks of a project and of every project, shows a task and an earlier version, lists versions, deletes', async () => {
    // Prepare
    const first = `task: greet\nproject: web\ndescription: says hello\nplot:\n${step('hello', 'echo hello')}`;
    const second = `task: greet\nproject: web\ndescription: says hello twice\nplot:\n${step('hello', 'echo hello; echo hello')}`;
    expect((await cli('push', await file('greet.yaml', first))).code).toBe(0);
    expect((await cli('push', await file('greet.yaml', second))).code).toBe(0);
    expect((await cli('push', await file('hooked.yaml', `task: hooked\nproject: web\ntriggers: { hook: true, alarms: [web-cpu-high] }\nplot:\n${step('one', 'true')}`))).code).toBe(0);

    // Act
    const inWeb = await cli('tasks', 'web');
    const inAll = await cli('tasks');
    const inOps = await cli('tasks', 'ops');
    const shown = await cli('task', 'web/greet');
    const earlier = await cli('task', 'web/greet', '--version', '1');
    const hooked = await cli('task', 'web/hooked');
    const versions = await cli('versions', 'web/greet');
    const jsons = await Promise.all([cli('tasks', 'web', '--json'), cli('task', 'web/greet', '--json'), cli('versions', 'web/greet', '--json')]);
    const answers = [
      { items: ((await get('/projects/web/tasks')) as { items: unknown[] }).items },
      await get('/projects/web/tasks/greet'),
      { items: ((await get('/projects/web/tasks/greet/versions')) as { items: unknown[] }).items },
    ];
    const deleted = await cli('delete', 'web/greet');
    const gone = await cli('task', 'web/greet');
    const badVersion = await cli('task', 'web/greet', '--version', 'two');

    // Assess
    const table = [
      'TASK        VERSION  SAVED                     BY     TRIGGERS                  DESCRIPTION',
      'web/greet   2        YYYY-MM-DDThh:mm:ss.sssZ  local  -                         says hello twice',
      'web/hooked  1        YYYY-MM-DDThh:mm:ss.sssZ  local  alarm web-cpu-high, hook',
      '',
    ].join('\n');
    expect({ ...inWeb, out: at(inWeb.out) }).toStrictEqual({ code: 0, out: table, err: '' });
    expect({ ...inAll, out: at(inAll.out) }).toStrictEqual({ code: 0, out: table, err: '' });
    expect(inOps).toStrictEqual({ code: 0, out: 'project ops has no tasks yet: `mastermind push <task file>` stores one\n', err: '' });
    const machine = 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-web';
    expect({ ...shown, out: at(shown.out) }).toStrictEqual({
      code: 0,
      out: [
        'task          web/greet',
        'version       2 (in force)',
        'saved         YYYY-MM-DDThh:mm:ss.sssZ by local',
        `state machine ${machine}_greet:2`,
        'alarms        -',
        'hook          off (the task does not set triggers.hook: true)',
        'source (yaml):',
        second,
      ].join('\n'),
      err: '',
    });
    expect(at(earlier.out).split('\n').slice(0, 4)).toStrictEqual(['task          web/greet', 'version       1 (in force: 2)', 'saved         YYYY-MM-DDThh:mm:ss.sssZ by local', `state machine ${machine}_greet:1`]);
    expect(earlier.out.endsWith(`source (yaml):\n${first}`)).toBe(true);
    expect(hooked.out.split('\n').slice(4, 6)).toStrictEqual(['alarms        web-cpu-high', 'hook          on, no URL yet (`mastermind hook web/hooked` makes one)']);
    expect({ ...versions, out: at(versions.out) }).toStrictEqual({
      code: 0,
      out: ['VERSION  SAVED                     BY', '2        YYYY-MM-DDThh:mm:ss.sssZ  local  in force', '1        YYYY-MM-DDThh:mm:ss.sssZ  local', ''].join('\n'),
      err: '',
    });
    expect(jsons.map((j) => [j.code, JSON.parse(j.out), j.err])).toStrictEqual(answers.map((a) => [0, a, '']));
    expect(deleted).toStrictEqual({ code: 0, out: 'deleted web/greet (it was at version 2), its versions, hook and state machine; executions under way run on to their end\n', err: '' });
    expect(gone).toStrictEqual({
      code: 1,
      out: '',
      err: 'mastermind task: Task web/greet does not exist. `mastermind tasks web` lists the project\'s tasks; `mastermind push <task file>` stores one. (404 NotFound)\n',
    });
    expect(badVersion).toStrictEqual({ code: 2, out: '', err: `mastermind task: --version must be a whole number above 0, not two\nusage: ${commands.task!.usage}\n` });
  });
});

describe('hook', () => {
  it('makes a URL shown once that starts the task, keeps it when asked again, rotates it (the old one dies) and revokes it', async () => {
    // Prepare
    expect((await cli('push', await file('plain.yaml', `task: plain\nproject: web\nplot:\n${step('one', 'true')}`))).code).toBe(0);

    // Act
    const made = await cli('hook', 'web/hooked');
    const url = made.out.split('\n')[1]!;
    const called = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const again = await cli('hook', 'web/hooked');
    const shown = await cli('task', 'web/hooked');
    const rotated = await cli('hook', 'web/hooked', '--rotate');
    const newUrl = rotated.out.split('\n')[1]!;
    const old = await fetch(url, { method: 'POST' });
    const revoked = await cli('hook', 'web/hooked', '--revoke');
    const dead = await fetch(newUrl, { method: 'POST' });
    const both = await cli('hook', 'web/hooked', '--rotate', '--revoke');
    const notAllowed = await cli('hook', 'web/plain');

    // Assess
    expect(url).toMatch(new RegExp(`^${local.url}/hooks/[A-Za-z0-9_-]{43}$`));
    expect(made).toStrictEqual({ code: 0, out: `made the hook of web/hooked; this URL is shown once, keep it secret:\n${url}\nPOST to it to start web/hooked\n`, err: '' });
    expect(called.status).toBe(202);
    expect(again).toStrictEqual({
      code: 0,
      out: 'web/hooked has a hook URL already (shown once, when it was made): `mastermind hook web/hooked --rotate` makes a new one, `--revoke` removes it\n',
      err: '',
    });
    expect(shown.out.split('\n')[5]).toBe('hook          on, its URL in use (`mastermind hook web/hooked --rotate` makes a new one)');
    expect(rotated).toStrictEqual({
      code: 0,
      out: `rotated the hook of web/hooked (the old URL no longer works); this URL is shown once, keep it secret:\n${newUrl}\nPOST to it to start web/hooked\n`,
      err: '',
    });
    expect(newUrl).not.toBe(url);
    expect([old.status, dead.status]).toStrictEqual([404, 404]);
    expect(revoked).toStrictEqual({ code: 0, out: 'revoked the hook of web/hooked: its URL no longer starts anything\n', err: '' });
    expect(both).toStrictEqual({ code: 2, out: '', err: `mastermind hook: give --rotate or --revoke, not both\nusage: ${commands.hook!.usage}\n` });
    expect(notAllowed).toStrictEqual({
      code: 1,
      out: '',
      err: 'mastermind hook: Task web/plain does not allow a hook; save it with triggers.hook: true first. (409 Conflict)\n  triggers.hook  must be true for the task to have a hook\n',
    });
  });
});

describe('watch, start --wait, output and executions', () => {
  /** Three henchmen, the second an each over two items, one at a time. */
  const deploy = () =>
    `task: deploy\nproject: web\nparams: { hosts: { type: list, default: [a, b] } }\nplot:\n${step('prepare', 'echo ready; echo warming >&2')}` +
    `  - name: each-host\n    provider: ssh\n    action: run\n    each: \${params.hosts}\n    concurrency: 1\n    with: { host: 127.0.0.1, port: ${sshd.port}, command: "echo \${item}" }\n` +
    step('finish', 'echo done');

  it('starts and watches an execution to SUCCEEDED, one line as each move begins and ends, exit 0; watch afterwards prints the same; --json prints its last view', async () => {
    // Prepare
    expect((await cli('push', await file('deploy.yaml', deploy()))).code).toBe(0);

    // Act
    const waited = await cli('start', 'web/deploy', '--key', 'ok-1', '--wait', '--interval', '0.05');
    const watched = await cli('watch', 'web/deploy/ok-1');
    const byArn = await cli('watch', arnOf('deploy', 'ok-1'), '--json');
    const json = await cli('start', 'web/deploy', '--key', 'ok-2', '--wait', '--interval', '0.05', '--json');

    // Assess
    const arn = arnOf('deploy', 'ok-1');
    const moves = [
      'hh:mm:ss  prepare    do    run  started',
      'hh:mm:ss  prepare    do    run  succeeded  {"exitCode":0,"stdout":"ready","stderr":"warming","truncated":false}  (1 of 3 henchmen played)',
      'hh:mm:ss  each-host  do    run  [0] a on 127.0.0.1  started',
      'hh:mm:ss  each-host  do    run  [0] a on 127.0.0.1  succeeded  {"exitCode":0,"stdout":"a","stderr":"","truncated":false}  (1 of 3 henchmen played)',
      'hh:mm:ss  each-host  do    run  [1] b on 127.0.0.1  started',
      'hh:mm:ss  each-host  do    run  [1] b on 127.0.0.1  succeeded  {"exitCode":0,"stdout":"b","stderr":"","truncated":false}  (2 of 3 henchmen played)',
      'hh:mm:ss  finish     do    run  started',
      'hh:mm:ss  finish     do    run  succeeded  {"exitCode":0,"stdout":"done","stderr":"","truncated":false}  (3 of 3 henchmen played)',
      'SUCCEEDED in <duration>: 3 of 3 henchmen played',
      '',
    ];
    expect({ ...waited, out: at(waited.out) }).toStrictEqual({
      code: 0,
      out: [`started web/deploy/ok-1 (version 1)`, `arn     ${arn}`, `console ${consoleOf(arn)}`, 'watching web/deploy/ok-1 (started hh:mm:ss)', ...moves].join('\n'),
      err: '',
    });
    expect({ ...watched, out: at(watched.out) }).toStrictEqual({ code: 0, out: ['watching web/deploy/ok-1 (started hh:mm:ss)', ...moves].join('\n'), err: '' });
    expect([byArn.code, JSON.parse(byArn.out), byArn.err]).toStrictEqual([0, await get('/projects/web/tasks/deploy/executions/ok-1'), '']);
    expect([json.code, JSON.parse(json.out), json.err]).toStrictEqual([0, await get('/projects/web/tasks/deploy/executions/ok-2'), '']);
  });

  it('watches an execution to FAILED with the error of the move and of the execution, exit 3; start --wait exits 3 too', async () => {
    // Prepare
    const source = `task: broken\nproject: web\nplot:\n${step('prepare', 'echo ready')}${step('break', 'echo no >&2; exit 3')}${step('never', 'echo never')}`;
    expect((await cli('push', await file('broken.yaml', source))).code).toBe(0);

    // Act
    const waited = await cli('start', 'web/broken', '--key', 'bad-1', '--wait', '--interval', '0.05');
    const watched = await cli('watch', 'web/broken/bad-1', '--interval', '0.05');

    // Assess
    const cause = `exit code 3 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: no`;
    const lines = [
      'watching web/broken/bad-1 (started hh:mm:ss)',
      'hh:mm:ss  prepare  do    run  started',
      'hh:mm:ss  prepare  do    run  succeeded  {"exitCode":0,"stdout":"ready","stderr":"","truncated":false}  (1 of 3 henchmen played)',
      'hh:mm:ss  break    do    run  started',
      `hh:mm:ss  break    do    run  failed  Mastermind.Failed: ${cause}  (2 of 3 henchmen played)`,
      `FAILED in <duration>: 2 of 3 henchmen played; Mastermind.Failed: ${cause}`,
      '',
    ];
    expect([waited.code, at(waited.out).split('\n').slice(3), waited.err]).toStrictEqual([3, lines, '']);
    expect({ ...watched, out: at(watched.out) }).toStrictEqual({ code: 3, out: lines.join('\n'), err: '' });
  });

  it('shows a move that waits as one move: its poll rounds and what it waited for, in the provider\'s words', async () => {
    // Prepare: a command run detached on the host; its move polls it (first after 2 s, then every 5 s).
    const source = `task: waits\nproject: web\nplot:\n  - name: slow\n    provider: ssh\n    action: run\n    with: { host: 127.0.0.1, port: ${sshd.port}, command: "sleep 4; echo late", detach: true }\n`;
    expect((await cli('push', await file('waits.yaml', source))).code).toBe(0);

    // Act
    const waited = await cli('start', 'web/waits', '--key', 'poll-1', '--wait', '--interval', '0.1');
    const output = await cli('output', 'web/waits/poll-1', 'slow');

    // Assess
    const words = 'the detached command to end (its limit: 300 s)';
    expect([waited.code, at(waited.out).split('\n').slice(3), waited.err]).toStrictEqual([
      0,
      [
        'watching web/waits/poll-1 (started hh:mm:ss)',
        'hh:mm:ss  slow  do    run  started',
        `hh:mm:ss  slow  do    run  succeeded after 2 poll rounds waiting for ${words}  {"exitCode":0,"stdout":"late","stderr":"","truncated":false}  (1 of 1 henchman played)`,
        'SUCCEEDED in <duration>: 1 of 1 henchman played',
        '',
      ],
      '',
    ]);
    expect({ ...output, out: at(output.out) }).toStrictEqual({
      code: 0,
      out: `== slow: do run succeeded, 2 poll rounds (YYYY-MM-DDThh:mm:ss.sssZ → YYYY-MM-DDThh:mm:ss.sssZ)\n${handed('command: sleep 4; echo late', 'detach: true')}waited for: ${words}\nexitCode: 0\ntruncated: false\nstdout:\nlate\nstderr:\n(empty)\n`,
      err: '',
    });
  }, 30_000);

  it('tells the items of an each apart when they wait, each with its own poll rounds', async () => {
    // Prepare
    const source =
      `task: waves\nproject: web\nparams: { hosts: { type: list, default: [a, b] } }\nplot:\n  - name: wave\n    provider: ssh\n    action: run\n    each: \${params.hosts}\n    concurrency: 1\n` +
      `    with: { host: 127.0.0.1, port: ${sshd.port}, command: "sleep 4; echo \${item}", detach: true }\n`;
    expect((await cli('push', await file('waves.yaml', source))).code).toBe(0);

    // Act
    const waited = await cli('start', 'web/waves', '--key', 'waves-1', '--wait', '--interval', '0.1');

    // Assess
    const done = (item: string) => `{"exitCode":0,"stdout":"${item}","stderr":"","truncated":false}`;
    const polled = 'after 2 poll rounds waiting for the detached command to end (its limit: 300 s)';
    expect([waited.code, at(waited.out).split('\n').slice(4), waited.err]).toStrictEqual([
      0,
      [
        'hh:mm:ss  wave  do    run  [0] a on 127.0.0.1  started',
        `hh:mm:ss  wave  do    run  [0] a on 127.0.0.1  succeeded ${polled}  ${done('a')}  (0 of 1 henchman played)`,
        'hh:mm:ss  wave  do    run  [1] b on 127.0.0.1  started',
        `hh:mm:ss  wave  do    run  [1] b on 127.0.0.1  succeeded ${polled}  ${done('b')}  (1 of 1 henchman played)`,
        'SUCCEEDED in <duration>: 1 of 1 henchman played',
        '',
      ],
      '',
    ]);
  }, 40_000);

  it('watches an execution stopped while it runs to ABORTED, exit 5; status exits 0 on it', async () => {
    // Prepare
    const source = `task: slow\nproject: web\nplot:\n${step('sleep', 'sleep 30')}`;
    expect((await cli('push', await file('slow.yaml', source))).code).toBe(0);
    expect((await cli('start', 'web/slow', '--key', 'slow-1')).code).toBe(0);

    // Act
    const watching = cli('watch', 'web/slow/slow-1', '--interval', '0.05');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopped = await cli('stop', 'web/slow/slow-1', '--json');
    const watched = await watching;
    const status = await cli('status', 'web/slow/slow-1');

    // Assess
    expect([stopped.code, (JSON.parse(stopped.out) as { executionArn: string }).executionArn]).toStrictEqual([0, arnOf('slow', 'slow-1')]);
    expect(watched.code).toBe(5);
    expect(at(watched.out).split('\n').at(-2)).toBe('ABORTED in <duration>: 1 of 1 henchman played; Mastermind.Stopped: Stopped through the Mastermind API.');
    expect(status.code).toBe(0);
  });

  it('prints a move\'s whole output: a command\'s stdout and stderr, every item of an each, a failure\'s error', async () => {
    // Act
    const prepare = await cli('output', 'web/deploy/ok-1', 'prepare');
    const items = await cli('output', arnOf('deploy', 'ok-1'), 'each-host');
    const failed = await cli('output', 'web/broken/bad-1', 'break');
    const json = await cli('output', 'web/deploy/ok-1', 'finish', '--json');
    const never = await cli('output', 'web/broken/bad-1', 'never');

    // Assess: each move's input first (an item's command apart from the value put into it), then what it returned.
    const itemInput = (item: string) => handed('command:', '  template: echo {{0}}', '  values:', `    "0": ${item}`);
    expect({ ...prepare, out: at(prepare.out) }).toStrictEqual({
      code: 0,
      out: `== prepare: do run succeeded (YYYY-MM-DDThh:mm:ss.sssZ → YYYY-MM-DDThh:mm:ss.sssZ)\n${handed('command: echo ready; echo warming >&2')}exitCode: 0\ntruncated: false\nstdout:\nready\nstderr:\nwarming\n`,
      err: '',
    });
    expect({ ...items, out: at(items.out) }).toStrictEqual({
      code: 0,
      out:
        `== each-host [0] a on 127.0.0.1: do run succeeded (YYYY-MM-DDThh:mm:ss.sssZ → YYYY-MM-DDThh:mm:ss.sssZ)\n${itemInput('a')}exitCode: 0\ntruncated: false\nstdout:\na\nstderr:\n(empty)\n\n` +
        `== each-host [1] b on 127.0.0.1: do run succeeded (YYYY-MM-DDThh:mm:ss.sssZ → YYYY-MM-DDThh:mm:ss.sssZ)\n${itemInput('b')}exitCode: 0\ntruncated: false\nstdout:\nb\nstderr:\n(empty)\n`,
      err: '',
    });
    expect({ ...failed, out: at(failed.out) }).toStrictEqual({
      code: 0,
      out: `== break: do run failed (YYYY-MM-DDThh:mm:ss.sssZ → YYYY-MM-DDThh:mm:ss.sssZ)\n${handed('command: echo no >&2; exit 3')}error: Mastermind.Failed: exit code 3 is not allowed (allowed: 0) on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: no\n`,
      err: '',
    });
    const view = (await get('/projects/web/tasks/deploy/executions/ok-1')) as { henchmen: { henchman: string }[] };
    expect([json.code, JSON.parse(json.out), json.err]).toStrictEqual([0, view.henchmen.find((h) => h.henchman === 'finish'), '']);
    expect(never).toStrictEqual({
      code: 1,
      out: '',
      err: 'mastermind output: never has not played in web/broken/bad-1 (these have: prepare, break); `mastermind history web/broken/bad-1` shows every move\n',
    });
  });

  it('lists a task\'s executions, by status too, with the ids the other commands take', async () => {
    // Prepare
    expect((await cli('start', 'web/broken', '--key', 'bad-2', '--wait', '--interval', '0.05')).code).toBe(3);

    // Act
    const all = await cli('executions', 'web/broken');
    const failed = await cli('executions', 'web/broken', '--status', 'failed');
    const running = await cli('executions', 'web/broken', '--status', 'RUNNING');
    const paged = await cli('executions', 'web/broken', '--limit', '1');
    const json = await cli('executions', 'web/broken', '--json');
    const bad = await cli('executions', 'web/broken', '--status', 'lost');

    // Assess
    const rows = [
      'EXECUTION         STATUS  STARTED                   ENDED',
      'web/broken/bad-2  FAILED  YYYY-MM-DDThh:mm:ss.sssZ  YYYY-MM-DDThh:mm:ss.sssZ',
      'web/broken/bad-1  FAILED  YYYY-MM-DDThh:mm:ss.sssZ  YYYY-MM-DDThh:mm:ss.sssZ',
      '',
    ];
    expect({ ...all, out: at(all.out) }).toStrictEqual({ code: 0, out: rows.join('\n'), err: '' });
    expect({ ...failed, out: at(failed.out) }).toStrictEqual({ code: 0, out: rows.join('\n'), err: '' });
    expect(running).toStrictEqual({ code: 0, out: 'web/broken has no running executions\n', err: '' });
    const more = /^more: mastermind executions web\/broken --next (\S+)$/m.exec(paged.out);
    expect([paged.code, at(paged.out).split('\n').slice(0, 2), more !== null]).toStrictEqual([0, rows.slice(0, 2), true]);
    expect([json.code, JSON.parse(json.out), json.err]).toStrictEqual([0, await get('/projects/web/tasks/broken/executions?limit=50'), '']);
    expect(bad).toStrictEqual({
      code: 2,
      out: '',
      err: `mastermind executions: --status must be one of running, succeeded, failed, timed-out, aborted, pending-redrive, not lost\nusage: ${commands.executions!.usage}\n`,
    });
  });
});

describe('--help and --json on every command', () => {
  it.each(Object.keys(commands))('%s --help prints its usage and exits 0', async (name) => {
    // Act
    const help = await cli(name, '--help');
    const short = await cli(name, 'anything', '-h');

    // Assess
    expect(help).toStrictEqual({ code: 0, out: commandHelp(name), err: '' });
    expect(short).toStrictEqual(help);
    expect(help.out.split('\n').slice(0, 2)).toStrictEqual([`mastermind ${name}: ${commands[name]!.summary}`, `usage: ${commands[name]!.usage}`]);
  });

  it('documents the exit codes of watch in its help', async () => {
    // Act
    const help = await cli('watch', '--help');

    // Assess
    expect(help.out).toBe(
      [
        'mastermind watch: follow an execution live, move by move, to its end',
        `usage: ${commands.watch!.usage}`,
        '  exit code: 0 SUCCEEDED, 3 FAILED, 4 TIMED_OUT, 5 ABORTED; 1 when the execution cannot be read, 2 on a usage error',
        "  --json  print the API's answer as JSON and nothing else",
        '  --url   the API, its stage included (else MASTERMIND_URL; `mastermind serve` prints a local one)',
        '  an <execution> is <project>/<task>/<name>, as `mastermind start` prints it, or its ARN',
        '',
      ].join('\n'),
    );
  });

  it('prints the API answer of status and history with --json, and nothing else', async () => {
    // Act
    const status = await cli('status', 'web/deploy/ok-1', '--json');
    const history = await cli('history', arnOf('deploy', 'ok-1'), '--json');

    // Assess
    const view = await get('/projects/web/tasks/deploy/executions/ok-1');
    expect([status.code, JSON.parse(status.out), status.err]).toStrictEqual([0, view, '']);
    expect([history.code, JSON.parse(history.out), history.err]).toStrictEqual([0, view, '']);
  });

  it('takes --json only where the API answers: a local command refuses it with its usage', async () => {
    // Act
    const refused = await cli('schema', '--json');

    // Assess
    expect(refused).toStrictEqual({ code: 2, out: '', err: `usage: ${commands.schema!.usage}\n` });
  });
});

/**
 * The CLI's inputs against the local service over HTTP (the API's real code, dynalite, the local Step Functions):
 * push reports a bad file exactly as validate does; rehearse checks params and scenarios as the API would.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../bin/commands/index.ts';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';

const SETTINGS = { user: 'ops', key: '${secret:/mastermind/web/ssh-key}' };

let local: LocalService;
let dir: string;

beforeAll(async () => {
  local = await startLocalService({ handler: async () => ({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } }) });
  dir = await mkdtemp(join(tmpdir(), 'mastermind-inputs-'));
  await writeFile(join(dir, 'settings.json'), JSON.stringify({ name: 'web', ...SETTINGS }));
  await fetch(`${local.url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SETTINGS) });
});
afterAll(async () => {
  await local.close();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('mastermind push reports errors exactly as validate does', () => {
  it.each([
    ['an unknown action and a bad name', 'task: Bad-Name\nproject: web\nplot:\n  - name: a\n    provider: ssh\n    action: rn\n    with: { host: h, command: x }\n'],
    ['YAML that cannot be read', 'task: broken\nproject: web\nplot:\n  - name: a\n    provider: ssh\n   action: [run\n'],
    ['JSON that cannot be read', '{ "task": "broken", "project": "web", }'],
    ['a task without its name', 'project: web\nplot:\n  - name: a\n    provider: ssh\n    action: run\n'],
    ['an input the project settings do not fill', 'task: hostless\nproject: web\nplot:\n  - name: a\n    provider: ssh\n    action: run\n    with: { command: uptime }\n'],
  ])('%s: the same lines on stderr, exit code 1', async (what, text) => {
    // Prepare
    const path = await file(`${what.replace(/\W+/g, '-')}.${text.startsWith('{') ? 'json' : 'yaml'}`, text);

    // Act
    const validated = await run(['validate', path, '--project', join(dir, 'settings.json')]);
    const pushed = await run(['push', path, '--url', local.url]);

    // Assess
    expect(validated.code).toBe(1);
    expect(pushed).toStrictEqual({ code: 1, out: '', err: validated.err });
    expect(pushed.err).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+[: ]`));
  });

  it('says a push of the same file again saved nothing and names the version in force', async () => {
    // Prepare
    const path = await file('uptime.yaml', 'task: uptime\nproject: web\nplot:\n  - name: a\n    provider: ssh\n    action: run\n    with: { host: web-1, command: uptime }\n');

    // Act
    const first = await run(['push', path, '--url', local.url]);
    const again = await run(['push', path, '--url', local.url]);

    // Assess
    const arn = 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-web_uptime:1';
    expect(first).toStrictEqual({ code: 0, out: `created web/uptime version 1\nstate machine ${arn}\n`, err: '' });
    expect(again).toStrictEqual({ code: 0, out: `unchanged web/uptime version 1: the same source is in force, nothing was saved\nstate machine ${arn}\n`, err: '' });
  });
});

describe('mastermind rehearse checks its inputs as the API would', () => {
  const TASK = `task: deploy
params:
  release: { type: string }
  count: { type: integer, default: 1 }
plot:
  - name: fetch
    provider: ssh
    action: run
    with: { host: web-1, user: ops, key: "\${secret:/mastermind/default/ssh-key}", command: "fetch \${params.release}" }
  - name: restart
    provider: ssh
    action: run
    with: { host: web-1, user: ops, key: "\${secret:/mastermind/default/ssh-key}", command: "restart" }
`;

  it('refuses params that are missing, of the wrong type or unknown, and scenario henchmen the task lacks, every problem with its place', async () => {
    // Prepare
    const task = await file('deploy.yaml', TASK);
    const scenario = await file('deploy.scenario.yaml', 'henchmen:\n  fetch: { output: { exitCode: 0 } }\n  restrat:\n    - fail: no\n  notify: { fail: x }\n');

    // Act
    const result = await run(['rehearse', task, '--scenario', scenario, '--params', '{"count": "two", "colour": "red"}']);

    // Assess
    expect(result).toStrictEqual({
      code: 2,
      out: '',
      err: [
        'mastermind rehearse: these do not fit task deploy; nothing was rehearsed:',
        '  --params params.colour: the task has no param colour (it has: release, count)',
        '  --params params.release: is required (a string without a default)',
        '  --params params.count: must be an integer',
        `  ${scenario}:3:3 henchmen.restrat: the task has no henchman restrat (did you mean 'restart'?); its henchmen are 'fetch' and 'restart'`,
        `  ${scenario}:5:3 henchmen.notify: the task has no henchman notify; its henchmen are 'fetch' and 'restart'`,
        '',
      ].join('\n'),
    });
  });

  it('rehearses when the params fit, defaults left out as the API allows', async () => {
    // Prepare
    const task = await file('deploy.yaml', TASK);

    // Act
    const result = await run(['rehearse', task, '--params', '{"release": "v2"}']);

    // Assess
    expect([result.code, result.err, result.out.split('\n').at(-2)?.replace(/ in \d+\.\d+s:/, ' in <time>:')]).toStrictEqual([
      0,
      '',
      'SUCCEEDED in <time>: 2 moves, 4 state transitions',
    ]);
  });
});

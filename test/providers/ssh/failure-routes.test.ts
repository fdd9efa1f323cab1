/**
 * The ways a task ends badly besides a failed move, played for real: tasks compiled and run on the local engine,
 * every Task state answered by the real ssh provider (its runtime: late values, deadlines) against the loopback
 * sshd. Each task first appends "mark" to a log on the host, with an undo that appends "undo", then plays the move
 * that goes wrong; the log says what ran and in which order: the undo ran, and nothing landed after it.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTask } from '#engine/run';
import { LocalSecrets } from '#local/providers';
import { createProviderHandler } from '#providers/runtime';
import { actions } from '#providers/ssh/actions';
import { compileTask } from '#task/compile';
import { validateTask } from '#task/validate';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { quietLogger } from './harness.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

/** A task: "mark" (undone by "undo") then `last`, a henchman given as YAML lines; `head` goes above the plot. */
function taskOf(log: string, head: string, last: string): string {
  const connection = `host: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, key: "\${secret:/mastermind/default/ssh-key}", hostKey: "${sshd.hostKeyFingerprint}"`;
  return `
task: failure-routes
rollback: true
${head}
plot:
  - name: mark
    provider: ssh
    action: run
    with: { ${connection}, command: "echo mark >> ${log}" }
    undo: { action: run, with: { ${connection}, command: "echo undo >> ${log}" } }
${last.replaceAll('CONNECTION', connection)}
`;
}

async function play(yaml: string, input: { params?: object; trigger?: object } = {}) {
  const { task, errors } = validateTask(parse(yaml));
  expect(errors).toStrictEqual([]);
  const definition = compileTask(task!);
  const ssh = createProviderHandler('ssh', actions, {
    logger: quietLogger(),
    secrets: new LocalSecrets({ '/mastermind/default/ssh-key': sshd.privateKey }),
  });
  return runTask(definition, input, { handler: (event) => ssh(event), executionId: `local:${randomUUID()}` });
}

const trail = (result: Awaited<ReturnType<typeof play>>) => result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`);

describe('a reference with no value in the execution', () => {
  it('fails the move with Mastermind.Invalid (a hook body field on a manual start): the undo runs, the command never ran', async () => {
    // Prepare
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      '',
      `  - name: configure
    provider: ssh
    action: run
    with: { CONNECTION, command: "echo configure \${trigger.body.host} >> ${log}" }`,
    );

    // Act
    const result = await play(yaml);

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'configure: ${trigger.body.host} has no value in this execution',
    });
    expect(trail(result)).toStrictEqual(['mark do succeeded', 'configure do failed', 'mark undo succeeded']);
    expect(await readFile(log, 'utf8')).toBe('mark\nundo\n');
  });

  it('fails the move with Mastermind.Invalid on an index of an empty list param, and plays it when the list has the item', async () => {
    // Prepare
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      'params:\n  hosts: { type: list, default: [] }',
      `  - name: configure
    provider: ssh
    action: run
    with: { CONNECTION, command: "echo configure \${params.hosts[0]} >> ${log}" }`,
    );

    // Act
    const empty = await play(yaml);
    const given = await play(yaml, { params: { hosts: ['10.0.0.7'] } });

    // Assess
    expect({ status: empty.status, error: empty.error, cause: empty.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'configure: ${params.hosts[0]} has no value in this execution',
    });
    expect(given.status).toBe('SUCCEEDED');
    expect(await readFile(log, 'utf8')).toBe('mark\nundo\nmark\nconfigure 10.0.0.7\n');
  });
});

describe("the task's timeout", () => {
  it('ends the command under way on the host at the deadline and takes the abort route: the undo runs, nothing lands after it', async () => {
    // Prepare: no henchman timeout; the task's 3 s end the sleep.
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      'timeout: 3s',
      `  - name: slow
    provider: ssh
    action: run
    with: { CONNECTION, command: "sleep 6; echo late >> ${log}" }
    onFailure: continue`,
    );
    const started = Date.now();

    // Act
    const result = await play(yaml);
    await sleep(Math.max(0, started + 8000 - Date.now())); // past the sleep: a command still running would write now

    // Assess: onFailure continue does not take it: the task's timeout goes to the abort route.
    expect({ status: result.status, error: result.error }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.TaskTimeout' });
    expect(result.cause).toBe(`the task ran out of its timeout (3s) during henchman 'slow': the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(trail(result)).toStrictEqual(['mark do succeeded', 'slow do failed', 'mark undo succeeded']);
    expect(await readFile(log, 'utf8')).toBe('mark\nundo\n');
  });
});

/**
 * Timeouts and long moves, played for real: tasks compiled and run on the local engine, every Task state answered by
 * the real ssh provider against the loopback sshd. Each task first appends "mark" to a log on the host, with an undo
 * that appends "undo", then plays the move that goes wrong or long; the log says what ran and in which order.
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

/** A task: "mark" (undone by "undo") then `last`, a henchman given as YAML lines; every ssh input filled in. */
function taskOf(log: string, last: string): string {
  const connection = `host: ${sshd.host}, port: ${sshd.port}, user: ${sshd.user}, key: "\${secret:/mastermind/default/ssh-key}", hostKey: "${sshd.hostKeyFingerprint}"`;
  return `
task: long-moves
rollback: true
plot:
  - name: mark
    provider: ssh
    action: run
    with: { ${connection}, command: "echo mark >> ${log}" }
    undo: { action: run, with: { ${connection}, command: "echo undo >> ${log}" } }
${last.replaceAll('CONNECTION', connection)}
`;
}

async function play(yaml: string) {
  const { task, errors } = validateTask(parse(yaml));
  expect(errors).toStrictEqual([]);
  const definition = compileTask(task!);
  const ssh = createProviderHandler('ssh', actions, {
    logger: quietLogger(),
    secrets: new LocalSecrets({ '/mastermind/default/ssh-key': sshd.privateKey }),
  });
  const result = await runTask(definition, {}, { handler: (event) => ssh(event), executionId: `local:${randomUUID()}` });
  return { definition, result };
}

describe('a henchman timeout on the host', () => {
  it('ends the sleeping command on the host before the failure route: the undo runs, nothing lands after it', async () => {
    // Prepare
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      `  - name: slow
    provider: ssh
    action: run
    with: { CONNECTION, command: "sleep 4; echo late >> ${log}" }
    timeout: 2s`,
    );
    const started = Date.now();

    // Act
    const { result } = await play(yaml);
    await sleep(Math.max(0, started + 6000 - Date.now())); // past the sleep: a command still running would write now

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Timeout',
      cause: `henchman 'slow' ran out of its timeout (2s): the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}`,
    });
    expect(result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`)).toStrictEqual(['mark do succeeded', 'slow do failed', 'mark undo succeeded']);
    expect(await readFile(log, 'utf8')).toBe('mark\nundo\n');
  });
});

describe('a command run detached', () => {
  it('polls the detached command until it ends, and keeps its output and exit code exactly', async () => {
    // Prepare
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      `  - name: long
    provider: ssh
    action: run
    with: { CONNECTION, command: "sleep 3; echo long >> ${log}; echo out; echo err >&2; exit 3", allowExitCodes: [3], detach: true }`,
    );

    // Act
    const { result } = await play(yaml);

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { out: Record<string, unknown> }).out.long).toStrictEqual({ output: { exitCode: 3, stdout: 'out', stderr: 'err', truncated: false } });
    // The first answer started it; the polls looked until it had ended (2 s, then every 5 s: at least one "not yet").
    const phases = result.moves.filter((m) => m.henchman === 'long').map((m) => `${m.phase} ${m.status}`);
    expect(phases[0]).toBe('do succeeded');
    expect(phases.at(-1)).toBe('poll succeeded');
    expect(phases.length).toBeGreaterThan(2);
    expect(await readFile(log, 'utf8')).toBe('mark\nlong\n');
  });

  it('ends a detached command on the host at its timeout, then the undo runs and nothing lands after it', async () => {
    // Prepare
    const log = join(sshd.dir, `log-${randomUUID()}`);
    const yaml = taskOf(
      log,
      `  - name: long
    provider: ssh
    action: run
    with: { CONNECTION, command: "sleep 4; echo late >> ${log}", timeout: 1s, detach: true }`,
    );
    const started = Date.now();

    // Act
    const { result } = await play(yaml);
    await sleep(Math.max(0, started + 6000 - Date.now()));

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Failed',
      cause: `the command did not finish within 1s on ${sshd.user}@127.0.0.1:${sshd.port} and was ended`,
    });
    expect(await readFile(log, 'utf8')).toBe('mark\nundo\n');
  });
});

/**
 * Cancel with rollback and resume from the failed move, played for real in local mode: the API on localhost, the
 * executions on the local engine, the ssh provider in-process against the loopback sshd. Each task's commands append
 * to a file on the host, so the tests read there what ran and in which order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CALLER } from '#local/http';
import { LocalSecrets } from '#local/providers';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ExecutionView } from '#service/executions';
import { startSshd } from '../support/sshd.ts';
import type { Sshd } from '../support/sshd.ts';

let sshd: Sshd;
let local: LocalService;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  sshd = await startSshd();
  local = await startLocalService({ secrets: new LocalSecrets({ '/mastermind/web/ssh-key': sshd.privateKey }) });
  await call('PUT', '/projects/web', { user: sshd.user, key: '${secret:/mastermind/web/ssh-key}', hostKey: sshd.hostKeyFingerprint });
}, 30_000);

afterAll(async () => {
  await local?.close();
  await sshd?.stop();
  vi.unstubAllEnvs();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${local.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

/** Reads the execution through the API until `done` says so (at most 400 rounds of 50 ms). */
async function until(path: string, done: (view: ExecutionView) => boolean): Promise<ExecutionView> {
  for (let round = 0; round < 400; round++) {
    const { json } = await call('GET', path);
    if (done(json as ExecutionView)) return json as ExecutionView;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${path} never got there`);
}

const ended = (view: ExecutionView) => view.status !== 'RUNNING';
const moves = (view: ExecutionView) => view.henchmen.map((h) => [h.henchman, h.moves.map((m) => `${m.state} ${m.phase} ${m.status}`)]);

/** An ssh run on the loopback sshd, in YAML flow style. */
const run = (command: string) => `{ host: 127.0.0.1, port: ${sshd.port}, command: "${command}" }`;

describe('cancel with rollback, in local mode against a real sshd', () => {
  it('takes the abort route at the next move boundary: the move under way ends, the next is not played, the undo runs', async () => {
    // Prepare: first (undone by "undo-first"), second (runs a while), third (never played once cancelled).
    const log = join(sshd.dir, 'cancel.log');
    const task = `task: cancel-me
rollback: true
plot:
  - name: first
    provider: ssh
    action: run
    with: ${run(`echo first >> ${log}`)}
    undo: { action: run, with: ${run(`echo undo-first >> ${log}`)} }
  - name: second
    provider: ssh
    action: run
    with: ${run(`echo second-start >> ${log}; sleep 2; echo second >> ${log}`)}
  - name: third
    provider: ssh
    action: run
    with: ${run(`echo third >> ${log}`)}
`;
    expect((await call('PUT', '/projects/web/tasks/cancel-me', task, 'application/yaml')).status).toBe(201);
    const started = await call('POST', '/projects/web/tasks/cancel-me/executions', {});
    const path = started.json.path as string;

    // Act: cancel while second runs (its sleep under way), twice; then once more after the end.
    await until(path, () => existsSync(log) && readFileSync(log, 'utf8').includes('second-start'));
    const cancelled = await call('POST', `${path}/cancel`, { reason: 'the change window closed' });
    const again = await call('POST', `${path}/cancel`, {});
    const view = await until(path, ended);
    const late = await call('POST', `${path}/cancel`, {});

    // Assess: the answers.
    const at = cancelled.json.cancel.at as string;
    const record = { executionArn: started.json.executionArn, by: LOCAL_CALLER, at, reason: 'the change window closed' };
    expect([cancelled.status, cancelled.json]).toStrictEqual([
      202,
      {
        executionArn: started.json.executionArn,
        path,
        status: 'RUNNING',
        cancel: record,
        requested: true,
        rollback: true,
        undo: ['first'],
        message: `Execution web/cancel-me/${started.json.name} takes its abort route at its next move boundary or poll round (the move under way ends first); with rollback, 1 completed move with an undo is undone, newest first (first), and any that completes before then.`,
      },
    ]);
    expect([again.status, again.json.requested, again.json.cancel, again.json.message.startsWith(`A cancel was already requested by ${LOCAL_CALLER} at ${at}; nothing new was recorded. `)]).toStrictEqual([
      202,
      false,
      record,
      true,
    ]);
    expect([late.status, late.json.error, late.json.message]).toStrictEqual([
      409,
      'Conflict',
      `Execution web/cancel-me/${started.json.name} has already ended (FAILED): there is nothing to cancel.`,
    ]);
    // The execution: ended through its abort route, naming who cancelled and why.
    expect({ status: view.status, error: view.error, cause: view.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Cancelled',
      cause: `cancelled by ${LOCAL_CALLER} at ${at}: the change window closed`,
    });
    expect(moves(view)).toStrictEqual([
      ['first', ['first do succeeded', 'undo: first undo succeeded']],
      ['second', ['second do succeeded']],
      ['third', ['third do failed']],
    ]);
    // On the host: second ended, third never ran, then the undo.
    expect(await readFile(log, 'utf8')).toBe('first\nsecond-start\nsecond\nundo-first\n');
  }, 60_000);

  it('answers stop with what it does: nothing is undone', async () => {
    // Prepare
    const log = join(sshd.dir, 'stop.log');
    const task = `task: stop-me\nrollback: true\nplot:\n  - name: first\n    provider: ssh\n    action: run\n    with: ${run(`echo first >> ${log}`)}\n    undo: { action: run, with: ${run(`echo undo-first >> ${log}`)} }\n  - name: second\n    provider: ssh\n    action: run\n    with: ${run('sleep 2')}\n`;
    await call('PUT', '/projects/web/tasks/stop-me', task, 'application/yaml');
    const started = await call('POST', '/projects/web/tasks/stop-me/executions', {});
    await until(started.json.path, (view) => view.henchmen.some((h) => h.henchman === 'second'));
    // Act
    const stopped = await call('POST', `${started.json.path}/stop`, {});
    const view = await until(started.json.path, ended);
    // Assess
    expect([stopped.status, stopped.json.message, view.status]).toStrictEqual([
      200,
      'Stopped at once: the move under way was cut short and nothing is undone (no rollback runs). To end an execution through its abort route, rollback included, cancel it instead.',
      'ABORTED',
    ]);
    expect(await readFile(log, 'utf8')).toBe('first\n');
  }, 60_000);
});

describe('resume from the failed move, in local mode against a real sshd', () => {
  it('starts a new execution of the same version at the failed move, with the completed outputs carried over', async () => {
    // Prepare: second fails the first time (it leaves a mark), and uses first's output.
    const log = join(sshd.dir, 'resume.log');
    const mark = join(sshd.dir, 'second-ok');
    const task = `task: flaky
plot:
  - name: first
    provider: ssh
    action: run
    with: ${run(`echo first >> ${log}; printf one`)}
  - name: second
    provider: ssh
    action: run
    with: ${run(`test -f ${mark} || { touch ${mark}; echo not yet >&2; exit 3; }; echo second-saw-\${first.stdout} >> ${log}`)}
`;
    expect((await call('PUT', '/projects/web/tasks/flaky', task, 'application/yaml')).status).toBe(201);
    const started = await call('POST', '/projects/web/tasks/flaky/executions', { params: {} });
    const failed = await until(started.json.path, ended);

    // Act
    const resumed = await call('POST', `${started.json.path}/resume`, {});
    const view = await until(resumed.json.path, ended);
    const twice = await call('POST', `${resumed.json.path}/resume`, {});

    // Assess: the first execution failed at second; the new one names it, begins at second, and succeeds.
    expect([failed.status, failed.error]).toStrictEqual(['FAILED', 'Mastermind.Failed']);
    expect([resumed.status, resumed.json]).toStrictEqual([
      201,
      {
        project: 'web',
        task: 'flaky',
        version: 1,
        executionArn: resumed.json.executionArn,
        name: resumed.json.name,
        path: `/projects/web/tasks/flaky/executions/${resumed.json.name}`,
        startDate: resumed.json.startDate,
        consoleUrl: `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${resumed.json.executionArn}`,
        resumes: { executionArn: started.json.executionArn, name: started.json.name, path: started.json.path, failed: 'second', from: 'second', carried: ['first'] },
      },
    ]);
    expect([view.status, view.error, view.cause]).toStrictEqual(['SUCCEEDED', undefined, undefined]);
    expect((view.input as { resume: object }).resume).toStrictEqual({
      of: started.json.executionArn,
      from: 'second',
      out: { first: { output: { exitCode: 0, stdout: 'one', stderr: '', truncated: false } } },
      count: { pass: 1 },
    });
    expect(moves(view)).toStrictEqual([['second', ['second do succeeded']]]);
    // On the host: first ran once (not played again), second ran with first's output.
    expect(await readFile(log, 'utf8')).toBe('first\nsecond-saw-one\n');
    // An execution that succeeded is not resumed.
    expect([twice.status, twice.json.message]).toStrictEqual([
      409,
      `Execution web/flaky/${resumed.json.name} is SUCCEEDED: only an execution that ended badly (FAILED, TIMED_OUT, ABORTED) can be resumed.`,
    ]);
  }, 60_000);

  it('refuses a resume whose earlier moves the rollback undid, and a from not in the plot; local mode cannot redrive', async () => {
    // Prepare: the cancelled execution of the first test undid first.
    const listed = await call('GET', '/projects/web/tasks/cancel-me/executions');
    const path = listed.json.items[0].path as string;
    // Act
    const undone = await call('POST', `${path}/resume`, {});
    const earlier = await call('POST', `${path}/resume`, { from: 'second' });
    const unknown = await call('POST', `${path}/resume`, { from: 'fourth' });
    const local = await call('POST', `${path}/redrive`, {});
    // Assess
    const id = `web/cancel-me/${listed.json.items[0].name}`;
    expect([undone.status, undone.json.message]).toStrictEqual([
      409,
      `The moves before third were undone by the rollback of execution ${id} (first): there is nothing to resume on; start the task again.`,
    ]);
    expect([earlier.status, earlier.json.message]).toStrictEqual([
      409,
      `The moves before second were undone by the rollback of execution ${id} (first): there is nothing to resume on; start the task again.`,
    ]);
    expect([unknown.status, unknown.json.message, unknown.json.details]).toStrictEqual([
      400,
      `fourth is not a henchman of the task version execution ${id} ran.`,
      [{ place: 'body.from', message: 'must be one of first, second, third' }],
    ]);
    expect([local.status, local.json.error]).toStrictEqual([409, 'Conflict']);
  });
});

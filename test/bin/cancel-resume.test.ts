/**
 * `mastermind cancel` and `mastermind resume` against local mode over HTTP (what `mastermind serve` runs): the ssh
 * provider's runtime in-process (its cancel look-up in the local store included), its `run` action scripted so the
 * tests decide when a move ends and which fails.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/commands/index.ts';
import { LOCAL_CALLER } from '#local/http';
import { LocalSecrets, localProviders } from '#local/providers';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import { FailedError } from '#providers/contract';
import { readCancel } from '#service/cancels';
import type { ExecutionView } from '#service/executions';

let local: LocalService;
/** Commands run, in order; "hold" waits until released; "fail-once" fails the first time. */
const ran: string[] = [];
let release: () => void = () => undefined;
/** Set once the "hold" move's action runs (past the runtime's cancel look-up). */
let holding = false;
let failedOnce = false;

beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  const handler = localProviders({
    secrets: new LocalSecrets({ '/mastermind/web/key': 'not a real key' }),
    cancels: (executionArn) => readCancel(local.deps.store, executionArn),
    actions: {
      ssh: {
        run: async (input) => {
          const command = String(input.command);
          if (command === 'hold') {
            holding = true;
            await new Promise<void>((resolve) => (release = resolve));
          }
          if (command === 'fail-once' && !failedOnce) {
            failedOnce = true;
            throw new FailedError('not yet');
          }
          ran.push(command);
          return { output: { exitCode: 0, stdout: command, stderr: '', truncated: false } };
        },
      },
    },
  });
  local = await startLocalService({ handler });
  await put('/projects/web', JSON.stringify({ user: 'ops', key: '${secret:/mastermind/web/key}' }), 'application/json');
}, 30_000);

afterAll(async () => {
  release();
  await local?.close();
  vi.unstubAllEnvs();
});

async function put(path: string, body: string, type = 'application/yaml'): Promise<number> {
  return (await fetch(`${local.url}${path}`, { method: 'PUT', headers: { 'content-type': type }, body })).status;
}

async function until(path: string, done: (view: ExecutionView) => boolean): Promise<ExecutionView> {
  for (let round = 0; round < 400; round++) {
    const view = (await (await fetch(`${local.url}${path}`)).json()) as ExecutionView;
    if (done(view)) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`execution ${path} never got there`);
}

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await main([...args, '--url', local.url], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const step = (name: string, command: string, extra = '') => `  - name: ${name}\n    provider: ssh\n    action: run\n    with: { host: h, command: ${command} }\n${extra}`;

/** The execution `mastermind start` printed: web/<task>/<name>. */
const startedId = (out: string) => /^started (\S+) /.exec(out)![1]!;
const pathOf = (id: string) => `/projects/${id.split('/')[0]}/tasks/${id.split('/')[1]}/executions/${id.split('/')[2]}`;

describe('mastermind cancel', () => {
  it('prints what will happen; the execution ends through its abort route with the undo played', async () => {
    // Prepare
    const task = `task: held\nrollback: true\nplot:\n${step('first', 'first', '    undo: { action: run, with: { host: h, command: undo-first } }\n')}${step('second', 'hold')}${step('third', 'third')}`;
    expect(await put('/projects/web/tasks/held', task)).toBe(201);
    const started = await cli(['start', 'web/held']);
    const id = startedId(started.out);
    await until(pathOf(id), () => holding);

    // Act
    const cancelled = await cli(['cancel', id, '--reason', 'wrong tier']);
    const json = await cli(['cancel', id, '--json']);
    release();
    const view = await until(pathOf(id), (v) => v.status !== 'RUNNING');
    const late = await cli(['cancel', id]);

    // Assess
    const arn = `arn:aws:states:us-east-1:000000000000:execution:mastermind-web_held:${id.split('/')[2]}`;
    expect(cancelled).toStrictEqual({
      code: 0,
      out:
        `Execution ${id} takes its abort route at its next move boundary or poll round (the move under way ends first); with rollback, ` +
        `1 completed move with an undo is undone, newest first (first), and any that completes before then.\narn     ${arn}\n`,
      err: '',
    });
    const answer = JSON.parse(json.out) as { requested: boolean; cancel: { by: string; reason: string } };
    expect([json.code, answer.requested, answer.cancel.by, answer.cancel.reason]).toStrictEqual([0, false, LOCAL_CALLER, 'wrong tier']);
    expect([view.status, view.error, view.cause?.replace(/ at \S+:/, ' at <time>:')]).toStrictEqual(['FAILED', 'Mastermind.Cancelled', `cancelled by ${LOCAL_CALLER} at <time>: wrong tier`]);
    expect(ran.filter((c) => ['first', 'hold', 'third', 'undo-first'].includes(c))).toStrictEqual(['first', 'hold', 'undo-first']);
    expect(late).toStrictEqual({ code: 1, out: '', err: `mastermind cancel: Execution ${id} has already ended (FAILED): there is nothing to cancel. (409 Conflict)\n  execution  its status is FAILED\n` });
  });
});

describe('mastermind resume', () => {
  it('starts the execution again at its failed move, printing what it carried over; refuses a henchman not in the plot', async () => {
    // Prepare
    const task = `task: flaky\nplot:\n${step('one', 'one')}${step('two', 'fail-once')}`;
    expect(await put('/projects/web/tasks/flaky', task)).toBe(201);
    const id = startedId((await cli(['start', 'web/flaky'])).out);
    await until(pathOf(id), (v) => v.status !== 'RUNNING');

    // Act
    const unknown = await cli(['resume', id, '--from', 'three']);
    const resumed = await cli(['resume', id]);
    const newId = startedId(resumed.out);
    const view = await until(pathOf(newId), (v) => v.status !== 'RUNNING');

    // Assess
    const newArn = `arn:aws:states:us-east-1:000000000000:execution:mastermind-web_flaky:${newId.split('/')[2]}`;
    expect(unknown).toStrictEqual({
      code: 1,
      out: '',
      err: `mastermind resume: three is not a henchman of the task version execution ${id} ran. (400 BadRequest)\n  body.from  must be one of one, two\n`,
    });
    expect(resumed).toStrictEqual({
      code: 0,
      out:
        `started ${newId} (version 1), resuming ${id} from two\ncarried over (not played again): one\narn     ${newArn}\n` +
        `console https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${newArn}\n`,
      err: '',
    });
    expect(view.status).toBe('SUCCEEDED');
    expect(ran.filter((c) => ['one', 'fail-once'].includes(c))).toStrictEqual(['one', 'fail-once']);
  });
});

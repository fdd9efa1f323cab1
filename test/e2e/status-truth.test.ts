/**
 * A status that tells the truth (issue 11), played for real in local mode: the API on localhost (the real API code,
 * dynalite, the local Step Functions), the real ssh provider in-process against the loopback sshd. Each truth (an unmet
 * expect, a failed `each` item, a fire, a poll, a retry, a stop after the end) is checked field by field in the
 * execution view, and in what `mastermind status`, `history` and `stop` print.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../bin/commands/index.ts';
import { LocalSecrets, localProviders } from '#local/providers';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import type { ExecutionView } from '#service/executions';
import { freePort, startSshd } from '../support/sshd.ts';
import type { Sshd } from '../support/sshd.ts';

let sshd: Sshd;
let local: LocalService;
/** The value of a secret a task puts into a command. */
const TOKEN = 'tok-4f1c9a-never-shown';
/** The providers' log lines (JSON), as a Lambda writes them to CloudWatch. */
const logged: Record<string, unknown>[] = [];

/** Keeps the providers' log lines (JSON on stdout, warnings on stderr) in `logged`; everything else written goes through. */
function captureLogs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      const text = String(chunk);
      if (!text.includes('"service":"mastermind-truth"')) return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
      logged.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    }) as typeof stream.write);
  }
}

beforeAll(async () => {
  sshd = await startSshd();
  const handler = localProviders({
    secrets: new LocalSecrets({ '/mastermind/web/ssh-key': sshd.privateKey, '/mastermind/web/token': TOKEN }),
    logger: new Logger({ serviceName: 'mastermind-truth', logLevel: 'INFO' }),
  });
  local = await startLocalService({ handler });
  await call('PUT', '/projects/web', { user: sshd.user, key: '${secret:/mastermind/web/ssh-key}', hostKey: sshd.hostKeyFingerprint });
}, 30_000);

// Mocks are restored before each test (vitest.config.ts restoreMocks): the capture is set again for each.
beforeEach(() => {
  captureLogs();
});

afterAll(async () => {
  await local?.close();
  await sshd?.stop();
  vi.restoreAllMocks();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${local.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: await response.json() };
}

/** Reads the execution through the API until `done` says so (at most 600 rounds of 50 ms). */
async function until(path: string, done: (view: ExecutionView) => boolean): Promise<ExecutionView> {
  for (let round = 0; round < 600; round++) {
    const { json } = await call('GET', path);
    if (done(json as ExecutionView)) return json as ExecutionView;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${path} never got there`);
}

const ended = (view: ExecutionView) => view.status !== 'RUNNING';

/** Saves the task and starts it; its execution's name is `name`. */
async function play(task: string, source: string, name: string): Promise<string> {
  const saved = await call('PUT', `/projects/web/tasks/${task}`, source, 'application/yaml');
  expect([saved.status, saved.json.version]).toStrictEqual([201, 1]);
  const started = await fetch(`${local.url}/projects/web/tasks/${task}/executions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': name },
    body: '{}',
  });
  expect(started.status).toBe(201);
  return `/projects/web/tasks/${task}/executions/${name}`;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...args, '--url', local.url], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const ssh = () => `host: 127.0.0.1, port: ${sshd.port}`;
const KEY = '${secret:/mastermind/web/ssh-key}';
/** The input an ssh move on the loopback sshd is handed: the task's fields, and the project's settings (its key a secret, as text). */
const handed = (fields: Record<string, unknown>, port = sshd.port) => ({ host: '127.0.0.1', port, user: sshd.user, key: KEY, hostKey: sshd.hostKeyFingerprint, ...fields });
const consoleOf = (view: ExecutionView) => `console   ${view.consoleUrl}`;

describe('a status that tells the truth, in local mode', () => {
  it('an expect that was not met fails its henchman, naming the condition and the value seen; stop then says the execution had ended', async () => {
    // Prepare
    const path = await play(
      'truth-expect',
      `task: truth-expect
plot:
  - name: check
    provider: ssh
    action: run
    with: { ${ssh()}, command: "printf 3" }
    expect: [{ field: exitCode, equals: 0 }, { field: stdout, equals: "0" }]
`,
      'expect-1',
    );

    // Act
    const view = await until(path, ended);
    const status = await cli(['status', 'web/truth-expect/expect-1']);
    const history = await cli(['history', 'web/truth-expect/expect-1']);
    const stopped = await call('POST', `${path}/stop`, {});
    const stopCli = await cli(['stop', 'web/truth-expect/expect-1']);

    // Assess: the view.
    const move = view.henchmen[0]!.moves[0]!;
    const cause = 'the output of check does not meet its expect: stdout equals "0" (saw "3")';
    expect([view.status, view.error, view.cause]).toStrictEqual(['FAILED', 'Mastermind.Unexpected', 'the output of check does not meet its expect']);
    expect(view.henchmen).toStrictEqual([
      {
        henchman: 'check',
        status: 'failed',
        moves: [
          {
            state: 'check',
            phase: 'do',
            action: 'run',
            attempts: 1,
            start: move.start,
            end: move.end,
            status: 'failed',
            input: handed({ command: 'printf 3' }),
            output: { exitCode: 0, stdout: '3', stderr: '', truncated: false },
            error: { error: 'Mastermind.Unexpected', cause },
          },
        ],
      },
    ]);
    // The CLI.
    expect(status).toStrictEqual({
      code: 0,
      out: [
        'execution expect-1  (web/truth-expect version 1)',
        'status    FAILED',
        `started   ${view.startDate}   stopped ${view.stopDate}`,
        'error     Mastermind.Unexpected: the output of check does not meet its expect',
        `henchmen  check  failed     Mastermind.Unexpected: ${cause}`,
        consoleOf(view),
        '',
      ].join('\n'),
      err: '',
    });
    expect(history).toStrictEqual({
      code: 0,
      out: `expect-1: FAILED, 1 move\ncheck     do    run             failed           ${move.start} → ${move.end}  Mastermind.Unexpected: ${cause}\n`,
      err: '',
    });
    // A stop after the end: 409 with its status, and the CLI says so (exit 1).
    const message = `Execution web/truth-expect/expect-1 had already ended (FAILED at ${view.stopDate}): nothing was stopped.`;
    expect([stopped.status, stopped.json]).toStrictEqual([409, { error: 'Conflict', message, details: [{ place: 'execution', message: 'its status is FAILED' }] }]);
    expect(stopCli).toStrictEqual({ code: 1, out: '', err: `mastermind stop: ${message} (409 Conflict)\n  execution  its status is FAILED\n` });
    expect((await call('GET', path)).json.status).toBe('FAILED');
  }, 60_000);

  it('an each with a failed item fails its henchman and lists every item by its value and host, each with its own state', async () => {
    // Prepare: "bad" fails (exit 1) on the host; the others succeed.
    const path = await play(
      'truth-each',
      `task: truth-each
params:
  names: { type: list, default: [ok, bad, fine] }
plot:
  - name: greet
    provider: ssh
    action: run
    each: \${params.names}
    with: { ${ssh()}, command: "test \${item} != bad && echo \${item}" }
`,
      'each-1',
    );

    // Act
    const view = await until(path, ended);
    const status = await cli(['status', 'web/truth-each/each-1']);
    const history = await cli(['history', 'web/truth-each/each-1']);

    // Assess
    const move = view.henchmen[0]!.moves[0]!;
    const items = move.items!;
    const where = `${sshd.user}@127.0.0.1:${sshd.port}`;
    const itemError = { error: 'Mastermind.Failed', cause: `exit code 1 is not allowed (allowed: 0) on ${where}` };
    // The login shell on the loopback host may write to stderr (a busy profile): that text is taken as written.
    const stderr = (i: number) => (items[i]!.output as { stderr: string } | undefined)?.stderr ?? '';
    // Each item's own input: the command's text apart from the values put into it (lambdas/providers/shell.ts).
    const command = (item: string) => handed({ command: { template: 'test {{0}} != bad && echo {{1}}', values: { 0: item, 1: item } } });
    expect(view.status).toBe('FAILED');
    expect(view.henchmen).toStrictEqual([
      {
        henchman: 'greet',
        status: 'failed',
        moves: [
          {
            state: 'greet',
            phase: 'do',
            action: 'run',
            attempts: 1,
            start: move.start,
            end: move.end,
            status: 'failed',
            error: { error: 'Mastermind.Failed', cause: `1 of 3 items failed: [1] bad on 127.0.0.1: ${itemError.cause}` },
            items: [
              { index: 0, item: 'ok', host: '127.0.0.1', attempts: 1, start: items[0]!.start, end: items[0]!.end, status: 'succeeded', input: command('ok'), output: { exitCode: 0, stdout: 'ok', stderr: stderr(0), truncated: false } },
              { index: 1, item: 'bad', host: '127.0.0.1', attempts: 1, start: items[1]!.start, end: items[1]!.end, status: 'failed', input: command('bad'), error: itemError },
              { index: 2, item: 'fine', host: '127.0.0.1', attempts: 1, start: items[2]!.start, end: items[2]!.end, status: 'succeeded', input: command('fine'), output: { exitCode: 0, stdout: 'fine', stderr: stderr(2), truncated: false } },
            ],
          },
        ],
      },
    ]);
    expect(status.out.split('\n')[4]).toBe(`henchmen  greet  failed     Mastermind.Failed: 1 of 3 items failed: [1] bad on 127.0.0.1: ${itemError.cause}`);
    expect(status.code).toBe(0);
    const span = (p: { start: string; end?: string }) => `${p.start} → ${p.end}`;
    expect(history).toStrictEqual({
      code: 0,
      out: [
        'each-1: FAILED, 1 move',
        `greet     do    run                failed           ${span(move)}  Mastermind.Failed: 1 of 3 items failed: [1] bad on 127.0.0.1: ${itemError.cause}`,
        `            [0] ok on 127.0.0.1    succeeded        ${span(items[0]!)}  {"exitCode":0,"stdout":"ok","stderr":${JSON.stringify(stderr(0))},"truncated":false}`,
        `            [1] bad on 127.0.0.1   failed           ${span(items[1]!)}  Mastermind.Failed: ${itemError.cause}`,
        `            [2] fine on 127.0.0.1  succeeded        ${span(items[2]!)}  {"exitCode":0,"stdout":"fine","stderr":${JSON.stringify(stderr(2))},"truncated":false}`,
        '',
      ].join('\n'),
      err: '',
    });
  }, 60_000);

  it('a fired move shows fired, and a move that waits shows what it waits for and its rounds, then its answer', async () => {
    // Prepare: notify is fired; build runs detached (first look after 2 s, then every 5 s) and ends after 6 s: the
    // first look finds it under way even on a loaded machine (4 s to spare), the second finds it done.
    const log = join(sshd.dir, 'fired.log');
    const path = await play(
      'truth-wait',
      `task: truth-wait
plot:
  - name: notify
    provider: ssh
    action: run
    fire: true
    with: { ${ssh()}, command: "echo fired >> ${log}" }
  - name: build
    provider: ssh
    action: run
    with: { ${ssh()}, command: "sleep 6; echo built", detach: true }
`,
      'wait-1',
    );

    // Act: read it while build waits after one look, then at the end.
    const waiting = await until(path, (view) => view.henchmen[1]?.moves[0]?.rounds === 1 && view.henchmen[1].moves[0].end !== undefined);
    const status = await cli(['status', 'web/truth-wait/wait-1']);
    const view = await until(path, ended);
    const history = await cli(['history', 'web/truth-wait/wait-1']);

    // Assess
    const words = 'the detached command to end (its limit: 300 s)';
    const notify = view.henchmen[0]!.moves[0]!;
    const build = view.henchmen[1]!.moves[0]!;
    const notifyMove = { state: 'notify', phase: 'do', action: 'run', attempts: 1, start: notify.start, end: notify.end, status: 'fired', input: handed({ command: `echo fired >> ${log}` }) };
    const buildInput = handed({ command: 'sleep 6; echo built', detach: true });
    expect(waiting.henchmen).toStrictEqual([
      { henchman: 'notify', status: 'fired', moves: [notifyMove] },
      {
        henchman: 'build',
        status: 'waiting',
        moves: [{ state: 'build', phase: 'do', action: 'run', attempts: 1, rounds: 1, waitingFor: words, start: build.start, end: waiting.henchmen[1]!.moves[0]!.end, status: 'waiting', input: buildInput }],
      },
    ]);
    expect(status).toStrictEqual({
      code: 0,
      out: [
        'execution wait-1  (web/truth-wait version 1)',
        'status    RUNNING',
        `started   ${waiting.startDate}`,
        'henchmen  notify  fired      started; the task went on without waiting for its result',
        `          build   waiting    for ${words} (1 round)`,
        consoleOf(waiting),
        '',
      ].join('\n'),
      err: '',
    });
    expect(view.status).toBe('SUCCEEDED');
    expect(view.henchmen).toStrictEqual([
      { henchman: 'notify', status: 'fired', moves: [notifyMove] },
      {
        henchman: 'build',
        status: 'succeeded',
        moves: [
          {
            state: 'build',
            phase: 'do',
            action: 'run',
            attempts: 1,
            rounds: 2,
            waitingFor: words,
            start: build.start,
            end: build.end,
            status: 'succeeded',
            input: buildInput,
            output: { exitCode: 0, stdout: 'built', stderr: '', truncated: false },
          },
        ],
      },
    ]);
    expect(history).toStrictEqual({
      code: 0,
      out: [
        'wait-1: SUCCEEDED, 2 moves',
        `notify    do    run             fired                ${notify.start} → ${notify.end}  started; the task went on without waiting for its result`,
        `build     do    run             succeeded  2 rounds  ${build.start} → ${build.end}  {"exitCode":0,"stdout":"built","stderr":"","truncated":false}`,
        '',
      ].join('\n'),
      err: '',
    });
    expect(await readFile(log, 'utf8')).toBe('fired\n');
    // The history records the fired invoke as Step Functions does (accepted: 202), inside its state's visit.
    const events = (await local.deps.sfn.send(new GetExecutionHistoryCommand({ executionArn: view.executionArn, maxResults: 1000 }))).events!;
    const entered = events.findIndex((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === 'notify');
    const visit = events.slice(entered, entered + 5);
    expect(visit.map((e) => [e.type, e.previousEventId === undefined ? undefined : e.previousEventId + 1 === e.id])).toStrictEqual([
      ['TaskStateEntered', true],
      ['TaskScheduled', true],
      ['TaskStarted', true],
      ['TaskSucceeded', true],
      ['TaskStateExited', true],
    ]);
    expect(JSON.parse(visit[1]!.taskScheduledEventDetails!.parameters!)).toMatchObject({ InvocationType: 'Event', Payload: { action: 'run', phase: 'do' } });
    expect(JSON.parse(visit[3]!.taskSucceededEventDetails!.output!)).toStrictEqual({ Payload: '', StatusCode: 202 });
  }, 60_000);

  it("a move's input shows each secret as its reference text, never its value: in the view, status --json and output", async () => {
    // Prepare: the key comes from the project's settings, the token is put into the command by the task.
    const path = await play(
      'truth-secret',
      `task: truth-secret
plot:
  - name: login
    provider: ssh
    action: run
    with: { ${ssh()}, command: "test -n \${secret:/mastermind/web/token} && echo in" }
`,
      'secret-1',
    );

    // Act
    const view = await until(path, ended);
    const json = await cli(['status', 'web/truth-secret/secret-1', '--json']);
    const output = await cli(['output', 'web/truth-secret/secret-1', 'login']);

    // Assess: the move ran with both values (the login worked, the token was there) ...
    const move = view.henchmen[0]!.moves[0]!;
    expect([view.status, move.output]).toStrictEqual(['SUCCEEDED', { exitCode: 0, stdout: 'in', stderr: '', truncated: false }]);
    // ... and is shown with their reference text only.
    const input = handed({ command: { template: 'test -n {{0}} && echo in', values: { 0: '${secret:/mastermind/web/token}' } } });
    expect(move.input).toStrictEqual(input);
    expect([json.code, (JSON.parse(json.out) as ExecutionView).henchmen[0]!.moves[0]!.input, json.err]).toStrictEqual([0, input, '']);
    expect(output.out.split('\n')).toStrictEqual([
      `== login: do run succeeded (${move.start} → ${move.end})`,
      'input:',
      '  host: 127.0.0.1',
      `  port: ${sshd.port}`,
      '  command:',
      '    template: test -n {{0}} && echo in',
      '    values:',
      '      "0": ${secret:/mastermind/web/token}',
      `  user: ${sshd.user}`,
      '  key: ${secret:/mastermind/web/ssh-key}',
      `  hostKey: ${sshd.hostKeyFingerprint}`,
      'exitCode: 0',
      'truncated: false',
      'stdout:',
      'in',
      'stderr:',
      '(empty)',
      '',
    ]);
    const keyLines = sshd.privateKey.split('\n').filter((line) => line.length > 20);
    for (const text of [JSON.stringify(view), json.out, output.out]) {
      expect(text).not.toContain(TOKEN);
      expect(keyLines.filter((line) => text.includes(line))).toStrictEqual([]);
    }
  }, 60_000);

  it('a retried move counts its attempts, and its log lines name the play, not a retry count the provider cannot know', async () => {
    // Prepare: nothing listens on the port: connection refused is transient, retried twice.
    const closed = await freePort();
    const path = await play(
      'truth-retry',
      `task: truth-retry
plot:
  - name: reach
    provider: ssh
    action: run
    retry: { attempts: 2, interval: 1s, backoff: 1 }
    with: { host: 127.0.0.1, port: ${closed}, command: "true" }
`,
      'retry-1',
    );

    // Act
    const view = await until(path, ended);
    const history = await cli(['history', 'web/truth-retry/retry-1']);

    // Assess
    const move = view.henchmen[0]!.moves[0]!;
    const error = { error: 'Mastermind.Transient', cause: `could not connect to ${sshd.user}@127.0.0.1:${closed}: ECONNREFUSED` };
    expect([view.status, view.error]).toStrictEqual(['FAILED', 'Mastermind.Transient']);
    expect(view.henchmen).toStrictEqual([
      { henchman: 'reach', status: 'failed', moves: [{ state: 'reach', phase: 'do', action: 'run', attempts: 3, start: move.start, end: move.end, status: 'failed', input: handed({ command: 'true' }, closed), error }] },
    ]);
    expect(history.out).toBe(`retry-1: FAILED, 1 move\nreach     do    run             failed     ×3    ${move.start} → ${move.end}  ${error.error}: ${error.cause}\n`);
    const lines = logged.filter((l) => l.henchman === 'reach');
    expect(lines.map(({ message, henchman, phase, play, attempt, error: name, execution }) => ({ message, henchman, phase, play, attempt, name, execution }))).toStrictEqual(
      Array(3).fill({ message: 'move failed', henchman: 'reach', phase: 'do', play: 1, attempt: undefined, name: 'Mastermind.Transient', execution: view.executionArn }),
    );
  }, 60_000);
});

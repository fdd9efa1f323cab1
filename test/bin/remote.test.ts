import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetExecutionHistoryCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiOf, callApi, Sha256 } from '../../bin/commands/client.ts';
import { main } from '../../bin/commands/index.ts';
import { apiListener, listen } from '#local/http';
import type { Listening } from '#local/http';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, taskSource } from '../service/fixtures.ts';
import type { FakeStepFunctions } from '../service/fixtures.ts';

let dynamo: LocalDynamo;
let fake: FakeStepFunctions;
let server: Listening;
let dir: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  dir = await mkdtemp(join(tmpdir(), 'mastermind-remote-'));
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  fake = fakeStepFunctions();
  server = await listen(apiListener(serviceDeps(dynamo.store, fake.sfn, recordingLog())));
  await fetch(`${server.url}/projects/web`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SETTINGS) });
  return () => server.close();
});

function capture() {
  let out = '';
  let err = '';
  return { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), out: () => out, err: () => err };
}

async function taskFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const run = async (args: string[]) => {
  const io = capture();
  const code = await main([...args, '--url', server.url], io);
  return { code, out: io.out(), err: io.err() };
};

describe('mastermind push', () => {
  it('stores a task file in the project it names, then a new version of it', async () => {
    // Prepare
    const file = await taskFile('restart.yaml', `project: web\n${taskSource('restart')}`);
    // Act
    const first = await run(['push', file]);
    const again = await run(['push', file]);
    await writeFile(file, `project: web\n${taskSource('restart')}# edited\n`);
    const second = await run(['push', file]);
    // Assess
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_restart';
    expect(first).toStrictEqual({ code: 0, out: `created web/restart version 1\nstate machine ${arn}:1\n`, err: '' });
    expect(again).toStrictEqual({ code: 0, out: `unchanged web/restart version 1: the same source is in force, nothing was saved\nstate machine ${arn}:1\n`, err: '' });
    expect(second).toStrictEqual({ code: 0, out: `saved web/restart version 2 (was 1)\nstate machine ${arn}:2\n`, err: '' });
  });

  it('prints every error the API finds, with its place and line, and exits 1', async () => {
    // Prepare
    const file = await taskFile('broken.yaml', 'task: broken\nplot:\n  - name: a\n    provider: ssh\n    action: rn\n');
    // Act
    const result = await run(['push', file, '--project', 'web']);
    // Assess
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      `${file}:5:5 plot[0].action: the provider 'ssh' has no action 'rn' (did you mean 'run'?); its actions are 'run', 'script', 'upload' and 'wait-reachable' (unknown-action)\n1 error in ${file}\n`,
    );
  });

  it('refuses a --project other than the one the file names, before calling the API', async () => {
    // Prepare
    const file = await taskFile('elsewhere.yaml', `project: web\n${taskSource('elsewhere')}`);
    // Act
    const result = await run(['push', file, '--project', 'other']);
    // Assess
    expect(result.code).toBe(2);
    expect(result.err).toBe(`mastermind push: ${file} belongs to project web, not other\nusage: mastermind push <task file> [--project <name>] [--url <API URL>]\n`);
  });
});

describe('mastermind start, status, history and stop', () => {
  it('starts an execution with params and prints its short id; status and history take it, stop takes the ARN', async () => {
    // Prepare
    await run(['push', await taskFile('relaunch.yaml', `project: web\n${taskSource('relaunch')}`)]);
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_relaunch:run-1';
    const at = (s: number) => new Date(Date.UTC(2025, 2, 4, 5, 6, s));
    const scheduled = (phase: string) => JSON.stringify({ Payload: { action: 'run', phase, context: { project: 'web', task: 'relaunch', version: 1, henchman: 'relaunch' } } });
    fake.mock.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'relaunch' } },
        { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: scheduled('do') } },
        { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Transient', cause: 'busy' } },
        { id: 4, previousEventId: 3, type: 'TaskScheduled', timestamp: at(4), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: scheduled('do') } },
        { id: 5, previousEventId: 4, type: 'TaskSucceeded', timestamp: at(5), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ Payload: { output: { exitCode: 0 } } }) } },
      ],
    });
    fake.mock.on(StopExecutionCommand).resolves({ stopDate: at(9) });

    // Act
    const started = await run(['start', 'web/relaunch', '--params', '{"count":2}', '--key', 'run-1']);
    const status = await run(['status', 'web/relaunch/run-1']);
    const history = await run(['history', 'web/relaunch/run-1']);
    const stopped = await run(['stop', arn, '--reason', 'enough']);

    // Assess
    expect(started).toStrictEqual({
      code: 0,
      out: `started web/relaunch/run-1 (version 1)\narn     ${arn}\nconsole https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}\n`,
      err: '',
    });
    expect(JSON.parse(fake.executions.get(arn)!.input)).toMatchObject({ params: { count: 2 } });
    expect(status).toStrictEqual({
      code: 0,
      out: [
        'execution run-1  (web/relaunch version 1)',
        'status    RUNNING',
        'started   2025-03-04T05:06:07.000Z',
        'henchmen  relaunch  succeeded',
        `console   https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
        '',
      ].join('\n'),
      err: '',
    });
    expect(history).toStrictEqual({
      code: 0,
      out: 'run-1: RUNNING, 1 move\nrelaunch  do    run             succeeded  ×2    2025-03-04T05:06:01.000Z → 2025-03-04T05:06:05.000Z  {"exitCode":0}\n',
      err: '',
    });
    expect(stopped).toStrictEqual({ code: 0, out: `stopped web/relaunch/run-1 at 2025-03-04T05:06:09.000Z: nothing was undone (cancel takes the abort route, rollback included)\narn     ${arn}\n`, err: '' });
    expect(fake.mock.commandCalls(StopExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([{ executionArn: arn, error: 'Mastermind.Stopped', cause: 'enough' }]);
  });

  it('says the execution is not there (404) and exits 1', async () => {
    // Act
    const result = await run(['status', 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_relaunch:nope']);
    // Assess
    expect(result).toStrictEqual({ code: 1, out: '', err: 'mastermind status: Task web/relaunch has no execution nope. `mastermind executions web/relaunch` lists its executions. (404 NotFound)\n' });
  });

  it('refuses an ARN of a state machine that is not a Mastermind task\'s, before calling the API (exit 2)', async () => {
    // Act
    const result = await run(['stop', 'arn:aws:states:eu-west-1:123456789012:execution:other:x']);
    // Assess
    expect(result).toStrictEqual({
      code: 2,
      out: '',
      err:
        'mastermind stop: arn:aws:states:eu-west-1:123456789012:execution:other:x is not an execution of a Mastermind task: its state machine other is not named mastermind-<project>_<task> (set MASTERMIND_STATE_MACHINE_PREFIX to the stack\'s prefix, or give the execution as <project>/<task>/<name>)\n' +
        'usage: mastermind stop <project>/<task>/<execution> | <execution ARN> [--reason <text>] [--url <API URL>]\n',
    });
    expect(fake.mock.commandCalls(StopExecutionCommand)).toStrictEqual([]);
  });
});

describe('the API a command talks to', () => {
  it('needs a URL: --url or MASTERMIND_URL', async () => {
    // Prepare
    vi.stubEnv('MASTERMIND_URL', '');
    const io = capture();
    // Act
    const code = await main(['status', 'web/relaunch/x'], io);
    vi.unstubAllEnvs();
    // Assess
    expect(code).toBe(2);
    expect(io.err()).toBe(
      'mastermind status: give the API URL with --url or MASTERMIND_URL (`mastermind serve` prints a local one)\nusage: mastermind status <project>/<task>/<execution> | <execution ARN> [--url <API URL>]\n',
    );
  });

  it('takes the URL from MASTERMIND_URL when --url is left out', async () => {
    // Prepare
    vi.stubEnv('MASTERMIND_URL', server.url);
    const io = capture();
    // Act
    const code = await main(['status', 'web/relaunch/x'], io);
    vi.unstubAllEnvs();
    // Assess
    expect([code, io.err()]).toStrictEqual([1, 'mastermind status: Task web/relaunch has no execution x. `mastermind executions web/relaunch` lists its executions. (404 NotFound)\n']);
  });

  it('says so when nothing answers at the URL, and exits 1', async () => {
    // Prepare
    const closed = await listen(() => undefined);
    await closed.close();
    // Act
    const io = capture();
    const code = await main(['status', 'web/relaunch/x', '--url', closed.url], io);
    // Assess
    expect(code).toBe(1);
    expect(io.err()).toMatch(new RegExp(`^mastermind status: ${closed.url.replaceAll('.', '\\.')} cannot be reached: .+ \\(is the URL right\\? \`mastermind serve\` prints a local one\\)\\n$`));
  });

  it('signs a request with SigV4 as the AWS test suite expects (get-vanilla)', async () => {
    // Prepare
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      sha256: Sha256,
      applyChecksum: false,
    });
    // Act
    const signed = await signer.sign(
      { method: 'GET', protocol: 'https:', hostname: 'example.amazonaws.com', path: '/', query: {}, headers: { host: 'example.amazonaws.com' } },
      { signingDate: new Date('2015-08-30T12:36:00Z') },
    );
    // Assess
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs for execute-api in the region the API host names, and leaves a loopback API unsigned', async () => {
    // Act
    const deployed = apiOf({ url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', env: {}, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });
    const local = apiOf({ url: 'http://127.0.0.1:8080', env: {} });
    // Assess
    expect(deployed.signer).toBeInstanceOf(SignatureV4);
    expect(local.signer).toBeUndefined();
    expect(() => apiOf({ url: 'https://mastermind.example.com', env: {} })).toThrow('the region of mastermind.example.com is not in its name: set AWS_REGION');
  });

  it('sends the signature, the stage path and the query on the wire', async () => {
    // Prepare
    const seen: { url?: string; headers?: IncomingHttpHeaders } = {};
    const wire = createServer((request, response) => {
      seen.url = request.url;
      seen.headers = request.headers;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => wire.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(wire.address() as AddressInfo).port}/prod`);
    const signer = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, sha256: Sha256 });
    // Act
    const answer = await callApi({ url, signer }, { method: 'GET', path: '/projects/web/tasks', query: { limit: '5' } });
    wire.close();
    // Assess
    expect(answer).toStrictEqual({ status: 200, body: { ok: true } });
    expect(seen.url).toBe('/prod/projects/web/tasks?limit=5');
    expect(seen.headers?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_PORTS, duration, serveUntil, stderrLog, usage } from '../../bin/commands/serve.ts';
import { main } from '../../bin/commands/index.ts';
import type { Io } from '../../bin/commands/io.ts';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mastermind-serve-'));
  await writeFile(join(dir, 'secrets.json'), JSON.stringify({ '/mastermind/web/ssh-key': 'the-private-key-text', '/mastermind/web/chef-key': 'the-chef-key-text' }));
  await writeFile(join(dir, 'bad.json'), JSON.stringify({ 'no-slash': 'value-never-shown' }));
});

describe('mastermind serve', () => {
  it('serves the API on the port it prints until stopped, names where secrets come from without their values, then closes', async () => {
    // Prepare
    const io = capture();
    let stop!: (signal: string) => void;
    let answered: Response | undefined;
    const stopped = () =>
      new Promise<string>((resolve) => {
        stop = resolve;
      });

    // Act: once the URL is printed, call the API through it, then stop.
    const serving = serveUntil(['--port', '0', '--secrets', join(dir, 'secrets.json')], io, stopped);
    for (let round = 0; round < 200 && !io.out().includes('Stop with Ctrl-C.'); round++) await new Promise((resolve) => setTimeout(resolve, 25));
    const url = /local mode on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out())![1]!;
    answered = await fetch(`${url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    stop('SIGTERM');
    const code = await serving;
    const afterwards = await fetch(`${url}/projects/web`).catch((error: Error) => error);

    // Assess
    expect([code, answered.status]).toStrictEqual([0, 201]);
    expect(io.out().split('\n').slice(1)).toStrictEqual([
      `  dashboard      ${url}/`,
      `  API            ${url}/projects, /hooks (no signature asked)`,
      `  alarms         POST ${url}/local/alarms (an SNS notification, a CloudWatch alarm message or an EventBridge alarm state change)`,
      '  store          embedded DynamoDB (dynalite, in memory: gone when this stops)',
      '  executions     on the local Step Functions engine, providers in-process',
      `  secrets        ${join(dir, 'secrets.json')} (2 names)`,
      '  secret paths   /mastermind/<project>/ and /mastermind/_shared/',
      'Stop with Ctrl-C.',
      'SIGTERM: stopping; running executions are aborted (a provider call under way is not waited for)',
      '',
    ]);
    expect(io.out()).not.toContain('the-private-key-text');
    expect(afterwards).toBeInstanceOf(Error);
  });

  it('with --examples saves the three examples in project examples, prints them and the dashboard, and offers their scenarios to the page', async () => {
    // Prepare
    const io = capture();
    let stop!: (signal: string) => void;
    const stopped = () =>
      new Promise<string>((resolve) => {
        stop = resolve;
      });

    // Act
    const serving = serveUntil(['--port', '0', '--examples'], io, stopped);
    for (let round = 0; round < 400 && !io.out().includes('Stop with Ctrl-C.'); round++) await new Promise((resolve) => setTimeout(resolve, 25));
    const url = /local mode on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out())![1]!;
    const tasks = (await (await fetch(`${url}/projects/examples/tasks`)).json()) as { items: { task: string; updatedBy: string }[] };
    const config = (await (await fetch(`${url}/dashboard/config.json`)).json()) as { projects: string[]; rehearsals: boolean; scenarios: Record<string, { name: string }[]> };
    stop('SIGINT');
    const code = await serving;

    // Assess
    expect(code).toBe(0);
    expect(io.out().split('\n').slice(1, 3)).toStrictEqual([
      `  dashboard      ${url}/`,
      '  examples       project examples: replace-node, rolling-restart, scale-out (rehearse them from the dashboard)',
    ]);
    expect(tasks.items.map((t) => `${t.task} by ${t.updatedBy}`)).toStrictEqual(['replace-node by local', 'rolling-restart by local', 'scale-out by local']);
    expect({ projects: config.projects, rehearsals: config.rehearsals, scenarios: Object.fromEntries(Object.entries(config.scenarios).map(([k, v]) => [k, v.map((s) => s.name)])) }).toStrictEqual({
      projects: ['examples'],
      rehearsals: true,
      scenarios: {
        'examples/replace-node': ['examples/replace-node.scenario.yaml'],
        'examples/rolling-restart': ['examples/rolling-restart.scenario.yaml'],
        'examples/scale-out': ['examples/scale-out.scenario.yaml'],
      },
    });
  });

  it('writes what goes wrong inside the service on stderr, one line each, and keeps info quiet', () => {
    // Prepare
    const io = capture();
    const log = stderrLog(io);
    // Act
    log.info('request served', { path: '/projects' });
    log.warn('a local execution could not run', { execution: 'x' });
    log.error('request failed', { error: { name: 'TypeError' } }, { path: '/projects/web' });
    // Assess
    expect(io.err()).toBe(
      'warn a local execution could not run {"execution":"x"}\nerror request failed {"error":{"name":"TypeError"},"path":"/projects/web"}\n',
    );
  });

  it('refuses a secrets file that is not a map of SSM names to strings, without printing its values', async () => {
    // Prepare
    const io = capture();

    // Act
    const code = await main(['serve', '--secrets', join(dir, 'bad.json')], io);

    // Assess
    expect(code).toBe(1);
    expect(io.err()).toBe(
      `mastermind serve: The secrets file ${join(dir, 'bad.json')}: each name must start with "/" and each value be a string; not so for no-slash.\n`,
    );
  });

  it('refuses a port that is not one with the usage', async () => {
    // Prepare
    const io = capture();

    // Act
    const code = await main(['serve', '--port', 'eighty'], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toBe(`mastermind serve: --port must be a port number (0 to 65535), not eighty\nusage: ${usage}\n`);
  });
});

describe('mastermind serve: ports the CLI can reach', () => {
  it('refuses a port fetch will not connect to, saying why, before starting anything', async () => {
    // Prepare
    const io = capture();

    // Act
    const code = await main(['serve', '--port', '6000'], io);

    // Assess
    expect(code).toBe(2);
    expect(io.err()).toBe(
      'mastermind serve: --port 6000 is one of the ports fetch refuses to connect to ("bad port": the CLI and browsers could not reach the service there); choose another, such as 8080\n' +
        `usage: ${usage}\n`,
    );
  });

  it("refuses exactly the ports this Node's fetch refuses: each of them answers bad port, their neighbours do not", async () => {
    // Prepare
    const refusedBy = async (port: number) =>
      fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(
        async (response) => (await response.body?.cancel(), 'answered'),
        (error: Error & { cause?: Error }) => (error.cause?.message ?? error.message) === 'bad port',
      );
    const neighbours = [...BAD_PORTS].flatMap((p) => [p - 1, p + 1]).filter((p) => p > 0 && !BAD_PORTS.has(p));

    // Act
    const listed = await Promise.all([...BAD_PORTS].map(refusedBy));
    const others = await Promise.all(neighbours.map(refusedBy));

    // Assess
    expect(listed.every((refused) => refused === true)).toBe(true);
    expect(others.filter((refused) => refused === true)).toStrictEqual([]);
  });
});

describe('mastermind serve: a line for a person when an execution starts and ends', () => {
  const TASK = `task: boom
plot:
  - name: run
    provider: ssh
    action: run
    with: { host: 127.0.0.1, user: ops, key: "\${secret:/mastermind/web/ssh-key}", command: "true" }
`;

  /** Serves with `args`, runs task boom once (its key is no key: it fails), and answers what serve printed. */
  async function oneRun(args: string[]): Promise<{ out: string; name: string }> {
    const io = capture();
    let stop!: (signal: string) => void;
    const serving = serveUntil(['--port', '0', '--secrets', join(dir, 'secrets.json'), ...args], io, () => new Promise<string>((resolve) => (stop = resolve)));
    for (let round = 0; round < 200 && !/127\.0\.0\.1:\d+/.test(io.out()); round++) await new Promise((resolve) => setTimeout(resolve, 25));
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(io.out())![1]!;
    await fetch(`${url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await fetch(`${url}/projects/web/tasks/boom`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: TASK });
    const started = (await (await fetch(`${url}/projects/web/tasks/boom/executions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).json()) as { name: string; path: string };
    for (let round = 0; round < 400; round++) {
      const view = (await (await fetch(`${url}${started.path}`)).json()) as { status: string };
      if (view.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    stop('SIGTERM');
    expect(await serving).toBe(0);
    return { out: io.out(), name: started.name };
  }

  it('prints the task, the execution (as the CLI names it), its status and how long it took', async () => {
    // Act
    const { out, name } = await oneRun([]);

    // Assess
    const lines = out.split('\n').filter((line) => line.startsWith('execution '));
    expect(lines.map((line) => line.replace(/ in \d+\.\ds /, ' in <duration> '))).toStrictEqual([
      `execution web/boom/${name} started`,
      `execution web/boom/${name} FAILED in <duration> (Mastermind.Invalid)`,
    ]);
  });

  it('prints only JSON lines with --log json', async () => {
    // Act
    const { out, name } = await oneRun(['--log', 'json']);

    // Assess
    const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.message, line.service])).toStrictEqual([
      ['INFO', 'mastermind local mode', 'mastermind-serve'],
      ['INFO', 'execution started', 'mastermind-serve'],
      ['WARN', 'execution ended', 'mastermind-serve'],
      ['INFO', 'stopping; running executions are aborted (a provider call under way is not waited for)', 'mastermind-serve'],
    ]);
    const arn = `arn:aws:states:us-east-1:000000000000:execution:mastermind-web_boom:${name}`;
    expect(lines[1]).toStrictEqual({ level: 'INFO', message: 'execution started', service: 'mastermind-serve', timestamp: lines[1]!.timestamp, project: 'web', task: 'boom', execution: name, executionArn: arn, status: 'RUNNING' });
    expect(lines[2]).toStrictEqual({
      level: 'WARN',
      message: 'execution ended',
      service: 'mastermind-serve',
      timestamp: lines[2]!.timestamp,
      project: 'web',
      task: 'boom',
      execution: name,
      executionArn: arn,
      status: 'FAILED',
      durationMs: lines[2]!.durationMs,
      error: 'Mastermind.Invalid',
    });
    expect(typeof lines[2]!.durationMs).toBe('number');
  });

  it('formats durations for a person', () => {
    expect([400, 12_345, 125_000, 3_725_000].map(duration)).toStrictEqual(['0.4s', '12.3s', '2m 05s', '1h 02m']);
  });
});

/**
 * `mastermind serve`: the service locally (lambdas/local/service.ts). Local mode is imported when the command
 * runs, so the other commands do not load the store, the engine and the providers.
 *
 * What it prints: with `--log human` (the default) the banner, then a line for a person when an execution starts
 * and when it ends (task, execution, status, duration), beside the providers' JSON log lines; with `--log json`
 * only JSON lines (the banner and those lines as JSON objects too), for a machine to read.
 *
 * Ports that fetch refuses to connect to (the Fetch standard's "bad ports", 6000 among them) are refused: the
 * CLI (Node's fetch) and every browser would answer "bad port", so nothing could call the service there.
 */
import '#engine/polyfill';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SavedExamples } from '#local/examples';
import type { LocalSecrets } from '#local/providers';
import type { ExecutionEvent, LocalPage } from '#local/service';
import type { PageConfig } from '../../web/server.ts';
import type { Log } from '#service/deps';
import { readSecretLayout, SECRET_LAYOUT_OPTIONS, UsageError, type Command, type Io } from './io.ts';

export const usage = 'mastermind serve [--port <n>] [--secrets <file.json>] [--examples] [--secrets-path <path>] [--shared-secrets-path <path>] [--log human|json]';

/**
 * The ports fetch will not connect to (https://fetch.spec.whatwg.org/#port-blocking, as Node's fetch, undici,
 * holds them in Node 20 and 22): a server there cannot be reached by the CLI or a browser.
 */
export const BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119,
  123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989,
  990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

function portOf(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a port number (0 to 65535), not ${value}`);
  if (BAD_PORTS.has(port)) {
    throw new UsageError(
      `--port ${port} is one of the ports fetch refuses to connect to ("bad port": the CLI and browsers could not reach the service there); choose another, such as 8080`,
    );
  }
  return port;
}

export type LogFormat = 'human' | 'json';

function logFormatOf(value: string | undefined): LogFormat {
  if (value === undefined || value === 'human' || value === 'json') return value ?? 'human';
  throw new UsageError(`--log must be human or json, not ${value}`);
}

/** How long an execution took, for a person: 0.4s, 12.3s, 2m 05s, 1h 02m. */
export function duration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.floor(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * The line serve prints when an execution starts or ends: for a person, with the id the CLI takes
 * (`<project>/<task>/<name>`), or one JSON object.
 */
export function executionLine(event: ExecutionEvent, format: LogFormat): string {
  const id = `${event.project}/${event.task}/${event.name}`;
  const ms = event.stopDate ? event.stopDate.getTime() - event.startDate.getTime() : undefined;
  if (format === 'json') {
    const level = event.change === 'ended' && event.status !== 'SUCCEEDED' ? 'WARN' : 'INFO';
    const at = event.change === 'started' ? event.startDate : (event.stopDate ?? event.startDate);
    return `${jsonLine(level, `execution ${event.change}`, {
      project: event.project,
      task: event.task,
      execution: event.name,
      executionArn: event.executionArn,
      status: event.status,
      ...(ms !== undefined ? { durationMs: ms } : {}),
      ...(event.error !== undefined ? { error: event.error } : {}),
    }, at)}\n`;
  }
  if (event.change === 'started') return `execution ${id} started\n`;
  return `execution ${id} ${event.status} in ${duration(ms ?? 0)}${event.error !== undefined ? ` (${event.error})` : ''}\n`;
}

/** Where `--examples` reads the tasks and scenarios it saves: the repository's examples/. */
const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

/**
 * The dashboard's page (web/), bundled now; undefined, with a line on stderr, when it cannot be (serve goes on
 * without it). `learn` tells the page the examples saved, their scenarios included.
 */
async function dashboardPage(io: Io): Promise<{ page: LocalPage; learn(examples: SavedExamples): void } | undefined> {
  const { buildDashboard } = await import('../../web/build.ts');
  const { isPagePath, pageListener } = await import('../../web/server.ts');
  let assets;
  try {
    assets = await buildDashboard();
  } catch (error) {
    io.stderr(`mastermind serve: the dashboard is not served: ${(error as Error).message}\n`);
    return undefined;
  }
  let config: PageConfig = { mode: 'local', projects: [], rehearsals: true, scenarios: {} };
  return {
    page: { serves: isPagePath, listener: pageListener(assets, () => config) },
    learn: (examples) => {
      config = { ...config, projects: [examples.project], scenarios: examples.scenarios };
    },
  };
}

/** Resolves with the name of the first SIGINT or SIGTERM, then stops listening for them. */
export function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** One JSON log line of serve's own, in the shape of the providers' (Powertools) lines. */
function jsonLine(level: string, message: string, fields: Record<string, unknown>, at = new Date()): string {
  return JSON.stringify({ level, message, service: 'mastermind-serve', timestamp: at.toISOString(), ...fields });
}

/** What goes wrong inside the service (a 500, an execution that could not run), one line each on stderr. */
export function stderrLog(io: Io, format: LogFormat = 'human'): Log {
  const line = (level: string) => (message: string, ...extra: Record<string, unknown>[]) =>
    io.stderr(
      format === 'json'
        ? `${jsonLine(level.toUpperCase(), message, Object.assign({}, ...extra))}\n`
        : `${level} ${message}${extra.length > 0 ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`,
    );
  return { info: () => undefined, warn: line('warn'), error: line('error') };
}

/** Serves until `stopped` settles (a signal, or a test), then closes everything it started. */
export async function serveUntil(args: string[], io: Io, stopped: () => Promise<string>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, secrets: { type: 'string' }, log: { type: 'string' }, examples: { type: 'boolean' }, ...SECRET_LAYOUT_OPTIONS },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
  const port = portOf(values.port);
  const format = logFormatOf(values.log);
  const secretLayout = readSecretLayout(values);
  const { readSecretsFile, SecretsFileError } = await import('#local/providers');
  const { ALARMS_PATH, startLocalService } = await import('#local/service');
  let secrets: LocalSecrets | undefined;
  if (values.secrets !== undefined) {
    try {
      secrets = await readSecretsFile(values.secrets);
    } catch (error) {
      if (!(error instanceof SecretsFileError)) throw error;
      io.stderr(`mastermind serve: ${error.message}\n`);
      return 1;
    }
  }
  const waiting = stopped();
  const page = await dashboardPage(io);
  let local;
  let examples: SavedExamples | undefined;
  try {
    local = await startLocalService({
      port,
      log: stderrLog(io, format),
      secretLayout,
      onExecution: (event) => io.stdout(executionLine(event, format)),
      ...(secrets ? { secrets } : {}),
      ...(page ? { page: page.page } : {}),
    });
    if (values.examples) {
      const { saveExamples } = await import('#local/examples');
      examples = await saveExamples(local.deps, EXAMPLES_DIR);
      page?.learn(examples);
    }
  } catch (error) {
    await local?.close();
    io.stderr(`mastermind serve: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  const secretsLine = secrets
    ? `${values.secrets} (${secrets.names().length} ${secrets.names().length === 1 ? 'name' : 'names'})`
    : 'SSM Parameter Store through the AWS SDK (AWS_ENDPOINT_URL_SSM honoured)';
  if (format === 'json') {
    const paths = [`${secretLayout.path}<project>/`, secretLayout.shared];
    io.stdout(`${jsonLine('INFO', 'mastermind local mode', { url: local.url, ...(page ? { dashboard: `${local.url}/` } : {}), ...(examples ? { examples: { project: examples.project, tasks: examples.tasks } } : {}), alarms: `${local.url}${ALARMS_PATH}`, secrets: secrets ? values.secrets : 'ssm', secretPaths: paths })}\n`);
  } else {
    io.stdout(
      [
        `mastermind local mode on ${local.url}`,
        ...(page ? [`  dashboard      ${local.url}/`] : []),
        ...(examples ? [`  examples       project ${examples.project}: ${examples.tasks.join(', ')} (rehearse them from the dashboard)`] : []),
        `  API            ${local.url}/projects, /hooks (no signature asked)`,
        `  alarms         POST ${local.url}${ALARMS_PATH} (an SNS notification, a CloudWatch alarm message or an EventBridge alarm state change)`,
        `  store          embedded DynamoDB (dynalite, in memory: gone when this stops)`,
        `  executions     on the local Step Functions engine, providers in-process`,
        `  secrets        ${secretsLine}`,
        `  secret paths   ${secretLayout.path}<project>/ and ${secretLayout.shared}`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
  }
  const signal = await waiting;
  const stopping = 'stopping; running executions are aborted (a provider call under way is not waited for)';
  io.stdout(format === 'json' ? `${jsonLine('INFO', stopping, { signal })}\n` : `${signal}: ${stopping}\n`);
  await local.close();
  return 0;
}

/** How long serve gives its output after closing before it exits, whatever is still under way. */
const EXIT_GRACE_MS = 1000;

/** Runs the service locally (./lambdas/local/service.ts) until SIGINT or SIGTERM, then exits. */
export const serve: Command = async (args, io) => {
  const code = await serveUntil(args, io, stopSignal);
  // A provider call under way (an ssh command, a Chef run) would keep the process alive until it ends; its
  // execution is already ABORTED, so it is not waited for. The timer does not itself keep the process alive.
  // A serve that never started (code 1: its secrets file, its port) leaves nothing under way.
  if (code === 0) setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
};

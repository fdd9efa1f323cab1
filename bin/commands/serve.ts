/**
 * `mastermind serve`: the service locally (lambdas/local/service.ts). Local mode is imported when the command
 * runs, so the other commands do not load the store, the engine and the providers.
 */
import '#engine/polyfill';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { SavedExamples } from '#local/examples';
import type { LocalSecrets } from '#local/providers';
import type { LocalPage } from '#local/service';
import type { PageConfig } from '../../web/server.ts';
import type { Log } from '#service/deps';
import { readSecretLayout, SECRET_LAYOUT_OPTIONS, UsageError, type Command, type Io } from './io.ts';

export const usage = 'mastermind serve [--port <n>] [--secrets <file.json>] [--examples] [--secrets-path <path>] [--shared-secrets-path <path>]';

function portOf(value: string | undefined): number {
  if (value === undefined) return 8080;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a port number (0 to 65535), not ${value}`);
  return port;
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

/** What goes wrong inside the service (a 500, an execution that could not run), one line each on stderr. */
export function stderrLog(io: Io): Log {
  const line = (level: string) => (message: string, ...extra: Record<string, unknown>[]) =>
    io.stderr(`${level} ${message}${extra.length > 0 ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`);
  return { info: () => undefined, warn: line('warn'), error: line('error') };
}

/** Serves until `stopped` settles (a signal, or a test), then closes everything it started. */
export async function serveUntil(args: string[], io: Io, stopped: () => Promise<string>): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, secrets: { type: 'string' }, examples: { type: 'boolean' }, ...SECRET_LAYOUT_OPTIONS },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
  const port = portOf(values.port);
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
    local = await startLocalService({ port, log: stderrLog(io), secretLayout, ...(secrets ? { secrets } : {}), ...(page ? { page: page.page } : {}) });
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
  io.stdout(
    [
      `mastermind local mode on ${local.url}`,
      ...(page ? [`  dashboard      ${local.url}/`] : []),
      ...(examples ? [`  examples       project ${examples.project}: ${examples.tasks.join(', ')} (rehearse them from the dashboard)`] : []),
      `  API            ${local.url}/projects, /hooks (no signature asked)`,
      `  alarms         POST ${local.url}${ALARMS_PATH} (an SNS notification, a CloudWatch alarm message or an EventBridge alarm state change)`,
      `  store          embedded DynamoDB (dynalite, in memory: gone when this stops)`,
      `  executions     on the local Step Functions engine, providers in-process`,
      `  secrets        ${secrets ? `${values.secrets} (${secrets.names().length} ${secrets.names().length === 1 ? 'name' : 'names'})` : 'SSM Parameter Store through the AWS SDK (AWS_ENDPOINT_URL_SSM honoured)'}`,
      `  secret paths   ${secretLayout.path}<project>/ and ${secretLayout.shared}`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  const signal = await waiting;
  io.stdout(`${signal}: stopping; running executions are aborted (a provider call under way is not waited for)\n`);
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
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
};

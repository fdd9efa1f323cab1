/**
 * `mastermind dashboard --url <deployed API URL>`: the dashboard's page (web/) on 127.0.0.1, its API calls
 * forwarded to the deployed API signed with SigV4 by the CLI's signer (./client.ts) with the caller's AWS
 * credentials, so an operator sees production without a public web server. The page holds no credentials: it
 * talks to this server only, which listens on loopback and refuses foreign Host and Origin as local mode does
 * (lambdas/local/http.ts `listen`).
 *
 * | request to the local server                            | answer                                           |
 * | ------------------------------------------------------ | ------------------------------------------------ |
 * | the page (`/`, `/dashboard/...`)                        | served here (web/server.ts)                      |
 * | a route of the API (lambdas/api/routes.ts, not hooks)   | forwarded, signed; the API's status and body     |
 * | anything else                                           | 404 here, nothing forwarded                      |
 * | the API cannot be reached                               | 502 Unreachable                                  |
 * | foreign Host or Origin, a form body                     | 403 / 415, nothing forwarded                     |
 */
import type { RequestListener } from 'node:http';
import { parseArgs } from 'node:util';
import type { Listening } from '#local/http';
import { stopSignal } from './serve.ts';
import { apiOf, ApiUnreachable, callApi, type Api } from './client.ts';
import { UsageError, type Command, type Io } from './io.ts';

export const usage = 'mastermind dashboard --url <API URL> [--port <n>] [--project <name>]...';

/** The request headers the page may send that the API reads; nothing else is forwarded (no cookie, no Origin). */
const FORWARDED_HEADERS = ['content-type', 'if-match', 'idempotency-key'];

export interface DashboardOptions {
  readonly api: Api;
  /** 0 (the default): a free one. */
  readonly port?: number;
  /** Projects the page lists, besides those GET /projects gives (refused to a caller granted one project). */
  readonly projects?: readonly string[];
}

/** Serves the page and forwards its API calls to `api`, until closed. */
export async function startDashboard(options: DashboardOptions): Promise<Listening> {
  const { buildDashboard } = await import('../../web/build.ts');
  const { isPagePath, pageListener } = await import('../../web/server.ts');
  const { answering, BodyTooLarge, listen, readBody, requestTarget } = await import('#local/http');
  const { matchPath } = await import('../../lambdas/api/router.ts');
  const { ROUTES } = await import('../../lambdas/api/routes.ts');
  const assets = await buildDashboard();
  const page = pageListener(assets, { mode: 'remote', api: options.api.url.href, projects: options.projects ?? [], rehearsals: false, scenarios: {} });
  const quiet = { error: () => undefined };
  const reply = (response: Parameters<RequestListener>[1], status: number, body: string, type = 'application/json') => {
    response.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' });
    response.end(body);
  };

  const listener: RequestListener = (request, response) => {
    const target = requestTarget(request.url)!;
    if (isPagePath(target.path)) return page(request, response);
    const route = ROUTES.find((r) => r.public !== true && r.method === request.method && matchPath(r.path, target.path) !== undefined);
    answering(response, quiet, async () => {
      if (!route) {
        request.resume();
        return reply(response, 404, JSON.stringify({ error: 'NotFound', message: `The API has no route ${request.method} ${target.path.slice(0, 200)}.`, details: [] }));
      }
      let body: Buffer;
      try {
        body = await readBody(request);
      } catch (error) {
        request.resume();
        const tooLarge = error instanceof BodyTooLarge;
        return reply(response, tooLarge ? 413 : 400, JSON.stringify({ error: tooLarge ? 'PayloadTooLarge' : 'BadRequest', message: tooLarge ? 'The body is too large.' : 'The body could not be read.', details: [] }));
      }
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      try {
        const answer = await callApi(options.api, {
          method: request.method!,
          path: target.path,
          query: Object.fromEntries(target.query),
          headers,
          ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
        });
        if (answer.body === undefined) return reply(response, answer.status, '');
        return typeof answer.body === 'string' ? reply(response, answer.status, answer.body, 'text/plain; charset=utf-8') : reply(response, answer.status, JSON.stringify(answer.body));
      } catch (error) {
        if (!(error instanceof ApiUnreachable)) throw error;
        return reply(response, 502, JSON.stringify({ error: 'Unreachable', message: error.message, details: [] }));
      }
    });
  };
  return listen(listener, options.port ?? 0);
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 8081;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a port number (0 to 65535), not ${value}`);
  return port;
}

/** Serves until `stopped` settles (a signal, or a test). */
export async function dashboardUntil(args: string[], io: Io, stopped: () => Promise<string>): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { url: { type: 'string' }, port: { type: 'string' }, project: { type: 'string', multiple: true } } });
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
  const api = apiOf({ url: values.url });
  const projects = values.project ?? [];
  const waiting = stopped();
  let server: Listening;
  try {
    server = await startDashboard({ api, port: portOf(values.port), projects });
  } catch (error) {
    io.stderr(`mastermind dashboard: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout(
    [
      `mastermind dashboard on ${server.url}/`,
      `  API        ${api.url.href}${api.signer ? ' (requests signed with SigV4, with the credentials the AWS SDK finds)' : ' (not signed: a local API)'}`,
      `  projects   ${projects.length > 0 ? projects.join(', ') : 'none given (open one by name in the page, or give --project)'}`,
      'Stop with Ctrl-C.',
      '',
    ].join('\n'),
  );
  const signal = await waiting;
  io.stdout(`${signal}: stopping\n`);
  await server.close();
  return 0;
}

export const dashboard: Command = (args, io) => dashboardUntil(args, io, stopSignal);

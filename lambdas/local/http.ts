/**
 * The API over node:http, for local mode: each request becomes the REST proxy event API Gateway would hand the
 * API Lambda, goes through the same router, and its result becomes the response. Bodies are capped at API
 * Gateway's 10 MB; a larger one is refused with 413 before it reaches a route.
 *
 * Local mode runs with the operator's credentials and keys, so a web page open in the operator's browser must
 * not drive it. Before any route, every request is checked (`refusal`):
 *
 *   Host not the loopback address and port listened on     403 ForeignHost   (DNS rebinding)
 *   Origin present and not the served origin itself        403 ForeignOrigin (cross-origin browser requests)
 *   a body that is not JSON or YAML by its Content-Type    415 UnsupportedMediaType (a form or text/plain
 *     (public routes aside: a hook's body may be any text)     body needs no preflight; JSON and YAML do)
 *   a request target that is not a path (`*`, absolute)    400 BadRequest
 *
 * Requests without Origin (the CLI, curl) pass. No request can stop the process: paths are read without
 * `new URL` (which throws on `//`), and a failure while answering is answered (500) or the socket destroyed.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse } from '../api/errors.ts';
import { HttpError } from '../api/http.ts';
import { matchPath, route } from '../api/router.ts';
import { ROUTES } from '../api/routes.ts';
import type { ServiceDeps } from '#service/deps';

/** API Gateway's payload limit. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Who local requests are made by, in the version history (a deployed API records the IAM caller). */
export const LOCAL_CALLER = 'local';

/** A body over the limit a reader was given. */
export class BodyTooLarge extends Error {}

/**
 * A request's body, at most `max` bytes (else BodyTooLarge). Rejects as the stream does when the client goes
 * away mid-body: callers answer, never let it through (an unhandled rejection would end the process).
 */
export async function readBody(request: IncomingMessage, max = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The path and query of a request target in origin form (`/a/b?c=d`), read without `new URL` (it throws on
 * `//x`); undefined for any other form (`*`, `http://host/path`).
 */
export function requestTarget(target: string | undefined): { path: string; query: URLSearchParams } | undefined {
  if (target === undefined || !target.startsWith('/')) return undefined;
  const cut = target.search(/[?#]/);
  const path = cut === -1 ? target : target.slice(0, cut);
  const search = cut !== -1 && target[cut] === '?' ? target.slice(cut + 1).split('#')[0]! : '';
  return { path, query: new URLSearchParams(search) };
}

/** The YAML and JSON media types a body may have in local mode (lambdas/api/http.ts reads the same). */
const BODY_TYPES = new Set(['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

/** Whether a path's bodies may be any text: the public routes (hooks, called by monitors with a secret token in the path). */
function takesAnyBody(path: string): boolean {
  return ROUTES.some((r) => r.public === true && matchPath(r.path, path) !== undefined);
}

/** The origins and Host values a server listening on `host:port` answers. */
export function servedHosts(host: string, port: number): { hosts: Set<string>; origins: Set<string> } {
  const names = host === '::1' ? ['[::1]', 'localhost'] : host === '127.0.0.1' ? ['127.0.0.1', 'localhost'] : [host.includes(':') ? `[${host}]` : host];
  const hosts = new Set(names.map((name) => `${name}:${port}`));
  return { hosts, origins: new Set([...hosts].map((h) => `http://${h}`)) };
}

/** Why local mode refuses a request before any route, or undefined when it may go on. */
export function refusal(request: IncomingMessage, served: { hosts: Set<string>; origins: Set<string> }): HttpError | undefined {
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !served.hosts.has(host)) {
    return new HttpError(403, 'ForeignHost', `This server answers only requests for ${[...served.hosts].join(' or ')}, not for ${host === undefined ? 'no Host' : JSON.stringify(host.slice(0, 100))}.`);
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !served.origins.has(origin.toLowerCase())) {
    return new HttpError(403, 'ForeignOrigin', `Requests from ${JSON.stringify(origin.slice(0, 100))} are refused: local mode takes no cross-origin requests.`);
  }
  const target = requestTarget(request.url);
  if (!target) return new HttpError(400, 'BadRequest', 'The request target must be a path such as /projects/web.');
  const hasBody = (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0') || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !takesAnyBody(target.path)) {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;
    if (type === undefined || !(BODY_TYPES.has(type) || type.endsWith('+json'))) {
      return new HttpError(415, 'UnsupportedMediaType', `A body is sent as application/json or application/yaml, not ${type === undefined ? 'without a Content-Type' : type.slice(0, 100)}.`);
    }
  }
  return undefined;
}

/** The REST proxy event of a request, as API Gateway builds it (single-value headers and query parameters). */
export function proxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = requestTarget(request.url) ?? { path: '/', query: new URLSearchParams() };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query = Object.fromEntries(url.query);
  return {
    httpMethod: request.method ?? 'GET',
    path: url.path,
    resource: '/{proxy+}',
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: url.path.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
    requestContext: { requestId: crypto.randomUUID(), identity: { user: LOCAL_CALLER } } as APIGatewayProxyEvent['requestContext'],
  };
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  response.writeHead(result.statusCode, { ...(result.headers as Record<string, string> | undefined), 'Content-Length': String(body.length) });
  response.end(body);
}

/** A request listener serving the API's routes with `deps`. */
export function apiListener(deps: ServiceDeps): RequestListener {
  return (request, response) => {
    answering(response, deps.log, async () => {
      let body: Buffer;
      try {
        body = await readBody(request);
      } catch (error) {
        const refusal =
          error instanceof BodyTooLarge
            ? new HttpError(413, 'PayloadTooLarge', `The body is larger than ${MAX_BODY_BYTES} bytes.`)
            : new HttpError(400, 'BadRequest', 'The body could not be read.');
        send(response, errorResponse(refusal, deps.log));
        request.resume();
        return;
      }
      send(response, await route(proxyEvent(request, body), deps));
    });
  };
}

/**
 * Runs `answer`; whatever it throws is answered with a 500 (or, once the answer has begun, the socket is
 * destroyed), so that no request can end the process with an unhandled rejection.
 */
export function answering(response: ServerResponse, log: { error(message: string, ...extra: Record<string, unknown>[]): void }, answer: () => Promise<void>): void {
  answer().catch((error: unknown) => {
    log.error('request failed', { error: { name: (error as Error)?.name, message: (error as Error)?.message } });
    if (response.headersSent) response.destroy();
    else send(response, { statusCode: 500, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ error: 'InternalError', message: 'The service failed; the request may be retried.', details: [] }) });
  });
}

export interface Listening {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0: a free one); every request is checked (`refusal`) before `listener` sees it.
 */
export async function listen(listener: RequestListener, port = 0, host = '127.0.0.1'): Promise<Listening> {
  let served: ReturnType<typeof servedHosts> | undefined;
  const server = createServer((request, response) => {
    const refused = served ? refusal(request, served) : new HttpError(503, 'NotReady', 'The server is starting.');
    if (!refused) return listener(request, response);
    request.resume();
    send(response, errorResponse(refused, { info: () => undefined, warn: () => undefined, error: () => undefined }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  served = servedHosts(host, address.port);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

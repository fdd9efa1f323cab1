/**
 * The API over node:http, for local mode: each request becomes the REST proxy event API Gateway would hand the
 * API Lambda, goes through the same router, and its result becomes the response. Bodies are capped at API
 * Gateway's 10 MB; a larger one is refused with 413 before it reaches a route.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse } from '../api/errors.ts';
import { HttpError } from '../api/http.ts';
import { route } from '../api/router.ts';
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

/** The REST proxy event of a request, as API Gateway builds it (single-value headers and query parameters). */
export function proxyEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEvent {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query = Object.fromEntries(url.searchParams);
  return {
    httpMethod: request.method ?? 'GET',
    path: url.pathname,
    resource: '/{proxy+}',
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: url.pathname.slice(1) },
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
    void (async () => {
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
    })();
  };
}

export interface Listening {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0: a free one). */
export async function listen(listener: RequestListener, port = 0, host = '127.0.0.1'): Promise<Listening> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

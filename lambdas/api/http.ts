/**
 * HTTP helpers for API Gateway REST proxy events: headers, query strings, bodies (size, base64, JSON, YAML
 * content types) and JSON responses.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ServiceError } from '#service/errors';
import { jsonTextDepth, MAX_DEPTH } from '#task/depth';
import type { SourceFormat } from '#service/store';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly { place: string; message: string }[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** The body as text, refusing bodies larger than `max` bytes. */
export function bodyText(event: APIGatewayProxyEvent, max: number): string {
  if (event.body === null || event.body === undefined) return '';
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > max) throw new ServiceError('PayloadTooLarge', `The body is ${bytes.length} bytes; at most ${max} are accepted here.`);
  return bytes.toString('utf8');
}

function mediaType(event: APIGatewayProxyEvent): string | undefined {
  return header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** A JSON body; an empty body is `undefined`. */
export function jsonBody(event: APIGatewayProxyEvent, max: number): unknown {
  const type = mediaType(event);
  if (type !== undefined && type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, 'UnsupportedMediaType', `This route takes application/json, not ${type}.`);
  }
  const text = bodyText(event, max);
  if (text.trim() === '') return undefined;
  // Deeper JSON would overflow the stack of JSON.stringify and of every walk after the parse.
  if (jsonTextDepth(text) > MAX_DEPTH) {
    throw new ServiceError('BadRequest', `The body nests deeper than ${MAX_DEPTH} levels.`, [{ place: 'body', message: `nested deeper than ${MAX_DEPTH} levels` }]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ServiceError('BadRequest', `The body is not valid JSON: ${(error as Error).message}`, [{ place: 'body', message: 'malformed JSON' }]);
  }
}

/** A JSON object body with only the fields given; `{}` when empty (`null` is no object). */
export function objectBody(event: APIGatewayProxyEvent, max: number, fields: readonly string[]): Record<string, unknown> {
  const body = jsonBody(event, max);
  const value = body === undefined ? {} : body;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceError('BadRequest', 'The body must be a JSON object.', [{ place: 'body', message: 'must be a JSON object' }]);
  }
  const unknown = Object.keys(value).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new ServiceError(
      'BadRequest',
      'The body has fields this route does not take.',
      unknown.map((key) => ({ place: `body.${key}`, message: `unknown field; this route takes ${fields.length > 0 ? fields.join(', ') : 'none'}` })),
    );
  }
  return value as Record<string, unknown>;
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

/** A task source's format from its content type: JSON, YAML, or guessed for text/plain and none. */
export function sourceFormat(event: APIGatewayProxyEvent): SourceFormat | undefined {
  const type = mediaType(event);
  if (type === undefined || type === 'text/plain') return undefined;
  if (type === 'application/json') return 'json';
  if (YAML_TYPES.has(type)) return 'yaml';
  throw new HttpError(415, 'UnsupportedMediaType', `A task is sent as application/yaml or application/json, not ${type}.`);
}

export function query(event: APIGatewayProxyEvent, name: string): string | undefined {
  return event.queryStringParameters?.[name] ?? undefined;
}

/** A positive integer query parameter, or undefined when absent. */
export function positiveInteger(event: APIGatewayProxyEvent, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = query(event, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new ServiceError('BadRequest', `The query parameter ${name} must be a whole number from 1 to ${max}.`, [
      { place: `query.${name}`, message: `must be a whole number from 1 to ${max}` },
    ]);
  }
  return Number(text);
}

/** If-Match: a version number (also as an ETag, "3" or W/"3") or "*". */
export function ifMatch(event: APIGatewayProxyEvent): number | '*' | undefined {
  const text = header(event, 'if-match')?.trim();
  if (text === undefined || text === '') return undefined;
  if (text === '*') return '*';
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(text);
  if (!match || Number(match[1]) < 1) {
    throw new ServiceError('BadRequest', 'If-Match must be the version number the change is based on, or *.', [
      { place: 'header.If-Match', message: 'must be a version number such as "3"' },
    ]);
  }
  return Number(match[1]);
}

/** Who made the request (IAM auth), for the version history. */
export function caller(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext?.identity;
  return identity?.userArn ?? identity?.caller ?? identity?.user ?? 'anonymous';
}

/**
 * The CLI's way to Mastermind's API: a deployed one (IAM auth: every request signed with SigV4 for
 * execute-api, with the credentials the AWS SDK finds) or a local one (`mastermind serve` on a loopback address,
 * not signed). The API's URL comes from --url or MASTERMIND_URL, its stage included
 * (https://abc123.execute-api.eu-west-1.amazonaws.com/prod).
 */
import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, SourceData } from '@smithy/types';
import { UsageError } from './io.ts';

/** SHA-256 (and HMAC-SHA-256 with a secret) from node:crypto, in the shape SignatureV4 takes. */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = Sha256.start(secret);
  }
  private static start(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = Sha256.start(this.secret);
  }
}

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const EXECUTE_API = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/;

export interface Api {
  readonly url: URL;
  /** Absent for a local API. */
  readonly signer?: SignatureV4;
}

export interface ApiOptions {
  url?: string;
  env?: NodeJS.ProcessEnv;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The API to talk to: its URL, and how requests to it are signed. */
export function apiOf(options: ApiOptions = {}): Api {
  const env = options.env ?? process.env;
  const text = options.url ?? env.MASTERMIND_URL;
  if (!text) throw new UsageError('give the API URL with --url or MASTERMIND_URL (`mastermind serve` prints a local one)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${text} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${text} is not an http(s) URL`);
  if (LOOPBACK.has(url.hostname)) return { url };
  const region = EXECUTE_API.exec(url.hostname)?.[1] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError(`the region of ${url.hostname} is not in its name: set AWS_REGION`);
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
  return { url, signer };
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface ApiRequest {
  readonly method: string;
  /** The route's path, e.g. /projects/web/tasks/scale-out (appended to the URL's own path, the stage). */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** Sends a request (signed when the API is not local); the answer's JSON body, or its text when it is not JSON. */
export async function callApi(api: Api, request: ApiRequest): Promise<ApiAnswer> {
  const base = api.url.pathname.replace(/\/+$/, '');
  const path = `${base}${request.path}`;
  const query = request.query ?? {};
  let headers: Record<string, string> = { ...request.headers, host: api.url.host };
  if (api.signer) {
    const signed = await api.signer.sign({
      method: request.method,
      protocol: api.url.protocol,
      hostname: api.url.hostname,
      ...(api.url.port ? { port: Number(api.url.port) } : {}),
      path,
      query,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    headers = signed.headers;
  }
  // fetch sets Host itself, to the same value.
  const { host: _host, ...sent } = headers;
  const target = new URL(api.url.origin + path);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(target, { method: request.method, headers: sent, ...(request.body !== undefined ? { body: request.body } : {}) });
  } catch (error) {
    throw new ApiUnreachable(`${api.url.origin} cannot be reached: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body };
}

/** The API could not be reached at all. */
export class ApiUnreachable extends Error {}

/** An API error body as lines for a person: the message, then each detail with its place. */
export function describeApiError(answer: ApiAnswer): string {
  const body = answer.body as { error?: string; message?: string; details?: { place?: string; line?: number; column?: number; message?: string }[] } | string | undefined;
  if (typeof body !== 'object' || body === null) return `the API answered ${answer.status}${body ? `: ${body}` : ''}\n`;
  const lines = [`${body.message ?? `the API answered ${answer.status}`} (${answer.status}${body.error ? ` ${body.error}` : ''})`];
  for (const d of body.details ?? []) {
    const at = d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : '';
    lines.push(`  ${d.place || '(document)'}${at}  ${d.message ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

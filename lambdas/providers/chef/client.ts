/**
 * A Chef Server API client: signed requests (mixlib-authentication), JSON in and out, errors mapped to the
 * provider contract. Uses node:crypto and the global fetch; no Chef library.
 *
 * Signing: protocol 1.3 (RSA-SHA256) by default. When the server refuses it with a 401 whose
 * `WWW-Authenticate` header lists the versions it accepts and 1.3 is not among them but 1.0 is (an older
 * Chef server), the request is signed again with 1.0 (SHA-1, RSA PKCS#1 private encryption) and the client keeps
 * using 1.0. A client made with an explicit `signVersion` never switches.
 *
 * | answer of the server                      | error                                                         |
 * | ----------------------------------------- | ------------------------------------------------------------- |
 * | 2xx, or a status the caller accepts (404) | none: the caller gets { status, body }                        |
 * | 401, 403                                  | Failed: the server refused the signature of client X          |
 * | 400 (and other 4xx not listed here)       | Invalid (400) / Failed (404, 405, 409, 413, ... not accepted)  |
 * | 3xx (a redirect is not followed)          | Failed: set chefServerUrl to the URL it should be             |
 * | 408, 429, 5xx                             | Transient                                                     |
 * | network error, timeout                    | Transient                                                     |
 * | a chefServerUrl that is not http(s)        | Invalid                                                       |
 * | a chefClientKey that is not a PEM key      | Invalid                                                       |
 */
import { createHash, createPrivateKey, privateEncrypt, sign, constants, type KeyObject } from 'node:crypto';
import { FailedError, InvalidError, TransientError } from '../contract.ts';

export type SignVersion = '1.0' | '1.3';

/** Where the Chef server is and who signs: the chefServerUrl, chefClientName and chefClientKey inputs. */
export interface ChefServer {
  /** Base URL, with /organizations/<org> on servers that have organizations. */
  readonly url: string;
  readonly clientName: string;
  /** The client's private key (PEM), already resolved from its secret. */
  readonly clientKey: string;
}

export interface ChefApiOptions {
  /** Sign with this version only; by default 1.3, falling back to 1.0 when the server asks for it. */
  readonly signVersion?: SignVersion;
  /** How long one request may take, in milliseconds (default 30 s). */
  readonly timeoutMs?: number;
  /** The clock (tests). */
  readonly now?: () => Date;
}

export interface ChefResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export interface RequestOptions {
  /** A JSON body (POST, PUT). */
  readonly body?: unknown;
  /** Query parameters, added to the URL (they are not part of the signed path). */
  readonly query?: Readonly<Record<string, string | number>>;
  /** Non-2xx statuses the caller handles itself (e.g. 404 for "already gone"). */
  readonly accept?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 30_000;
const SIGNATURE_LINE = 60;

/** The Chef server API as one signing client. */
export class ChefApi {
  private readonly base: URL;
  private readonly key: KeyObject;
  private version: SignVersion;
  private readonly fixedVersion: boolean;
  private readonly timeoutMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly server: ChefServer,
    options: ChefApiOptions = {},
  ) {
    this.base = parseServerUrl(server.url);
    this.key = parsePrivateKey(server.clientKey, 'chefClientKey');
    this.version = options.signVersion ?? '1.3';
    this.fixedVersion = options.signVersion !== undefined;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
  }

  /** The signing version in use (1.0 once the server has asked for it). */
  get signVersion(): SignVersion {
    return this.version;
  }

  get<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<ChefResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  put<T>(path: string, body: unknown, options?: RequestOptions): Promise<ChefResponse<T>> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  post<T>(path: string, body: unknown, options?: RequestOptions): Promise<ChefResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  delete<T>(path: string, options?: Omit<RequestOptions, 'body'>): Promise<ChefResponse<T>> {
    return this.request<T>('DELETE', path, options);
  }

  /** One signed request; `path` is relative to the server URL (e.g. /nodes/web-1). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ChefResponse<T>> {
    const url = this.urlFor(path, options.query);
    const body = options.body === undefined ? '' : JSON.stringify(options.body);
    let response = await this.send(method, url, body);
    if (response.status === 401 && !this.fixedVersion && this.version === '1.3' && serverWantsVersion10(response)) {
      this.version = '1.0';
      response = await this.send(method, url, body);
    }
    const parsed = await readBody(response);
    if ((response.status >= 200 && response.status < 300) || options.accept?.includes(response.status)) {
      return { status: response.status, body: parsed as T };
    }
    throw this.errorFor(method, url, response.status, parsed, response.headers.get('location'));
  }

  /** The full URL of an API path: the server URL's own path (/organizations/<org>) comes first. */
  urlFor(path: string, query?: RequestOptions['query']): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, String(value));
    return url;
  }

  /** The X-Ops-* headers of a request, signed with the version in use. */
  signedHeaders(method: string, path: string, body: string): Record<string, string> {
    return signRequest({
      method,
      path,
      body,
      clientName: this.server.clientName,
      key: this.key,
      version: this.version,
      timestamp: chefTimestamp(this.now()),
    });
  }

  private async send(method: string, url: URL, body: string): Promise<Response> {
    const headers = {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      ...this.signedHeaders(method, url.pathname, body),
    };
    try {
      return await fetch(url, {
        method,
        headers,
        body: body === '' ? undefined : body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      throw new TransientError(
        `the Chef server at ${this.base.origin} could not be reached (${method} ${url.pathname}): ${networkReason(error)}`,
        { cause: error },
      );
    }
  }

  private errorFor(method: string, url: URL, status: number, body: unknown, location: string | null): Error {
    const where = `${method} ${url.pathname}`;
    const said = serverMessage(body);
    if (status === 401 || status === 403) {
      return new FailedError(
        `the Chef server refused the signature of client ${this.server.clientName}: check chefClientName and chefClientKey (${where}: ${status}${said})`,
      );
    }
    if (status === 408 || status === 429 || status >= 500) {
      return new TransientError(`the Chef server answered ${status} to ${where}${said}`);
    }
    if (status >= 300 && status < 400) {
      return new FailedError(
        `the Chef server answered ${status} to ${where}, redirecting to ${location ?? 'nowhere'}: set chefServerUrl to the URL it should be`,
      );
    }
    if (status === 400) return new InvalidError(`the Chef server rejected ${where} as invalid (400)${said}`);
    return new FailedError(`the Chef server answered ${status} to ${where}${said}`);
  }
}

export interface SigningInput {
  readonly method: string;
  /** The URL path, without query string. */
  readonly path: string;
  readonly body: string;
  readonly clientName: string;
  readonly key: KeyObject;
  readonly version: SignVersion;
  /** ISO 8601 UTC without milliseconds: 2026-01-02T03:04:05Z. */
  readonly timestamp: string;
}

/** The headers that authenticate one request (mixlib-authentication protocol 1.0 or 1.3). */
export function signRequest(input: SigningInput): Record<string, string> {
  const path = canonicalPath(input.path);
  const method = input.method.toUpperCase();
  let signature: Buffer;
  let contentHash: string;
  let signHeader: string;
  if (input.version === '1.3') {
    contentHash = base64Digest('sha256', input.body);
    signHeader = 'algorithm=sha256;version=1.3';
    const canonical = [
      `Method:${method}`,
      `Path:${path}`,
      `X-Ops-Content-Hash:${contentHash}`,
      'X-Ops-Sign:version=1.3',
      `X-Ops-Timestamp:${input.timestamp}`,
      `X-Ops-UserId:${input.clientName}`,
      'X-Ops-Server-API-Version:0',
    ].join('\n');
    signature = sign('sha256', Buffer.from(canonical), input.key);
  } else {
    contentHash = base64Digest('sha1', input.body);
    signHeader = 'algorithm=sha1;version=1.0';
    const canonical = [
      `Method:${method}`,
      `Hashed Path:${base64Digest('sha1', path)}`,
      `X-Ops-Content-Hash:${contentHash}`,
      `X-Ops-Timestamp:${input.timestamp}`,
      `X-Ops-UserId:${input.clientName}`,
    ].join('\n');
    signature = privateEncrypt({ key: input.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(canonical));
  }
  const headers: Record<string, string> = {
    'X-Ops-Sign': signHeader,
    'X-Ops-UserId': input.clientName,
    'X-Ops-Timestamp': input.timestamp,
    'X-Ops-Content-Hash': contentHash,
    'X-Ops-Server-API-Version': '0',
  };
  const encoded = signature.toString('base64');
  for (let i = 0; i * SIGNATURE_LINE < encoded.length; i++) {
    headers[`X-Ops-Authorization-${i + 1}`] = encoded.slice(i * SIGNATURE_LINE, (i + 1) * SIGNATURE_LINE);
  }
  return headers;
}

/** The path as mixlib-authentication signs it: repeated slashes squeezed, no trailing slash. */
export function canonicalPath(path: string): string {
  const squeezed = path.replace(/\/+/g, '/');
  return squeezed.length > 1 ? squeezed.replace(/\/$/, '') : squeezed;
}

/** The X-Ops-Timestamp of a moment: ISO 8601 UTC, seconds precision. */
export function chefTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A private key from its PEM text; InvalidError (without the text) when it is not one. */
export function parsePrivateKey(pem: string, field: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new InvalidError(`${field} is not a PEM private key`);
  }
}

function parseServerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidError(`chefServerUrl ${text} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidError(`chefServerUrl ${text} must be an http or https URL`);
  }
  url.search = '';
  url.hash = '';
  return url;
}

function base64Digest(algorithm: 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text).digest('base64');
}

/** True when a 401 says which versions the server accepts, and that is 1.0 but not 1.3. */
function serverWantsVersion10(response: Response): boolean {
  const offered = response.headers.get('www-authenticate') ?? '';
  const versions = [...offered.matchAll(/version="?([\d.]+)"?/g)].map((m) => m[1]);
  return versions.includes('1.0') && !versions.includes('1.3');
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The server's own words: Chef answers { "error": ["..."] } (or error_messages). */
function serverMessage(body: unknown): string {
  if (body === undefined) return '';
  let said: unknown = body;
  if (body && typeof body === 'object') {
    const b = body as { error?: unknown; error_messages?: unknown };
    said = b.error ?? b.error_messages ?? JSON.stringify(body);
  }
  const text = Array.isArray(said) ? said.join('; ') : String(said);
  return `: ${text.length > 500 ? `${text.slice(0, 500)}…` : text}`;
}

function networkReason(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer in time';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

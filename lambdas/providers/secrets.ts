/**
 * Secrets: the places of a provider's input that the compiler marked (the event's `secrets`, SecretMark in
 * ./contract.ts) get their text with every `${secret:/ssm/name}` replaced by the value from SSM Parameter Store
 * (SecureString, decrypted). No other string is read for secret references, whatever it holds: text that arrives at
 * run time (params, trigger bodies and reasons, outputs, items) reaches the action as it came. Values are cached per
 * container for a short time and never leave the provider: not in results, errors or logs (see redact()).
 *
 *   a mark whose text is not literals and secrets       Mastermind.Invalid (never written by the compiler)
 *   a mark whose place is not a string of the input     Mastermind.Invalid
 *   a secret outside the move's project's paths         Mastermind.Invalid, before SSM is asked (../task/secret-layout.ts)
 *   a parameter missing / unreadable / throttled        Mastermind.Invalid / Failed / Transient (secretError)
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { parseTemplate } from '#task/references';
import { secretAllowed, secretPathsSentence, type SecretLayout } from '#task/secret-layout';
import { FailedError, InvalidError, TransientError, markPath, type SecretMark, type WireSecretMark } from './contract.ts';

const DEFAULT_TTL_MS = 5 * 60 * 1000;

export interface ResolvedInput<T> {
  readonly value: T;
  /** The secret values that were put into it: to be redacted from anything that leaves the provider. */
  readonly secrets: readonly string[];
}

/** Whose secrets a move may read: its project's, under the stack's layout. */
export interface SecretScope {
  readonly project: string;
  readonly layout: SecretLayout;
}

export class SecretResolver {
  private readonly cache = new Map<string, { value: string; expires: number }>();

  constructor(
    private readonly ssm: () => SSMClient,
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value of one SSM parameter, decrypted. */
  async get(name: string): Promise<string> {
    const cached = this.cache.get(name);
    if (cached && cached.expires > this.now()) return cached.value;
    let value: string | undefined;
    try {
      const answer = await this.ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = answer.Parameter?.Value;
    } catch (error) {
      throw secretError(name, error);
    }
    if (value === undefined) throw new InvalidError(`secret ${name} has no value in SSM Parameter Store`);
    this.cache.set(name, { value, expires: this.now() + this.ttlMs });
    return value;
  }

  /**
   * A copy of `input` with the text of every mark, secrets resolved, at the mark's place; nothing else is read. A bare
   * mark (a path: WireSecretMark) takes as its text the string at its place, which the compiler wrote there literally.
   * With `scope`, every secret named must lie under the project's paths (checked before any is read).
   */
  async resolve<T extends Record<string, unknown>>(input: T, given: readonly WireSecretMark[] = [], scope?: SecretScope): Promise<ResolvedInput<T>> {
    if (given.length === 0) return { value: input, secrets: [] };
    const marks = given.map((mark) => fullMark(input, mark));
    const parsed = marks.map((mark) => ({ mark, parts: markParts(mark) }));
    const names = new Set<string>();
    for (const { parts } of parsed) for (const part of parts) if (typeof part !== 'string') names.add(part.secret);
    if (scope) {
      for (const name of names) {
        if (!secretAllowed(name, scope.project, scope.layout)) {
          throw new InvalidError(`secret ${name} is not one of project ${scope.project}'s: ${secretPathsSentence(scope.project, scope.layout)}`);
        }
      }
    }
    // Every place is found before any secret is read.
    const value = structuredClone(input);
    const places = parsed.map(({ mark }) => placeOf(value, mark.path));
    const values = new Map<string, string>();
    for (const name of names) values.set(name, await this.get(name));
    parsed.forEach(({ parts }, i) => {
      const { container, key } = places[i]!;
      container[key] = parts.map((part) => (typeof part === 'string' ? part : values.get(part.secret)!)).join('');
    });
    return { value, secrets: [...values.values()].filter((s) => s.length > 0) };
  }

  clear(): void {
    this.cache.clear();
  }
}

/** A mark with its text: a bare path's is the string at its place. */
function fullMark(input: Record<string, unknown>, mark: WireSecretMark): SecretMark {
  if (typeof mark !== 'string' && !Array.isArray(mark)) return mark as SecretMark;
  const path = markPath(mark);
  const { container, key } = placeOf(input, path);
  return { path, text: container[key] as string };
}

/** A mark's text as literal pieces and secret names; anything else in it is not a mark the compiler writes. */
function markParts(mark: SecretMark): (string | { secret: string })[] {
  const where = Array.isArray(mark.path) ? mark.path.join('.') : '?';
  if (typeof mark.text !== 'string') throw new InvalidError(`the secret mark at ${where} has no text`);
  const parsed = parseTemplate(mark.text);
  const parts = parsed.parts.map((part) => (typeof part === 'string' ? part : part.root === 'secret' && !part.raw ? { secret: part.secret! } : undefined));
  if (parsed.errors.length > 0 || parts.includes(undefined)) {
    throw new InvalidError(`the secret mark at ${where} holds more than literal text and secret references`);
  }
  return parts as (string | { secret: string })[];
}

/** The container and key of the string at `path` inside `target`. */
function placeOf(target: Record<string, unknown>, path: readonly (string | number)[]): { container: Record<string | number, unknown>; key: string | number } {
  const where = Array.isArray(path) ? path.join('.') : '?';
  if (!Array.isArray(path) || path.length === 0) throw new InvalidError(`the secret mark at ${where} names no place of the input`);
  let node: unknown = target;
  for (let i = 0; i < path.length; i += 1) {
    const key = path[i]!;
    const container = node as Record<string | number, unknown> | null;
    const own = container !== null && typeof container === 'object' && (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(container, key);
    if (!own) throw new InvalidError(`the secret mark at ${where} names no place of the input`);
    if (i === path.length - 1) {
      if (typeof container[key] !== 'string') throw new InvalidError(`the secret mark at ${where} names no string of the input`);
      return { container, key };
    }
    node = container[key];
  }
  throw new InvalidError(`the secret mark at ${where} names no place of the input`);
}

function secretError(name: string, error: unknown): Error {
  const code = (error as { name?: string }).name ?? 'Error';
  if (code === 'ParameterNotFound' || code === 'ParameterVersionNotFound') {
    return new InvalidError(`secret ${name} does not exist in SSM Parameter Store`);
  }
  if (code === 'AccessDeniedException' || code === 'InvalidKeyId' || code === 'KMSAccessDeniedException') {
    return new FailedError(`secret ${name} could not be read: ${code}`);
  }
  if (code === 'ThrottlingException' || code === 'InternalServerError' || code === 'TimeoutError') {
    return new TransientError(`secret ${name} could not be read for now: ${code}`);
  }
  // Anything else (no region configured, no credentials, no endpoint) says what is wrong in its message, which
  // never holds a parameter's value.
  const message = error instanceof Error && error.message && error.message !== code ? `: ${error.message}` : '';
  return new FailedError(`secret ${name} could not be read: ${code}${message}`);
}

/** Replaces every secret value inside a text with ***. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    out = out.split(secret).join('***');
    // Command output comes without its trailing newlines (ssh/exit-codes.ts): so does a secret printed last.
    let end = secret.length;
    while (end > 0 && secret.charCodeAt(end - 1) === 10) end -= 1;
    if (end > 0 && end < secret.length) out = out.split(secret.slice(0, end)).join('***');
    // A multi-line secret (a private key) may surface line by line.
    for (const line of secret.split('\n')) if (line.trim().length >= 16) out = out.split(line).join('***');
  }
  return out;
}

/** A deep copy of a JSON value with secrets redacted from every string. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)])) as T;
  }
  return value;
}

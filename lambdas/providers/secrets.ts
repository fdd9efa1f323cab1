/**
 * Secrets: `${secret:/ssm/name}` references in a provider's input are resolved here, inside the provider Lambda,
 * from SSM Parameter Store (SecureString, decrypted). Values are cached per container for a short time and never
 * leave the provider: not in results, errors or logs (see redact()).
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { SECRET_REFERENCE } from '#task/references';
import { FailedError, InvalidError, TransientError } from './contract.ts';

const DEFAULT_TTL_MS = 5 * 60 * 1000;

export interface ResolvedInput<T> {
  readonly value: T;
  /** The secret values that were put into it: to be redacted from anything that leaves the provider. */
  readonly secrets: readonly string[];
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

  /** A copy of `value` with every `${secret:/name}` inside its strings replaced by the secret's value. */
  async resolve<T>(value: T): Promise<ResolvedInput<T>> {
    const names = new Set<string>();
    collectSecretNames(value, names);
    const values = new Map<string, string>();
    for (const name of names) values.set(name, await this.get(name));
    const replaced = replaceSecrets(value, values) as T;
    return { value: replaced, secrets: [...values.values()].filter((s) => s.length > 0) };
  }

  clear(): void {
    this.cache.clear();
  }
}

function collectSecretNames(value: unknown, names: Set<string>): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(SECRET_REFERENCE)) names.add(match[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecretNames(item, names);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectSecretNames(item, names);
  }
}

function replaceSecrets(value: unknown, values: Map<string, string>): unknown {
  if (typeof value === 'string') return value.replace(SECRET_REFERENCE, (_m, name: string) => values.get(name)!);
  if (Array.isArray(value)) return value.map((item) => replaceSecrets(item, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecrets(v, values)]));
  }
  return value;
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

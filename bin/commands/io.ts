/** What every command shares: its output streams, reading task and settings files, option values. */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PROVIDER_NAMES, type ProjectSettings, type ProviderName } from '#task/catalog';
import { secretLayout, type SecretLayout } from '#task/secret-layout';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Set under --json (index.ts): takes each answer of the API as it comes (remote.ts `ask`, or a command that puts
   * several together); the last one taken is printed as JSON in place of the command's text.
   */
  readonly answer?: (body: unknown) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A command: its arguments after the command name; resolves to the exit code. */
export type Command = (args: string[], io: Io) => Promise<number>;

/** A value as JSON on one line, cut to its first 100 characters (an output shown beside a move). */
export function brief(value: unknown, shown = 100): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > shown ? `${text.slice(0, shown - 1)}…` : text;
}

/** A usage error: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/**
 * Rows under a header, each column as wide as its widest cell, two spaces apart, with no trailing spaces: the one
 * table every listing prints. No rows: `none` (what) instead of a header alone.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], none: string): string {
  if (rows.length === 0) return `${none}\n`;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [header, ...rows].map((r) => `${line(r)}\n`).join('');
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${what} ${file} does not exist` : `${what} ${file} cannot be read (${code})`);
  }
}

export function formatOf(file: string): 'yaml' | 'json' | undefined {
  const ext = extname(file).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * A JSON or YAML document given inline (JSON starting with { or [, or YAML such as `user: ops` that names no
 * file) or as a file path.
 */
export async function readDocument(value: string, what: string): Promise<unknown> {
  const inline = /^\s*[{[]/.test(value) || (/:(\s|$)/.test(value) && !(await isFile(value)));
  const text = inline ? value : await readText(value, what);
  try {
    return parseYaml(text);
  } catch (error) {
    throw new UsageError(`${what} ${inline ? '' : `${value} `}is not valid JSON or YAML: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** --project: project settings (and optionally its name) as JSON/YAML text or a file. */
/** The secret-layout options every command that validates tasks takes. */
export const SECRET_LAYOUT_OPTIONS = { 'secrets-path': { type: 'string' }, 'shared-secrets-path': { type: 'string' } } as const;

/**
 * Where each project's secrets lie: --secrets-path and --shared-secrets-path, else MASTERMIND_SECRETS_PATH and
 * MASTERMIND_SHARED_SECRETS_PATH, else /mastermind/<project>/ and /mastermind/_shared/ (the stack's defaults).
 */
export function readSecretLayout(values: { 'secrets-path'?: string; 'shared-secrets-path'?: string }, env: NodeJS.ProcessEnv = process.env): SecretLayout {
  try {
    return secretLayout({
      path: values['secrets-path'] ?? (env.MASTERMIND_SECRETS_PATH || undefined),
      shared: values['shared-secrets-path'] ?? (env.MASTERMIND_SHARED_SECRETS_PATH || undefined),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function readProject(value: string | undefined): Promise<(ProjectSettings & { name?: string }) | undefined> {
  if (value === undefined) return undefined;
  const doc = await readDocument(value, '--project');
  if (!isObject(doc)) throw new UsageError('--project must be an object of project settings');
  return doc as ProjectSettings & { name?: string };
}

/** --providers: provider Lambda ARNs, as `ec2=arn,ssh=arn` or a JSON/YAML object (text or file). */
export async function readProviders(value: string | undefined): Promise<Partial<Record<ProviderName, string>> | undefined> {
  if (value === undefined) return undefined;
  let map: Record<string, unknown>;
  if (/^[a-z0-9]+=/.test(value)) {
    map = Object.fromEntries(value.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }));
  } else {
    const doc = await readDocument(value, '--providers');
    if (!isObject(doc)) throw new UsageError('--providers must map provider names to Lambda ARNs');
    map = doc;
  }
  for (const [name, arn] of Object.entries(map)) {
    if (!PROVIDER_NAMES.includes(name as ProviderName)) {
      throw new UsageError(`--providers names ${name}, which is not a provider (${PROVIDER_NAMES.join(', ')})`);
    }
    if (typeof arn !== 'string' || !arn.startsWith('arn:')) throw new UsageError(`--providers: ${name} needs a Lambda ARN`);
  }
  return map as Partial<Record<ProviderName, string>>;
}

/**
 * Where a project's secrets live in SSM Parameter Store. A task of project P may name only
 *
 *   <path>P/...        its own secrets  (default /mastermind/P/..., e.g. /mastermind/web/ssh-key)
 *   <shared>...        the secrets every project may use (default /mastermind/_shared/...)
 *
 * Project names are [a-z0-9-], so `_shared` is never a project's own path. The stack names both paths
 * (lib/providers.ts `secretsPath`, `sharedSecretsPath`); the API, the trigger and provider Lambdas read them from
 * MASTERMIND_SECRETS_PATH and MASTERMIND_SHARED_SECRETS_PATH; the CLI and local mode use the defaults unless told.
 * The same check runs at validation (rules/secret-scope.ts), when project settings are saved, and in the provider
 * runtime against the move's project.
 */

export interface SecretLayout {
  /** The parent of every project's own path, with a slash at both ends: "/mastermind/". */
  readonly path: string;
  /** The path of the secrets shared by every project, with a slash at both ends: "/mastermind/_shared/". */
  readonly shared: string;
}

export const DEFAULT_SECRETS_PATH = '/mastermind/';
export const DEFAULT_SHARED_SECRETS_PATH = '/mastermind/_shared/';

export const DEFAULT_SECRET_LAYOUT: SecretLayout = Object.freeze({ path: DEFAULT_SECRETS_PATH, shared: DEFAULT_SHARED_SECRETS_PATH });

/** "mastermind" or "/mastermind" → "/mastermind/"; undefined for an empty path or the root. */
export function normalizeSecretsPath(path: string): string | undefined {
  const inner = path.trim().replace(/^\/+|\/+$/g, '');
  if (inner === '' || !/^[A-Za-z0-9_.\-/]+$/.test(inner) || inner.split('/').some((s) => s === '')) return undefined;
  return `/${inner}/`;
}

/**
 * A layout from its two paths (path left out: /mastermind/; shared left out: `<path>_shared/`); throws on a path
 * that names no SSM path below the root.
 */
export function secretLayout(given: { path?: string; shared?: string } = {}): SecretLayout {
  const path = normalizeSecretsPath(given.path ?? DEFAULT_SECRETS_PATH);
  const shared = normalizeSecretsPath(given.shared ?? `${path ?? DEFAULT_SECRETS_PATH}_shared/`);
  if (!path) throw new Error(`the secrets path "${given.path}" must name an SSM path below the root, e.g. /mastermind/`);
  if (!shared) throw new Error(`the shared secrets path "${given.shared}" must name an SSM path below the root, e.g. /mastermind/_shared/`);
  return { path, shared };
}

/** The layout the stack set in the environment (MASTERMIND_SECRETS_PATH, MASTERMIND_SHARED_SECRETS_PATH), defaults for what it left out. */
export function secretLayoutFromEnv(env: NodeJS.ProcessEnv = process.env): SecretLayout {
  return secretLayout({ path: env.MASTERMIND_SECRETS_PATH || undefined, shared: env.MASTERMIND_SHARED_SECRETS_PATH || undefined });
}

/** The paths a project's secrets may lie under, its own first. */
export function projectSecretPaths(project: string, layout: SecretLayout): [string, string] {
  return [`${layout.path}${project}/`, layout.shared];
}

/** Whether a task of `project` may name the secret `name` (an SSM parameter name). */
export function secretAllowed(name: string, project: string, layout: SecretLayout): boolean {
  // A name with "." or ".." segments could climb out of the path in a reader that normalizes it: never allowed.
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  return projectSecretPaths(project, layout).some((prefix) => name.startsWith(prefix) && name.length > prefix.length);
}

/** The sentence that says where a project's secrets may lie (for errors). */
export function secretPathsSentence(project: string, layout: SecretLayout): string {
  const [own, shared] = projectSecretPaths(project, layout);
  return `a task of project ${project} names only secrets under ${own} or the shared ${shared}`;
}

/**
 * The page's way to the API: same-origin requests to the routes the API has (/projects/...), and local mode's
 * own (/local/rehearsals). Under `mastermind serve` they reach the API itself; under `mastermind dashboard` the
 * server that gave the page forwards them, signed, to the deployed API. The page holds no credentials.
 */

/** One thing wrong with a request, as the API reports it. */
export interface ApiDetail {
  readonly place?: string;
  readonly message?: string;
  readonly line?: number;
  readonly column?: number;
}

/** A request the API refused: its status, error name, message and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly details: readonly ApiDetail[] = [],
  ) {
    super(message);
  }
}

/** What the server that gave the page says about itself (GET /dashboard/config.json). */
export interface DashboardConfig {
  /** local: `mastermind serve`; remote: `mastermind dashboard --url`. */
  readonly mode: 'local' | 'remote';
  /** What the page talks to, for a person: the local address or the deployed API's URL. */
  readonly api: string;
  /** Projects to list (the API has no route that lists projects). */
  readonly projects: readonly string[];
  /** Whether POST /local/rehearsals exists (local mode only). */
  readonly rehearsals: boolean;
  /** Rehearsal scenarios known for tasks, by `<project>/<task>`. */
  readonly scenarios: Readonly<Record<string, readonly { name: string; text: string }[]>>;
}

export async function call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiError(0, 'Unreachable', `The server cannot be reached: ${(error as Error).message}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  if (!response.ok) {
    const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { error?: string; message?: string; details?: ApiDetail[] };
    throw new ApiError(response.status, answer.error ?? `HTTP ${response.status}`, answer.message ?? (typeof parsed === 'string' && parsed ? parsed : `The server answered ${response.status}.`), answer.details ?? []);
  }
  return parsed as T;
}

export const get = <T = unknown>(path: string) => call<T>('GET', path);
export const post = <T = unknown>(path: string, body: unknown = {}, headers?: Record<string, string>) => call<T>('POST', path, body, headers);

export function taskPath(project: string, task: string): string {
  return `/projects/${encodeURIComponent(project)}/tasks/${encodeURIComponent(task)}`;
}

/**
 * What the commands that talk to an API share: the --url option, naming a project, a task or an execution,
 * calling a route, reading every page of a list, and turning an answer that is not the one hoped for into a
 * message that says what to do next, and exit code 1.
 */
import { parseArgs } from 'node:util';
import { NAME_PATTERN } from '#task/names';
import { apiOf, ApiUnreachable, callApi, describeApiError } from './client.ts';
import type { Api, ApiAnswer, ApiRequest } from './client.ts';
import { executionIdOf, executionPath, type ExecutionId } from './execution-id.ts';
import { UsageError, type Io } from './io.ts';
import type { ExecutionView } from '#service/executions';

export const URL_OPTION = { url: { type: 'string' } } as const;

export interface TaskRef {
  readonly project: string;
  readonly task: string;
}

/** `web/scale-out` → { project, task }; a bare task name is in project "default". The one parser of `<project>/<task>`. */
export function taskRef(text: string): TaskRef {
  const parts = text.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`${text} is not <project>/<task>`);
  const ref = parts.length === 2 ? { project: parts[0]!, task: parts[1]! } : { project: 'default', task: parts[0]! };
  for (const [what, name] of Object.entries(ref)) {
    if (!NAME_PATTERN.test(name)) throw new UsageError(`${name} is not a ${what} name (lower-case letters, digits and dashes, at most 64 characters)`);
  }
  return ref;
}

/** The one `<project>/<task>` a command takes as its positional arguments. */
export function oneTask(positionals: readonly string[]): TaskRef {
  const [ref, ...extra] = positionals;
  if (!ref || extra.length > 0) throw new UsageError('give one task as <project>/<task>');
  return taskRef(ref);
}

export function projectPath(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}

export function taskPath(ref: TaskRef): string {
  return `${projectPath(ref.project)}/tasks/${encodeURIComponent(ref.task)}`;
}

/**
 * What to do next, in the CLI's words, for the API's answers that name a route or a missing thing: the API
 * speaks to every client (`create it with PUT /projects/web`), the CLI names its own command.
 */
export function forTheCli(answer: ApiAnswer): ApiAnswer {
  const body = answer.body as { message?: unknown } | undefined;
  const message = typeof body === 'object' && body !== null && typeof body.message === 'string' ? body.message : undefined;
  if (answer.status !== 404 || message === undefined) return answer;
  let next: string | undefined;
  const project = /^Project (\S+) does not exist;/.exec(message);
  const task = /^Task (\S+)\/(\S+) does not exist\.$/.exec(message);
  const execution = /^Task (\S+)\/(\S+) has no execution \S+\.$/.exec(message);
  if (project) {
    next = `Project ${project[1]} does not exist: create it with \`mastermind project ${project[1]} --set <settings: JSON, YAML or a file>\` (\`mastermind projects\` lists those there are).`;
  } else if (task) {
    next = `${message} \`mastermind tasks ${task[1]}\` lists the project's tasks; \`mastermind push <task file>\` stores one.`;
  } else if (execution) {
    next = `${message} \`mastermind executions ${execution[1]}/${execution[2]}\` lists its executions.`;
  }
  return next === undefined ? answer : { ...answer, body: { ...body, message: next } };
}

/**
 * A route's answer when its status is one of `ok`; else the error printed, and undefined (exit 1). Under --json
 * the answer (the error's too) goes to io.answer.
 */
export async function ask(api: Api, request: ApiRequest, ok: readonly number[], io: Io, command: string): Promise<ApiAnswer | undefined> {
  let answer: ApiAnswer;
  try {
    answer = await callApi(api, request);
  } catch (error) {
    if (error instanceof ApiUnreachable) {
      io.stderr(`mastermind ${command}: ${error.message} (is the URL right? \`mastermind serve\` prints a local one)\n`);
      return undefined;
    }
    throw error;
  }
  io.answer?.(answer.body);
  if (ok.includes(answer.status)) return answer;
  io.stderr(`mastermind ${command}: ${describeApiError(forTheCli(answer))}`);
  return undefined;
}

/** GET a route of the API at --url (or MASTERMIND_URL): its body when it answers 200, else undefined after printing why. */
export async function read<T>(url: string | undefined, path: string, io: Io, command: string, query?: Record<string, string>): Promise<T | undefined> {
  const answer = await ask(apiOf({ url }), { method: 'GET', path, ...(query ? { query } : {}) }, [200], io, command);
  return answer?.body as T | undefined;
}

/** Every item of a list route, page after page (`next`); under --json the answer is `{ items }`, all of them. */
export async function readAll<T>(api: Api, path: string, io: Io, command: string, query: Record<string, string> = {}): Promise<T[] | undefined> {
  const items: T[] = [];
  let next: string | undefined;
  do {
    const answer = await ask(api, { method: 'GET', path, query: { ...query, limit: '100', ...(next ? { next } : {}) } }, [200], io, command);
    if (!answer) return undefined;
    const page = answer.body as { items: T[]; next?: string };
    items.push(...page.items);
    next = page.next;
  } while (next);
  io.answer?.({ items });
  return items;
}

export { apiOf };

/** The one execution a command acts on (`<project>/<task>/<name>` or its ARN), from its positional arguments. */
export function oneExecution(positionals: readonly string[]): ExecutionId {
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('give one execution: <project>/<task>/<name> or its ARN');
  return executionIdOf(id);
}

/** POST <the execution's path>/<action> with a JSON body: what stop, cancel and resume send. */
export function actOnExecution(
  execution: ExecutionId,
  action: 'stop' | 'cancel' | 'resume',
  body: Record<string, unknown>,
  ok: readonly number[],
  io: Io,
  url: string | undefined,
): Promise<ApiAnswer | undefined> {
  const request: ApiRequest = {
    method: 'POST',
    path: `${executionPath(execution)}/${action}`,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  };
  return ask(apiOf({ url }), request, ok, io, action);
}

/** What GET /projects/{project}/tasks/{task}/executions/{execution} answers: the service's own type, documented there. */
export type { ExecutionView } from '#service/executions';
export type { HenchmanSummary as HenchmanView, ItemSummary as ItemView, MoveSummary as MoveView } from '#service/history';

/** An execution as the API describes it, or undefined after printing why not. */
export async function readExecution(args: string[], io: Io, command: string, usageError: (message: string) => Error): Promise<ExecutionView | undefined> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw usageError('give one execution: <project>/<task>/<name> or its ARN');
  const execution = executionIdOf(id);
  const answer = await ask(apiOf({ url: values.url }), { method: 'GET', path: executionPath(execution) }, [200], io, command);
  return answer?.body as ExecutionView | undefined;
}

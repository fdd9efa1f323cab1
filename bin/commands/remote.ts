/**
 * What the commands that talk to an API share: the --url option, calling a route, and turning an answer that
 * is not the one hoped for into a message and exit code 1.
 */
import { parseArgs } from 'node:util';
import { apiOf, ApiUnreachable, callApi, describeApiError } from './client.ts';
import type { Api, ApiAnswer, ApiRequest } from './client.ts';
import { executionIdOf, executionPath, type ExecutionId } from './execution-id.ts';
import { UsageError, type Io } from './io.ts';
import type { ExecutionView } from '#service/executions';

export const URL_OPTION = { url: { type: 'string' } } as const;

/** A route's answer when its status is one of `ok`; else the error printed, and undefined (exit 1). */
export async function ask(api: Api, request: ApiRequest, ok: readonly number[], io: Io, command: string): Promise<ApiAnswer | undefined> {
  let answer: ApiAnswer;
  try {
    answer = await callApi(api, request);
  } catch (error) {
    if (error instanceof ApiUnreachable) {
      io.stderr(`mastermind ${command}: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
  if (ok.includes(answer.status)) return answer;
  io.stderr(`mastermind ${command}: ${describeApiError(answer)}`);
  return undefined;
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

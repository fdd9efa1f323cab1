/** `mastermind start`: starts an execution of a stored task through the API. */
import { parseArgs } from 'node:util';
import { readDocument, UsageError, type Command } from './io.ts';
import { shortExecutionId } from './execution-id.ts';
import { apiOf, ask, URL_OPTION } from './remote.ts';

export const usage = 'mastermind start <project>/<task> [--params <json or file>] [--key <idempotency key>] [--url <API URL>]';

interface Started {
  project: string;
  task: string;
  name: string;
  executionArn: string;
  version: number;
  started: boolean;
  consoleUrl: string;
}

/** `web/scale-out` → { project, task }; a bare task name is in project "default". */
export function taskRef(text: string): { project: string; task: string } {
  const parts = text.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`${text} is not <project>/<task>`);
  return parts.length === 2 ? { project: parts[0]!, task: parts[1]! } : { project: 'default', task: parts[0]! };
}

export const start: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, params: { type: 'string' }, key: { type: 'string' } } });
  const [ref, ...extra] = positionals;
  if (!ref || extra.length > 0) throw new UsageError('give one task as <project>/<task>');
  const { project, task } = taskRef(ref);
  const params = values.params === undefined ? undefined : await readDocument(values.params, '--params');
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) throw new UsageError('--params must be an object');
  const api = apiOf({ url: values.url });
  const answer = await ask(
    api,
    {
      method: 'POST',
      path: `/projects/${encodeURIComponent(project)}/tasks/${encodeURIComponent(task)}/executions`,
      body: JSON.stringify(params === undefined ? {} : { params }),
      headers: { 'content-type': 'application/json', ...(values.key !== undefined ? { 'idempotency-key': values.key } : {}) },
    },
    [200, 201],
    io,
    'start',
  );
  if (!answer) return 1;
  const started = answer.body as Started;
  io.stdout(
    `${started.started ? 'started' : 'already started'} ${shortExecutionId(started)} (version ${started.version})\n` +
      `arn     ${started.executionArn}\nconsole ${started.consoleUrl}\n`,
  );
  return 0;
};

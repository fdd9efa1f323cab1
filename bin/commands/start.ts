/** `mastermind start`: starts an execution of a stored task through the API; with --wait, watches it to its end. */
import { parseArgs } from 'node:util';
import { readDocument, UsageError, type Command } from './io.ts';
import { shortExecutionId } from './execution-id.ts';
import { apiOf, ask, oneTask, taskPath, URL_OPTION } from './remote.ts';
import { EXIT_CODES_TEXT, INTERVAL_OPTION, intervalOf, watchExecution } from './watch.ts';

export const usage =
  'mastermind start <project>/<task> [--params <json, yaml or file>] [--key <idempotency key>] [--wait [--interval <seconds>]] [--json] [--url <API URL>]';

export const help = `with --wait, ${EXIT_CODES_TEXT}`;

interface Started {
  project: string;
  task: string;
  name: string;
  executionArn: string;
  version: number;
  started: boolean;
  consoleUrl: string;
}

export const start: Command = async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...URL_OPTION, ...INTERVAL_OPTION, params: { type: 'string' }, key: { type: 'string' }, wait: { type: 'boolean' } },
  });
  const ref = oneTask(positionals);
  if (values.interval !== undefined && !values.wait) throw new UsageError('--interval goes with --wait');
  const interval = intervalOf(values.interval);
  const params = values.params === undefined ? undefined : await readDocument(values.params, '--params');
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) throw new UsageError('--params must be an object');
  const api = apiOf({ url: values.url });
  const answer = await ask(
    api,
    {
      method: 'POST',
      path: `${taskPath(ref)}/executions`,
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
  return values.wait ? watchExecution(api, started, io, 'start', interval) : 0;
};

/** `mastermind stop`: stops a running execution at once through the API (the hard stop: nothing is undone). */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './io.ts';
import { executionIdOf, executionPath, shortExecutionId } from './execution-id.ts';
import { apiOf, ask, URL_OPTION } from './remote.ts';

export const usage = 'mastermind stop <project>/<task>/<execution> | <execution ARN> [--reason <text>] [--url <API URL>]';

export const stop: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, reason: { type: 'string' } } });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('give one execution: <project>/<task>/<name> or its ARN');
  const execution = executionIdOf(id);
  const api = apiOf({ url: values.url });
  const answer = await ask(
    api,
    {
      method: 'POST',
      path: `${executionPath(execution)}/stop`,
      body: JSON.stringify(values.reason !== undefined ? { reason: values.reason } : {}),
      headers: { 'content-type': 'application/json' },
    },
    [200],
    io,
    'stop',
  );
  if (!answer) return 1;
  const stopped = answer.body as { executionArn: string; stopDate: string };
  io.stdout(`stopped ${shortExecutionId(execution)} at ${stopped.stopDate}: nothing was undone (cancel takes the abort route, rollback included)\narn     ${stopped.executionArn}\n`);
  return 0;
};

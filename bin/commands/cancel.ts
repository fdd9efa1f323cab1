/**
 * `mastermind cancel`: asks a running execution to take its abort route (rollback included) at its next move
 * boundary or poll round, through the API; prints what will happen. `stop` is the hard stop.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './io.ts';
import { executionIdOf, executionPath } from './execution-id.ts';
import { apiOf, ask, URL_OPTION } from './remote.ts';

export const usage = 'mastermind cancel <project>/<task>/<execution> | <execution ARN> [--reason <text>] [--json] [--url <API URL>]';

export const cancel: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, reason: { type: 'string' }, json: { type: 'boolean' } } });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('give one execution: <project>/<task>/<name> or its ARN');
  const execution = executionIdOf(id);
  const answer = await ask(
    apiOf({ url: values.url }),
    {
      method: 'POST',
      path: `${executionPath(execution)}/cancel`,
      body: JSON.stringify(values.reason !== undefined ? { reason: values.reason } : {}),
      headers: { 'content-type': 'application/json' },
    },
    [202],
    io,
    'cancel',
  );
  if (!answer) return 1;
  if (values.json) {
    io.stdout(`${JSON.stringify(answer.body, null, 2)}\n`);
    return 0;
  }
  const cancelled = answer.body as { executionArn: string; message: string };
  io.stdout(`${cancelled.message}\narn     ${cancelled.executionArn}\n`);
  return 0;
};

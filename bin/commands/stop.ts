/** `mastermind stop`: stops a running execution through the API. */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './io.ts';
import { apiOf, ask, executionPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind stop <execution ARN> [--reason <text>] [--url <API URL>]';

export const stop: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, reason: { type: 'string' } } });
  const [id, ...extra] = positionals;
  if (!id || extra.length > 0) throw new UsageError('give one execution ARN');
  const api = apiOf({ url: values.url });
  const answer = await ask(
    api,
    {
      method: 'POST',
      path: `${executionPath(id)}/stop`,
      body: JSON.stringify(values.reason !== undefined ? { reason: values.reason } : {}),
      headers: { 'content-type': 'application/json' },
    },
    [200],
    io,
    'stop',
  );
  if (!answer) return 1;
  const stopped = answer.body as { executionArn: string; stopDate: string };
  io.stdout(`stopped ${stopped.executionArn} at ${stopped.stopDate}\n`);
  return 0;
};

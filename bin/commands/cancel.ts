/**
 * `mastermind cancel`: asks a running execution to take its abort route (rollback included) at its next move
 * boundary or poll round, through the API; prints what will happen. `stop` is the hard stop.
 */
import { parseArgs } from 'node:util';
import type { Command } from './io.ts';
import { actOnExecution, oneExecution, URL_OPTION } from './remote.ts';

export const usage = 'mastermind cancel <project>/<task>/<execution> | <execution ARN> [--reason <text>] [--json] [--url <API URL>]';

export const cancel: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, reason: { type: 'string' } } });
  const execution = oneExecution(positionals);
  const answer = await actOnExecution(execution, 'cancel', values.reason !== undefined ? { reason: values.reason } : {}, [202], io, values.url);
  if (!answer) return 1;
  const cancelled = answer.body as { executionArn: string; message: string };
  io.stdout(`${cancelled.message}\narn     ${cancelled.executionArn}\n`);
  return 0;
};

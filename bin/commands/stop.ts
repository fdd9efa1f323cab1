/**
 * `mastermind stop`: stops a running execution at once through the API (the hard stop: nothing is undone). An
 * execution that has already ended is not stopped: the API answers 409 naming its status and end, printed, exit 1.
 */
import { parseArgs } from 'node:util';
import type { Command } from './io.ts';
import { shortExecutionId } from './execution-id.ts';
import { actOnExecution, oneExecution, URL_OPTION } from './remote.ts';

export const usage = 'mastermind stop <project>/<task>/<execution> | <execution ARN> [--reason <text>] [--url <API URL>]';

export const stop: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, reason: { type: 'string' } } });
  const execution = oneExecution(positionals);
  const answer = await actOnExecution(execution, 'stop', values.reason !== undefined ? { reason: values.reason } : {}, [200], io, values.url);
  if (!answer) return 1;
  const stopped = answer.body as { executionArn: string; stopDate: string };
  io.stdout(`stopped ${shortExecutionId(execution)} at ${stopped.stopDate}: nothing was undone (cancel takes the abort route, rollback included)\narn     ${stopped.executionArn}\n`);
  return 0;
};

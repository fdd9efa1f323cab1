/** `mastermind status`: an execution's status, its failure if it failed, and where each henchman stands. */
import { UsageError, type Command } from './io.ts';
import { readExecution } from './remote.ts';

export const usage = 'mastermind status <project>/<task>/<execution> | <execution ARN> [--url <API URL>]';

export const status: Command = async (args, io) => {
  const view = await readExecution(args, io, 'status', (message) => new UsageError(message));
  if (!view) return 1;
  const task = `${view.project}/${view.task}${view.version !== undefined ? ` version ${view.version}` : ''}`;
  const lines = [
    `execution ${view.name}  (${task})`,
    `status    ${view.status}`,
    `started   ${view.startDate}${view.stopDate ? `   stopped ${view.stopDate}` : ''}`,
    ...(view.error !== undefined ? [`error     ${view.error}${view.cause ? `: ${view.cause}` : ''}`] : []),
    `henchmen  ${view.henchmen.length > 0 ? view.henchmen.map((h) => `${h.henchman} ${h.status}`).join(', ') : '(none played yet)'}`,
    `console   ${view.consoleUrl}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
};

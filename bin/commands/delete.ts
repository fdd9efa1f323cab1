/** `mastermind delete <project>/<task>`: deletes a task, its versions, its hook and its state machine. */
import { parseArgs } from 'node:util';
import type { Command } from './io.ts';
import { apiOf, ask, oneTask, taskPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind delete <project>/<task> [--json] [--url <API URL>]';

export const remove: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  const ref = oneTask(positionals);
  const answer = await ask(apiOf({ url: values.url }), { method: 'DELETE', path: taskPath(ref) }, [200], io, 'delete');
  if (!answer) return 1;
  const deleted = answer.body as { version: number };
  io.stdout(`deleted ${ref.project}/${ref.task} (it was at version ${deleted.version}), its versions, hook and state machine; executions under way run on to their end\n`);
  return 0;
};

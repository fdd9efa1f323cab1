import { parseArgs } from 'node:util';
import { formatTaskError } from '#task/errors';
import { checkTask } from '#task/validate';
import { formatOf, readProject, readText, type Command } from './io.ts';

export const usage = 'mastermind validate <task file> [--project <settings>]';

/** Every error of a task file (exit 1), or a one-line summary (exit 0). */
export const validate: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { project: { type: 'string' } } });
  const [file] = positionals;
  if (!file || positionals.length > 1) return usageFailure(io);
  const source = await readText(file, 'task file');
  const { task, errors } = checkTask(source, { format: formatOf(file), project: await readProject(values.project) });
  if (!task) {
    for (const error of errors) io.stderr(`${formatTaskError(error, file)}\n`);
    io.stderr(`${errors.length} ${errors.length === 1 ? 'error' : 'errors'} in ${file}\n`);
    return 1;
  }
  io.stdout(`ok: task ${task.task}, ${task.plot.length} ${task.plot.length === 1 ? 'henchman' : 'henchmen'}\n`);
  return 0;
};

function usageFailure(io: { stderr: (t: string) => void }): number {
  io.stderr(`usage: ${usage}\n`);
  return 2;
}

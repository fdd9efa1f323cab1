import { parseArgs } from 'node:util';
import { formatTaskError } from '#task/errors';
import { compileSource } from '#task/compile';
import { formatOf, readProject, readSecretLayout, readText, SECRET_LAYOUT_OPTIONS, type Command } from './io.ts';

export const usage = 'mastermind validate <task file> [--project <settings>] [--secrets-path <path>] [--shared-secrets-path <path>]';

/** Every error of a task file (exit 1), or a one-line summary (exit 0). */
export const validate: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { project: { type: 'string' }, ...SECRET_LAYOUT_OPTIONS } });
  const [file] = positionals;
  if (!file || positionals.length > 1) return usageFailure(io);
  const source = await readText(file, 'task file');
  const project = await readProject(values.project);
  // Compiled too: what Step Functions would refuse at save time (a state name over 80 characters, a definition over
  // 1 MB) is an error of the task, at the henchman that causes it (lambdas/task/conformance.ts).
  const { task, errors } = compileSource(source, { format: formatOf(file), ...(project ? { project } : {}), secrets: readSecretLayout(values) });
  if (!task || errors.length > 0) {
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

import { parseArgs } from 'node:util';
import { diagram, type DiagramFormat } from '#task/diagram';
import { formatTaskError } from '#task/errors';
import { checkTask } from '#task/validate';
import { formatOf, readText, type Command } from './io.ts';

export const usage = 'mastermind graph <task file> [--format mermaid|dot]';

const FORMATS: readonly DiagramFormat[] = ['mermaid', 'dot'];

/** A picture of the task: henchmen, advance, retreat and goto edges, undo moves. */
export const graph: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' } } });
  const [file] = positionals;
  const format = (values.format ?? 'mermaid') as DiagramFormat;
  if (!file || positionals.length > 1 || !FORMATS.includes(format)) {
    io.stderr(`usage: ${usage}\n`);
    return 2;
  }
  const { task, errors } = checkTask(await readText(file, 'task file'), { format: formatOf(file) });
  if (!task) {
    for (const error of errors) io.stderr(`${formatTaskError(error, file)}\n`);
    return 1;
  }
  io.stdout(diagram(task, format));
  return 0;
};

/** `mastermind versions <project>/<task>`: every version of a task that has been in force, newest first. */
import { parseArgs } from 'node:util';
import { table, type Command } from './io.ts';
import { apiOf, oneTask, readAll, taskPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind versions <project>/<task> [--json] [--url <API URL>]';

interface VersionSummary {
  version: number;
  format: string;
  createdAt: string;
  createdBy: string;
  stateMachineVersionArn?: string;
}

export const versions: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  const ref = oneTask(positionals);
  const items = await readAll<VersionSummary>(apiOf({ url: values.url }), `${taskPath(ref)}/versions`, io, 'versions');
  if (!items) return 1;
  const current = items.length > 0 ? Math.max(...items.map((v) => v.version)) : undefined;
  const rows = items.map((v) => [String(v.version), v.createdAt, v.createdBy, v.version === current ? 'in force' : '']);
  io.stdout(table(['VERSION', 'SAVED', 'BY', ''], rows, `${ref.project}/${ref.task} has no versions`));
  return 0;
};

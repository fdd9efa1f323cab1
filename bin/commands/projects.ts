/** `mastermind projects`: every project, with when its settings were last saved and by whom (GET /projects). */
import { parseArgs } from 'node:util';
import { table, UsageError, type Command } from './io.ts';
import { apiOf, readAll, URL_OPTION } from './remote.ts';

export const usage = 'mastermind projects [--json] [--url <API URL>]';

export interface ProjectRecord {
  project: string;
  settings: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export const projects: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  if (positionals.length > 0) throw new UsageError(`unexpected ${positionals.join(' ')}`);
  const items = await readAll<ProjectRecord>(apiOf({ url: values.url }), '/projects', io, 'projects');
  if (!items) return 1;
  const rows = items.map((p) => [p.project, Object.keys(p.settings).sort().join(', ') || '(none)', p.updatedAt, p.updatedBy]);
  io.stdout(table(['PROJECT', 'SETTINGS', 'SAVED', 'BY'], rows, 'no projects yet: `mastermind project <name> --set <settings>` creates one'));
  return 0;
};

/** `mastermind tasks [<project>]`: the tasks of a project, or of every project (GET /projects, then each one's tasks). */
import { parseArgs } from 'node:util';
import type { TaskSummary } from '#service/tasks';
import { NAME_PATTERN } from '#task/names';
import { table, UsageError, type Command } from './io.ts';
import type { ProjectRecord } from './projects.ts';
import { apiOf, readAll, URL_OPTION } from './remote.ts';

export const usage = 'mastermind tasks [<project>] [--json] [--url <API URL>]';


/** What starts a task besides a person: its alarms and its hook. */
function triggers(t: TaskSummary): string {
  const all = [...t.alarms.map((a) => `alarm ${a}`), ...(t.hook ? ['hook'] : [])];
  return all.length > 0 ? all.join(', ') : '-';
}

export const tasks: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  const [name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  if (name !== undefined && !NAME_PATTERN.test(name)) throw new UsageError(`${name} is not a project name (lower-case letters, digits and dashes, at most 64 characters)`);
  const api = apiOf({ url: values.url });
  let projects = name !== undefined ? [name] : undefined;
  if (!projects) {
    const all = await readAll<ProjectRecord>(api, '/projects', io, 'tasks');
    if (!all) return 1;
    projects = all.map((p) => p.project);
  }
  const found: TaskSummary[] = [];
  for (const p of projects) {
    const items = await readAll<TaskSummary>(api, `/projects/${encodeURIComponent(p)}/tasks`, io, 'tasks');
    if (!items) return 1;
    found.push(...items);
  }
  io.answer?.({ items: found });
  const rows = found.map((t) => [`${t.project}/${t.task}`, String(t.version), t.updatedAt, t.updatedBy, triggers(t), t.description ?? '']);
  const none = name !== undefined ? `project ${name} has no tasks yet: \`mastermind push <task file>\` stores one` : 'no tasks yet: `mastermind push <task file>` stores one';
  io.stdout(table(['TASK', 'VERSION', 'SAVED', 'BY', 'TRIGGERS', 'DESCRIPTION'], rows, none));
  return 0;
};

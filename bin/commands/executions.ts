/**
 * `mastermind executions <project>/<task> [--status <status>]`: a task's executions, newest first, each with the
 * id the other commands take. One page (--limit, at most 100); the last line says how to read the next one.
 */
import { parseArgs } from 'node:util';
import { table, UsageError, type Command } from './io.ts';
import { oneTask, read, taskPath, URL_OPTION } from './remote.ts';

export const usage =
  'mastermind executions <project>/<task> [--status running|succeeded|failed|timed-out|aborted|pending-redrive] [--limit <n>] [--next <token>] [--json] [--url <API URL>]';

const STATUSES = ['running', 'succeeded', 'failed', 'timed-out', 'aborted', 'pending-redrive'];

interface ExecutionItem {
  name: string;
  status: string;
  startDate: string;
  stopDate?: string;
}

export const executions: Command = async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...URL_OPTION, status: { type: 'string' }, limit: { type: 'string' }, next: { type: 'string' } },
  });
  const ref = oneTask(positionals);
  const status = values.status?.toLowerCase().replace('_', '-');
  if (status !== undefined && !STATUSES.includes(status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}, not ${values.status}`);
  if (values.limit !== undefined && !/^([1-9]\d?|100)$/.test(values.limit)) throw new UsageError(`--limit must be a whole number from 1 to 100, not ${values.limit}`);
  const query = {
    limit: values.limit ?? '50',
    ...(status !== undefined ? { status: status.toUpperCase().replace('-', '_') } : {}),
    ...(values.next !== undefined ? { next: values.next } : {}),
  };
  const page = await read<{ items: ExecutionItem[]; next?: string }>(values.url, `${taskPath(ref)}/executions`, io, 'executions', query);
  if (!page) return 1;
  const rows = page.items.map((e) => [`${ref.project}/${ref.task}/${e.name}`, e.status, e.startDate, e.stopDate ?? '']);
  const none = `${ref.project}/${ref.task} has no ${status !== undefined ? `${status} ` : ''}executions${values.next !== undefined ? ' on this page' : ''}`;
  const more = page.next ? `more: mastermind executions ${ref.project}/${ref.task}${status ? ` --status ${status}` : ''} --next ${page.next}\n` : '';
  io.stdout(`${table(['EXECUTION', 'STATUS', 'STARTED', 'ENDED'], rows, none)}${more}`);
  return 0;
};

/**
 * `mastermind task <project>/<task> [--version N]`: a task as stored: its version (and the one in force), who saved
 * it and when, its state machine, its triggers (alarms, hook on or off) and its source.
 */
import { parseArgs } from 'node:util';
import { UsageError, type Command } from './io.ts';
import { oneTask, read, taskPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind task <project>/<task> [--version <n>] [--json] [--url <API URL>]';

interface TaskView {
  project: string;
  task: string;
  version: number;
  currentVersion: number;
  format: string;
  source: string;
  createdAt: string;
  createdBy: string;
  stateMachineArn: string;
  stateMachineVersionArn?: string;
  hook: boolean;
  hookActive: boolean;
  alarms: string[];
}

function hookText(t: TaskView): string {
  const id = `${t.project}/${t.task}`;
  if (!t.hook) return 'off (the task does not set triggers.hook: true)';
  return t.hookActive ? `on, its URL in use (\`mastermind hook ${id} --rotate\` makes a new one)` : `on, no URL yet (\`mastermind hook ${id}\` makes one)`;
}

export const task: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, version: { type: 'string' } } });
  const ref = oneTask(positionals);
  if (values.version !== undefined && !/^[1-9]\d{0,14}$/.test(values.version)) throw new UsageError(`--version must be a whole number above 0, not ${values.version}`);
  const t = await read<TaskView>(values.url, taskPath(ref), io, 'task', values.version !== undefined ? { version: values.version } : undefined);
  if (!t) return 1;
  const lines = [
    `task          ${t.project}/${t.task}`,
    `version       ${t.version}${t.version === t.currentVersion ? ' (in force)' : ` (in force: ${t.currentVersion})`}`,
    `saved         ${t.createdAt} by ${t.createdBy}`,
    `state machine ${t.stateMachineVersionArn ?? t.stateMachineArn}`,
    `alarms        ${t.alarms.length > 0 ? t.alarms.join(', ') : '-'}`,
    `hook          ${hookText(t)}`,
    `source (${t.format}):`,
  ];
  io.stdout(`${lines.join('\n')}\n${t.source.endsWith('\n') ? t.source : `${t.source}\n`}`);
  return 0;
};

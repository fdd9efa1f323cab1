/** `mastermind push`: stores a task file through the API; the API validates and compiles it, and says why not. */
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { formatOf, readText, UsageError, type Command } from './io.ts';
import { apiOf, ask, URL_OPTION } from './remote.ts';

export const usage = 'mastermind push <task file> [--project <name>] [--url <API URL>]';

interface Saved {
  project: string;
  task: string;
  version: number;
  previousVersion?: number;
  created: boolean;
  stateMachineVersionArn: string;
}

/** The task's name and project as the file writes them. */
function namesOf(source: string, file: string): { task: string; project?: string } {
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch {
    doc = undefined;
  }
  const fields = (typeof doc === 'object' && doc !== null ? doc : {}) as { task?: unknown; project?: unknown };
  if (typeof fields.task !== 'string' || fields.task === '') throw new UsageError(`${file} has no task name (the field \`task\`); \`mastermind validate ${file}\` says what is wrong`);
  return { task: fields.task, ...(typeof fields.project === 'string' ? { project: fields.project } : {}) };
}

export const push: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, project: { type: 'string' } } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('give one task file');
  const source = await readText(file, 'the task file');
  const names = namesOf(source, file);
  if (values.project !== undefined && names.project !== undefined && values.project !== names.project) {
    throw new UsageError(`${file} belongs to project ${names.project}, not ${values.project}`);
  }
  const project = values.project ?? names.project ?? 'default';
  const api = apiOf({ url: values.url });
  const format = formatOf(file) ?? (source.trimStart().startsWith('{') ? 'json' : 'yaml');
  const answer = await ask(
    api,
    {
      method: 'PUT',
      path: `/projects/${encodeURIComponent(project)}/tasks/${encodeURIComponent(names.task)}`,
      body: source,
      headers: { 'content-type': format === 'json' ? 'application/json' : 'application/yaml' },
    },
    [200, 201],
    io,
    'push',
  );
  if (!answer) return 1;
  const saved = answer.body as Saved;
  const was = saved.previousVersion !== undefined ? ` (was ${saved.previousVersion})` : '';
  io.stdout(`${saved.created ? 'created' : 'saved'} ${saved.project}/${saved.task} version ${saved.version}${was}\nstate machine ${saved.stateMachineVersionArn}\n`);
  return 0;
};

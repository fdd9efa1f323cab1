/**
 * `mastermind push`: stores a task file through the API; the API validates and compiles it, and says why not.
 * Errors in the task are printed as `validate` prints them (file:line:column place: message (code), then the
 * count); a file that is not YAML or JSON at all is reported as such, before the API is called.
 */
import { parseArgs } from 'node:util';
import { formatTaskError } from '#task/errors';
import type { TaskError } from '#task/errors';
import { NAME_PATTERN } from '#task/names';
import { parseTask } from '#task/parse';
import { formatOf, readText, UsageError, type Command, type Io } from './io.ts';
import { apiOf, ApiUnreachable, callApi, describeApiError } from './client.ts';
import { forTheCli, URL_OPTION } from './remote.ts';

export const usage = 'mastermind push <task file> [--project <name>] [--url <API URL>]';

interface Saved {
  project: string;
  task: string;
  version: number;
  previousVersion?: number;
  created: boolean;
  unchanged?: true;
  stateMachineVersionArn: string;
}

/** The name the file is checked under by the API's validate route when it names no task, or not a valid name (its errors say so). */
const UNNAMED = 'unnamed';

/** Task errors as `validate` prints them; exit code 1. */
export function printTaskErrors(errors: readonly TaskError[], file: string, io: Io): number {
  for (const error of errors) io.stderr(`${formatTaskError(error, file)}\n`);
  io.stderr(`${errors.length} ${errors.length === 1 ? 'error' : 'errors'} in ${file}\n`);
  return 1;
}

/** The task's name and project as the file writes them (undefined: it names none). */
function namesOf(value: unknown): { task?: string; project?: string } {
  const fields = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as { task?: unknown; project?: unknown };
  return {
    ...(typeof fields.task === 'string' && fields.task !== '' ? { task: fields.task } : {}),
    ...(typeof fields.project === 'string' ? { project: fields.project } : {}),
  };
}

/** The details of an InvalidTask answer as task errors, or undefined for any other answer. */
function taskErrorsOf(body: unknown): TaskError[] | undefined {
  const answer = body as { error?: unknown; details?: unknown } | undefined;
  if (answer?.error !== 'InvalidTask' || !Array.isArray(answer.details)) return undefined;
  return (answer.details as Partial<TaskError>[]).map((d) => ({
    code: d.code ?? 'invalid',
    place: d.place ?? '',
    message: d.message ?? '',
    ...(typeof d.line === 'number' ? { line: d.line } : {}),
    ...(typeof d.column === 'number' ? { column: d.column } : {}),
  }));
}

export const push: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, project: { type: 'string' } } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('give one task file');
  const source = await readText(file, 'the task file');
  const format = formatOf(file) ?? (source.trimStart().startsWith('{') ? 'json' : 'yaml');
  const parsed = parseTask(source, { format });
  if (parsed.errors.length > 0) return printTaskErrors(parsed.errors, file, io);
  const names = namesOf(parsed.value);
  if (values.project !== undefined && names.project !== undefined && values.project !== names.project) {
    throw new UsageError(`${file} belongs to project ${names.project}, not ${values.project}`);
  }
  const project = values.project ?? names.project ?? 'default';
  const api = apiOf({ url: values.url });
  // A file that names no task, or a name no route takes, cannot be saved: the API checks it (with the project's
  // settings) under a stand-in name and answers every error, the name's among them.
  const named = names.task !== undefined && NAME_PATTERN.test(names.task) ? names.task : undefined;
  const path = `/projects/${encodeURIComponent(project)}/tasks/${encodeURIComponent(named ?? UNNAMED)}`;
  let answer;
  try {
    answer = await callApi(api, {
      method: named === undefined ? 'POST' : 'PUT',
      path: named === undefined ? `${path}/validate` : path,
      body: source,
      headers: { 'content-type': format === 'json' ? 'application/json' : 'application/yaml' },
    });
  } catch (error) {
    if (!(error instanceof ApiUnreachable)) throw error;
    io.stderr(`mastermind push: ${error.message}\n`);
    return 1;
  }
  const errors = answer.status === 400 ? taskErrorsOf(answer.body) : undefined;
  if (errors) return printTaskErrors(errors, file, io);
  if (named === undefined || (answer.status !== 200 && answer.status !== 201)) {
    io.stderr(`mastermind push: ${named === undefined ? `${file} names no task that can be saved (the field \`task\`)\n` : describeApiError(forTheCli(answer))}`);
    return 1;
  }
  const saved = answer.body as Saved;
  const arn = `state machine ${saved.stateMachineVersionArn}\n`;
  if (saved.unchanged) {
    io.stdout(`unchanged ${saved.project}/${saved.task} version ${saved.version}: the same source is in force, nothing was saved\n${arn}`);
    return 0;
  }
  const was = saved.previousVersion !== undefined ? ` (was ${saved.previousVersion})` : '';
  io.stdout(`${saved.created ? 'created' : 'saved'} ${saved.project}/${saved.task} version ${saved.version}${was}\n${arn}`);
  return 0;
};

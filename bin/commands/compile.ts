import { parseArgs } from 'node:util';
import { compileSource } from '#task/compile';
import { formatTaskError } from '#task/errors';
import { formatOf, readProject, readProviders, readSecretLayout, readText, SECRET_LAYOUT_OPTIONS, type Command } from './io.ts';

export const usage =
  'mastermind compile <task file> [--providers <map>] [--project <settings>] [--version <n>] [--secrets-path <path>] [--shared-secrets-path <path>]';

/** The task's Amazon States Language definition on stdout, and nothing else. */
export const compile: Command = async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { project: { type: 'string' }, providers: { type: 'string' }, version: { type: 'string' }, ...SECRET_LAYOUT_OPTIONS },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    io.stderr(`usage: ${usage}\n`);
    return 2;
  }
  const version = values.version === undefined ? undefined : Number(values.version);
  if (version !== undefined && !(Number.isInteger(version) && version > 0)) {
    io.stderr('--version must be a whole number above 0\n');
    return 2;
  }
  const result = compileSource(await readText(file, 'task file'), {
    format: formatOf(file),
    project: await readProject(values.project),
    providers: await readProviders(values.providers),
    version,
    secrets: readSecretLayout(values),
  });
  if (!result.definition) {
    for (const error of result.errors) io.stderr(`${formatTaskError(error, file)}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(result.definition, null, 2)}\n`);
  return 0;
};

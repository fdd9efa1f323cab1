/**
 * `mastermind project <name>`: a project's settings, as YAML by name (what `--set` takes back); with `--set`, creates the
 * project or replaces its settings (PUT /projects/{project}), from JSON or YAML text or a file.
 */
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { NAME_PATTERN } from '#task/names';
import { readDocument, UsageError, type Command } from './io.ts';
import type { ProjectRecord } from './projects.ts';
import { apiOf, ask, projectPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind project <name> [--set <settings: JSON, YAML or a file>] [--json] [--url <API URL>]';

function describe(record: ProjectRecord): string {
  const settings = Object.keys(record.settings).length > 0 ? toYaml(record.settings, { sortMapEntries: true }).replace(/^/gm, '  ').trimEnd() : '  (none)';
  return `project ${record.project}\nsaved   ${record.updatedAt} by ${record.updatedBy} (created ${record.createdAt})\nsettings:\n${settings}\n`;
}

export const project: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, set: { type: 'string' } } });
  const [name, ...extra] = positionals;
  if (!name || extra.length > 0) throw new UsageError('give one project name');
  if (!NAME_PATTERN.test(name)) throw new UsageError(`${name} is not a project name (lower-case letters, digits and dashes, at most 64 characters)`);
  const api = apiOf({ url: values.url });
  if (values.set === undefined) {
    const answer = await ask(api, { method: 'GET', path: projectPath(name) }, [200], io, 'project');
    if (!answer) return 1;
    io.stdout(describe(answer.body as ProjectRecord));
    return 0;
  }
  const settings = await readDocument(values.set, '--set');
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) throw new UsageError('--set must be an object of project settings');
  const answer = await ask(
    api,
    { method: 'PUT', path: projectPath(name), body: JSON.stringify(settings), headers: { 'content-type': 'application/json' } },
    [200, 201],
    io,
    'project',
  );
  if (!answer) return 1;
  const saved = answer.body as ProjectRecord & { message?: unknown };
  const said = typeof saved.message === 'string' ? `${saved.message}\n` : '';
  io.stdout(`${answer.status === 201 ? 'created' : 'saved'} project ${name}\n${said}${describe(saved)}`);
  return 0;
};

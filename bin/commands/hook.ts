/**
 * `mastermind hook <project>/<task>`: makes the task's hook URL, shown this once (the API keeps only its hash);
 * `--rotate` replaces it (the old URL stops working at once), `--revoke` removes it. Without either, a task that
 * already has a URL keeps it, and the command says how to get a new one.
 */
import { parseArgs } from 'node:util';
import type { Api } from './client.ts';
import { UsageError, type Command } from './io.ts';
import { apiOf, ask, oneTask, taskPath, URL_OPTION } from './remote.ts';

export const usage = 'mastermind hook <project>/<task> [--rotate | --revoke] [--json] [--url <API URL>]';

/** The URL a hook token opens: the API's own URL, its stage included, then /hooks/<token>. */
function hookUrl(api: Api, path: string): string {
  return `${api.url.origin}${api.url.pathname.replace(/\/+$/, '')}${path}`;
}

export const hook: Command = async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...URL_OPTION, rotate: { type: 'boolean' }, revoke: { type: 'boolean' } },
  });
  const ref = oneTask(positionals);
  if (values.rotate && values.revoke) throw new UsageError('give --rotate or --revoke, not both');
  const api = apiOf({ url: values.url });
  const id = `${ref.project}/${ref.task}`;
  if (values.revoke) {
    if (!(await ask(api, { method: 'DELETE', path: `${taskPath(ref)}/hook` }, [200], io, 'hook'))) return 1;
    io.stdout(`revoked the hook of ${id}: its URL no longer starts anything\n`);
    return 0;
  }
  if (!values.rotate) {
    const task = await ask(api, { method: 'GET', path: taskPath(ref) }, [200], io, 'hook');
    if (!task) return 1;
    if ((task.body as { hookActive?: boolean }).hookActive) {
      io.stdout(`${id} has a hook URL already (shown once, when it was made): \`mastermind hook ${id} --rotate\` makes a new one, \`--revoke\` removes it\n`);
      return 0;
    }
  }
  const made = await ask(api, { method: 'POST', path: `${taskPath(ref)}/hook`, body: '{}', headers: { 'content-type': 'application/json' } }, [201], io, 'hook');
  if (!made) return 1;
  const { path } = made.body as { token: string; path: string };
  io.stdout(
    `${values.rotate ? 'rotated' : 'made'} the hook of ${id}${values.rotate ? ' (the old URL no longer works)' : ''}; this URL is shown once, keep it secret:\n` +
      `${hookUrl(api, path)}\nPOST to it to start ${id}\n`,
  );
  return 0;
};

/**
 * The examples in local mode (`mastermind serve --examples`, what `npm start` runs): the tasks of examples/ saved
 * in a project `examples`, so that a newcomer's first sight is the dashboard listing them, with their rehearsal
 * scenarios (examples/<task>.scenario.yaml) offered beside them.
 *
 * The project's settings name an SSH user and key and a Chef server that do not exist: the examples are meant to
 * be rehearsed (their provider calls answered by a scenario), not played against real hosts. Each file's
 * `project:` line is rewritten to `examples` before it is saved (the API refuses a task naming another project).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceDeps } from '#service/deps';
import { saveProject } from '#service/projects';
import { saveTask } from '#service/tasks';
import { LOCAL_CALLER } from './http.ts';

export const EXAMPLES_PROJECT = 'examples';

/** Settings that let every example validate; nothing real stands behind them. */
export const EXAMPLE_SETTINGS = {
  user: 'ops',
  key: `\${secret:/mastermind/${EXAMPLES_PROJECT}/ssh-key}`,
  chefServerUrl: 'https://chef.example.internal/organizations/examples',
  chefClientName: 'mastermind',
  chefClientKey: `\${secret:/mastermind/${EXAMPLES_PROJECT}/chef-key}`,
};

export interface SavedExamples {
  readonly project: string;
  /** The tasks saved, in file order. */
  readonly tasks: readonly string[];
  /** Rehearsal scenarios by `<project>/<task>` (what the dashboard offers). */
  readonly scenarios: Readonly<Record<string, readonly { name: string; text: string }[]>>;
}

/** Saves every examples/<task>.yaml (not the scenarios) of `dir` in project `examples`, as `who` (local mode's caller). */
export async function saveExamples(deps: ServiceDeps, dir: string, who = LOCAL_CALLER): Promise<SavedExamples> {
  await saveProject(deps.store, EXAMPLES_PROJECT, EXAMPLE_SETTINGS, who, deps.config.secrets);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml')).sort();
  const tasks: string[] = [];
  const scenarios: Record<string, { name: string; text: string }[]> = {};
  for (const file of files) {
    const task = file.slice(0, -'.yaml'.length);
    const source = (await readFile(join(dir, file), 'utf8')).replace(/^project: .*$/m, `project: ${EXAMPLES_PROJECT}`);
    await saveTask(deps, { project: EXAMPLES_PROJECT, task, source, format: 'yaml', who });
    tasks.push(task);
    const scenario = await readFile(join(dir, `${task}.scenario.yaml`), 'utf8').catch(() => undefined);
    if (scenario !== undefined) scenarios[`${EXAMPLES_PROJECT}/${task}`] = [{ name: `examples/${task}.scenario.yaml`, text: scenario }];
  }
  return { project: EXAMPLES_PROJECT, tasks, scenarios };
}

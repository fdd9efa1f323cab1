/**
 * Projects: their settings, checked before they are stored (./project-settings.ts, loaded when settings are
 * saved: its zod schema stays out of the API's cold start). Secret settings (key, chefClientKey) are
 * `${secret:/ssm/name}` references, never the secret itself, under the project's own secrets path or the shared one.
 *
 * Settings are compiled into each task's definition, so a change reaches the next execution only through a new
 * version of each task ({@link changeProject}):
 *
 * | the new settings                                   | answer                                                  |
 * | -------------------------------------------------- | ------------------------------------------------------- |
 * | not valid themselves                               | InvalidSettings (400), every problem; nothing changes   |
 * | would leave a task of the project invalid          | InvalidSettings (400), every problem of every task, at  |
 * |                                                    | `tasks.<task>.<place>`; nothing changes                 |
 * | valid for every task                               | stored; each task saved again, a new version where its  |
 * |                                                    | definition changed (cause "project settings changed");  |
 * |                                                    | the answer lists each task and its version              |
 */
import type { SecretLayout } from '#task/secret-layout';
import type { ServiceDeps } from './deps.ts';
import { notFound, ServiceError } from './errors.ts';
import { getProject, putProject } from './store.ts';
import type { ProjectRecord, Store } from './store.ts';
import type { Refreshed } from './tasks.ts';

/** Tasks saved again at once by a settings change. */
const REFRESH_CONCURRENCY = 4;

/** The cause recorded on the versions a settings change makes. */
export const SETTINGS_CAUSE = 'project settings changed';

/** Every project with its settings, by name, a page at a time (GET /projects). */
export { listProjects } from './store.ts';

export async function readProject(store: Store, project: string): Promise<ProjectRecord> {
  const record = await getProject(store, project);
  if (!record) throw notFound(`Project ${project} does not exist; create it with PUT /projects/${project}.`);
  return record;
}

/** Checks and stores a project's settings, and nothing else (its tasks keep what they were compiled with). */
export async function saveProject(
  store: Store,
  project: string,
  value: unknown,
  who: string,
  secrets?: SecretLayout,
): Promise<{ record: ProjectRecord; created: boolean }> {
  const { checkSettings } = await import('./project-settings.ts');
  return putProject(store, project, checkSettings(value, project, secrets), who);
}

export interface ProjectChange {
  readonly record: ProjectRecord;
  readonly created: boolean;
  /** What the change did to each task of the project. */
  readonly tasks: Refreshed[];
}

/**
 * Creates a project or changes its settings so that every later execution of its tasks runs with them: each task
 * is checked under the new settings first (any problem refuses the change whole), then the settings are stored
 * and each task is saved again ({@link refreshTask}).
 */
export async function changeProject(deps: ServiceDeps, project: string, value: unknown, who: string): Promise<ProjectChange> {
  const [{ checkSettings }, { allTasks, problemsUnderSettings, refreshTask }] = await Promise.all([import('./project-settings.ts'), import('./tasks.ts')]);
  const settings = checkSettings(value, project, deps.config.secrets);
  const problems = await problemsUnderSettings(deps, project, settings);
  if (problems.length > 0) {
    const tasks = new Set(problems.map((p) => p.place.split('.')[1]));
    throw new ServiceError(
      'InvalidSettings',
      `Under these settings ${tasks.size === 1 ? 'a task' : `${tasks.size} tasks`} of project ${project} would not be valid (${[...tasks].join(', ')}); nothing was changed.`,
      problems,
    );
  }
  const existed = (await getProject(deps.store, project)) !== undefined;
  const { record } = await putProject(deps.store, project, settings, who, deps.now().toISOString());
  const created = !existed;
  // A few at a time: each save waits mostly on Step Functions, and the answer must come within API Gateway's 29 s.
  const heads = await allTasks(deps, project);
  const tasks: Refreshed[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < heads.length; i = next++) tasks[i] = await refreshTask(deps, project, heads[i]!.task, who, SETTINGS_CAUSE);
  };
  await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, heads.length) }, worker));
  return { record, created, tasks };
}

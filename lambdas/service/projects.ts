/**
 * Projects: their settings, checked before they are stored (./project-settings.ts, loaded when settings are
 * saved: its zod schema stays out of the API's cold start). Secret settings (key, chefClientKey) are
 * `${secret:/ssm/name}` references, never the secret itself, under the project's own secrets path or the shared one.
 */
import type { SecretLayout } from '#task/secret-layout';
import { notFound } from './errors.ts';
import { getProject, putProject } from './store.ts';
import type { ProjectRecord, Store } from './store.ts';

/** Every project with its settings, by name, a page at a time (GET /projects). */
export { listProjects } from './store.ts';

export async function readProject(store: Store, project: string): Promise<ProjectRecord> {
  const record = await getProject(store, project);
  if (!record) throw notFound(`Project ${project} does not exist; create it with PUT /projects/${project}.`);
  return record;
}

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

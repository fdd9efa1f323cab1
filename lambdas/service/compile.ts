/**
 * The service's one seam to the compiler (lambdas/task/compile.ts): source text in, a checked task and its
 * Amazon States Language definition out, or every error with its place. The compiler (with the task schema and
 * the YAML readers) is loaded on the first compile: the API's other routes (starts, hooks, reads) never need it,
 * and a cold start that does not load it is shorter.
 */
import type { ProjectSettings, ProviderName } from '#task/catalog';
import type { TaskError } from '#task/errors';
import type { Task } from '#task/schema';
import type { SecretLayout } from '#task/secret-layout';
import type { SourceFormat } from './store.ts';

export interface CompileRequest {
  readonly source: string;
  readonly format?: SourceFormat;
  readonly project: string;
  readonly settings: ProjectSettings;
  readonly providers: Readonly<Record<ProviderName, string>>;
  readonly version?: number;
  /** Where each project's secrets lie; DEFAULT_SECRET_LAYOUT when left out. */
  readonly secrets?: SecretLayout;
}

export type Compiled = { readonly task: Task; readonly definition: object; readonly errors: readonly [] } | { readonly errors: readonly TaskError[] };

export async function compile(request: CompileRequest): Promise<Compiled> {
  const { compileSource } = await import('#task/compile');
  const result = compileSource(request.source, {
    ...(request.format ? { format: request.format } : {}),
    project: { ...request.settings, name: request.project },
    providers: { ...request.providers },
    ...(request.version !== undefined ? { version: request.version } : {}),
    ...(request.secrets ? { secrets: request.secrets } : {}),
  });
  if (result.errors.length > 0 || !result.task || !result.definition) {
    return {
      errors:
        result.errors.length > 0
          ? result.errors
          : [{ code: 'not-compiled', place: '', message: 'the task could not be compiled' }],
    };
  }
  return { task: result.task, definition: result.definition, errors: [] };
}

/**
 * The API's routes: method, path template and what each does. The OpenAPI document (schema/openapi.json)
 * lists exactly these; a test keeps the two in step.
 *
 * Every route that concerns one project carries it in its path (/projects/{project}/...), executions included,
 * so an IAM policy on execute-api paths can grant one project and nothing else (README, "Granting one project").
 * Only two routes lie outside: GET /projects, the list of every project (an admin's route: a grant of one project
 * does not cover it), and POST /hooks/{token}, which needs no signature: its token is the grant.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NAME_PATTERN } from '#task/names';
import type { ServiceDeps } from '#service/deps';
import { ServiceError } from '#service/errors';
import { describeExecution, executionNameFromKey, listExecutions, redriveExecution, startExecution, stopExecution } from '#service/executions';
import type { ExecutionRef } from '#service/executions';
import { cancelExecution } from '#service/cancel';
import { callHook, createHook, revokeHook } from '#service/hooks';
import { resumeExecution } from '#service/resume';
import { changeProject, listProjects, readProject } from '#service/projects';
import { deleteTask, getTaskVersion, listProjectTasks, listTaskVersions, MAX_SOURCE_BYTES, saveTask, validateTask } from '#service/tasks';
import { bodyText, caller, header, ifMatch, json, jsonBody, objectBody, positiveInteger, query, sourceFormat } from './http.ts';

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RouteRequest {
  readonly event: APIGatewayProxyEvent;
  readonly params: Readonly<Record<string, string>>;
  readonly deps: ServiceDeps;
}

export interface Route {
  readonly method: Method;
  /** An OpenAPI path template: /projects/{project}/tasks/{task}. */
  readonly path: string;
  /** Needs no IAM signature (hooks only). */
  readonly public?: boolean;
  readonly run: (request: RouteRequest) => Promise<APIGatewayProxyResult>;
}

/** The largest JSON body of any route but the task routes, in bytes. */
export const MAX_JSON_BYTES = 64 * 1024;
/** The largest hook body; it travels in the execution input. */
export const MAX_HOOK_BYTES = 32 * 1024;

function name(params: Readonly<Record<string, string>>, key: 'project' | 'task'): string {
  const value = params[key]!;
  if (!NAME_PATTERN.test(value)) {
    throw new ServiceError('BadRequest', `${value} is not a valid ${key} name.`, [
      { place: `path.${key}`, message: 'lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 64 characters' },
    ]);
  }
  return value;
}

/** The execution a route names: its project, task and name (the service answers 404 for a name not of that task). */
function executionRef(params: Readonly<Record<string, string>>): ExecutionRef {
  return { project: name(params, 'project'), task: name(params, 'task'), name: params.execution! };
}

/** The optional `reason` of a stop or a cancel: text of at most MAX_REASON characters. */
function reasonOf(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  if (typeof reason !== 'string') throw new ServiceError('BadRequest', 'reason must be text.', [{ place: 'body.reason', message: 'must be a string' }]);
  if (reason.length > MAX_REASON) {
    throw new ServiceError('BadRequest', `reason must be at most ${MAX_REASON} characters.`, [{ place: 'body.reason', message: `longer than ${MAX_REASON} characters` }]);
  }
  return reason;
}

/** The longest reason a stop or cancel takes (it becomes the execution's cause). */
export const MAX_REASON = 1024;

function page(event: APIGatewayProxyEvent): { limit?: number; next?: string } {
  const limit = positiveInteger(event, 'limit', 100);
  const next = query(event, 'next');
  return { ...(limit !== undefined ? { limit } : {}), ...(next !== undefined ? { next } : {}) };
}

function idempotencyName(event: APIGatewayProxyEvent): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 256) {
    throw new ServiceError('BadRequest', 'Idempotency-Key must be 1 to 256 characters.', [{ place: 'header.Idempotency-Key', message: 'must be 1 to 256 characters' }]);
  }
  return executionNameFromKey(key);
}

function taskSourceRequest({ event, params }: RouteRequest) {
  const format = sourceFormat(event);
  const source = bodyText(event, MAX_SOURCE_BYTES);
  if (source.trim() === '') throw new ServiceError('BadRequest', 'The body must hold the task, as YAML or JSON.', [{ place: 'body', message: 'empty' }]);
  return { project: name(params, 'project'), task: name(params, 'task'), source, ...(format ? { format } : {}) };
}

const etag = (version: number) => ({ ETag: `"${version}"` });

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/projects',
    run: async ({ event, deps }) => json(200, await listProjects(deps.store, page(event))),
  },
  {
    method: 'GET',
    path: '/projects/{project}',
    run: async ({ params, deps }) => json(200, await readProject(deps.store, name(params, 'project'))),
  },
  {
    method: 'PUT',
    path: '/projects/{project}',
    run: async ({ event, params, deps }) => {
      const project = name(params, 'project');
      const body = jsonBody(event, MAX_JSON_BYTES);
      const settings = body === undefined ? {} : body;
      const { record, created, tasks } = await changeProject(deps, project, settings, caller(event));
      return json(created ? 201 : 200, { ...record, tasks });
    },
  },
  {
    method: 'GET',
    path: '/projects/{project}/tasks',
    run: async ({ event, params, deps }) => json(200, await listProjectTasks(deps, name(params, 'project'), page(event))),
  },
  {
    method: 'GET',
    path: '/projects/{project}/tasks/{task}',
    run: async ({ event, params, deps }) => {
      const view = await getTaskVersion(deps, name(params, 'project'), name(params, 'task'), positiveInteger(event, 'version'));
      return json(200, view, etag(view.version));
    },
  },
  {
    method: 'PUT',
    path: '/projects/{project}/tasks/{task}',
    run: async (request) => {
      const saved = await saveTask(request.deps, {
        ...taskSourceRequest(request),
        who: caller(request.event),
        ...(ifMatch(request.event) !== undefined ? { ifMatch: ifMatch(request.event)! } : {}),
      });
      return json(saved.created ? 201 : 200, saved, etag(saved.version));
    },
  },
  {
    method: 'DELETE',
    path: '/projects/{project}/tasks/{task}',
    run: async ({ event, params, deps }) =>
      json(200, await deleteTask(deps, name(params, 'project'), name(params, 'task'), ifMatch(event))),
  },
  {
    method: 'GET',
    path: '/projects/{project}/tasks/{task}/versions',
    run: async ({ event, params, deps }) => json(200, await listTaskVersions(deps, name(params, 'project'), name(params, 'task'), page(event))),
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/validate',
    run: async (request) => {
      const { task, definition } = await validateTask(request.deps, taskSourceRequest(request));
      return json(200, { valid: true, task, definition });
    },
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/executions',
    run: async ({ event, params, deps }) => {
      const body = objectBody(event, MAX_JSON_BYTES, ['params']);
      const executionName = idempotencyName(event);
      const started = await startExecution(deps, {
        project: name(params, 'project'),
        task: name(params, 'task'),
        params: body.params,
        trigger: { type: 'api', by: caller(event) },
        ...(executionName ? { name: executionName } : {}),
      });
      return json(started.started ? 201 : 200, started);
    },
  },
  {
    method: 'GET',
    path: '/projects/{project}/tasks/{task}/executions',
    run: async ({ event, params, deps }) => {
      const status = query(event, 'status');
      return json(200, await listExecutions(deps, name(params, 'project'), name(params, 'task'), { ...page(event), ...(status ? { status } : {}) }));
    },
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/hook',
    run: async ({ event, params, deps }) => {
      objectBody(event, MAX_JSON_BYTES, []);
      return json(201, await createHook(deps, name(params, 'project'), name(params, 'task')));
    },
  },
  {
    method: 'DELETE',
    path: '/projects/{project}/tasks/{task}/hook',
    run: async ({ params, deps }) => {
      await revokeHook(deps, name(params, 'project'), name(params, 'task'));
      return json(200, { revoked: true });
    },
  },
  {
    method: 'GET',
    path: '/projects/{project}/tasks/{task}/executions/{execution}',
    run: async ({ params, deps }) => json(200, await describeExecution(deps, executionRef(params))),
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/executions/{execution}/stop',
    run: async ({ event, params, deps }) => {
      const ref = executionRef(params);
      const { reason } = objectBody(event, MAX_JSON_BYTES, ['reason']);
      return json(200, await stopExecution(deps, ref, reasonOf(reason)));
    },
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/executions/{execution}/cancel',
    run: async ({ event, params, deps }) => {
      const ref = executionRef(params);
      const { reason } = objectBody(event, MAX_JSON_BYTES, ['reason']);
      return json(202, await cancelExecution(deps, ref, { by: caller(event), ...(reasonOf(reason) !== undefined ? { reason: reasonOf(reason)! } : {}) }));
    },
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/executions/{execution}/resume',
    run: async ({ event, params, deps }) => {
      const ref = executionRef(params);
      const { from } = objectBody(event, MAX_JSON_BYTES, ['from']);
      if (from !== undefined && (typeof from !== 'string' || !NAME_PATTERN.test(from))) {
        throw new ServiceError('BadRequest', 'from must name a henchman.', [{ place: 'body.from', message: 'must be a henchman name: lower-case letters, digits and dashes' }]);
      }
      return json(201, await resumeExecution(deps, ref, from === undefined ? {} : { from }));
    },
  },
  {
    method: 'POST',
    path: '/projects/{project}/tasks/{task}/executions/{execution}/redrive',
    run: async ({ event, params, deps }) => {
      const ref = executionRef(params);
      objectBody(event, MAX_JSON_BYTES, []);
      return json(200, await redriveExecution(deps, ref));
    },
  },
  {
    method: 'POST',
    path: '/hooks/{token}',
    public: true,
    run: async ({ event, params, deps }) => {
      const text = bodyText(event, MAX_HOOK_BYTES);
      const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
      let body: unknown = text === '' ? null : text;
      if (text !== '' && (type === 'application/json' || type?.endsWith('+json'))) {
        body = jsonBody(event, MAX_HOOK_BYTES);
      }
      const executionName = idempotencyName(event);
      const result = await callHook(deps, params.token!, body, executionName);
      return json(202, result.outcome === 'skipped-running' ? { outcome: result.outcome } : { outcome: result.outcome, ...result.started });
    },
  },
];

/**
 * Hooks: a secret URL per task that outside monitors call to start it. The token is random, shown once when
 * it is created or rotated, and stored only as its sha256; revoking it removes it. Saving the task without
 * `triggers.hook: true` revokes it too, for good: turning the hook on again needs a new token (createHook).
 *
 * A call's JSON body may carry the execution's params, `{ "params": { ... }, ...rest }`: they are checked as a
 * start through the API checks them (InvalidParams, 400, every problem) and `rest` becomes `trigger.body`. Any
 * other body (text, a JSON list) is `trigger.body` as it came. `trigger.time` is when the call arrived.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServiceDeps } from './deps.ts';
import { notFound, ServiceError } from './errors.ts';
import { checkParams } from './params.ts';
import { startTriggered } from './executions.ts';
import type { TriggeredOutcome } from './executions.ts';
import { deleteHookToken, getHookToken, getTask, putHookToken, swapHookHash } from './store.ts';
import { readTask } from './store.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates the task's hook token, or replaces the one it has; the old one stops working at once. */
export async function createHook(deps: ServiceDeps, project: string, task: string): Promise<{ token: string; path: string }> {
  const head = await readTask(deps, project, task);
  if (!head.hook) {
    throw new ServiceError('Conflict', `Task ${project}/${task} does not allow a hook; save it with triggers.hook: true first.`, [
      { place: 'triggers.hook', message: 'must be true for the task to have a hook' },
    ]);
  }
  const token = randomBytes(32).toString('base64url');
  const hash = hashToken(token);
  await putHookToken(deps.store, hash, project, task, deps.now().toISOString());
  if (!(await swapHookHash(deps.store, project, task, head.hookHash, hash))) {
    await deleteHookToken(deps.store, hash);
    throw new ServiceError('Conflict', `The hook of task ${project}/${task} changed meanwhile, or a save turned it off, or the task was deleted; try again.`);
  }
  if (head.hookHash) await deleteHookToken(deps.store, head.hookHash);
  return { token, path: `/hooks/${token}` };
}

export async function revokeHook(deps: ServiceDeps, project: string, task: string): Promise<void> {
  const head = await readTask(deps, project, task);
  if (!head.hookHash) throw notFound(`Task ${project}/${task} has no hook.`);
  if (!(await swapHookHash(deps.store, project, task, head.hookHash, undefined))) {
    throw new ServiceError('Conflict', `The hook of task ${project}/${task} changed meanwhile; try again.`);
  }
  await deleteHookToken(deps.store, head.hookHash);
}

/**
 * Starts the task a hook token belongs to with trigger {type: 'hook', body}. Any token that does not open a
 * hook (malformed, unknown, revoked, its task gone or no longer allowing hooks) is the same "not found".
 */
export async function callHook(deps: ServiceDeps, token: string, body: unknown, name?: string): Promise<TriggeredOutcome> {
  const unknown = notFound('There is no such hook.');
  if (!TOKEN.test(token)) throw unknown;
  const hash = hashToken(token);
  const target = await getHookToken(deps.store, hash);
  if (!target) throw unknown;
  const head = await getTask(deps.store, target.project, target.task);
  if (!head || !head.hook || head.hookHash !== hash) throw unknown;
  const { params, rest } = hookBody(body);
  // Checked before anything else, so a wrong call is told so even while the task is running (whenRunning: skip).
  checkParams(head.params, params);
  const trigger = { type: 'hook', body: rest, time: deps.now().toISOString() };
  return startTriggered(deps, head, { trigger, ...(params !== undefined ? { params } : {}), ...(name ? { name } : {}) });
}

/** A hook body's params (a JSON object's `params` field) and the rest of it, which becomes trigger.body. */
export function hookBody(body: unknown): { params?: unknown; rest: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.hasOwn(body, 'params')) return { rest: body ?? null };
  const { params, ...rest } = body as Record<string, unknown>;
  return { params, rest };
}

/**
 * Rehearsals in local mode: POST /local/rehearsals starts an execution of a stored task whose provider calls are
 * answered from a scenario (lambdas/engine/rehearsal.ts) instead of the real providers, so it is listed, described,
 * cancelled and stopped like any execution of the task, and the dashboard plays it the same way. Local mode only:
 * the deployed API has no such route.
 *
 *   POST /local/rehearsals  { "project": "examples", "task": "scale-out", "scenario": "<YAML or JSON text>" | {...},
 *                             "params": {...}, "pace": 600 }
 *   201 { the start's answer: name, path, executionArn, ... }
 *
 * | what is asked                                     | answer                                       |
 * | ------------------------------------------------- | -------------------------------------------- |
 * | a body that is not a JSON object, unknown fields  | 400 BadRequest                               |
 * | a project or task that is not a name              | 400 BadRequest                               |
 * | a scenario that does not read                     | 400 BadRequest, every problem with its place |
 * | a pace that is not 0 to 10,000 ms                 | 400 BadRequest                               |
 * | params that do not fit the task                   | 400 InvalidParams (as a start)               |
 * | a task that does not exist                        | 404 NotFound                                 |
 * | another method than POST                          | 405                                          |
 *
 * Waits and retry pauses take no time; each provider call is answered after `pace` milliseconds (600 by default),
 * so that a person can watch the moves one by one.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import type { ProviderHandler } from '#engine/run';
import type { ServiceDeps } from '#service/deps';
import { ServiceError } from '#service/errors';
import { executionArnFor, startExecution, type Started } from '#service/executions';
import { readTask } from '#service/store';
import { jsonTextDepth, MAX_DEPTH } from '#task/depth';
import { NAME_PATTERN } from '#task/names';
import { errorResponse } from '../api/errors.ts';
import { answering, BodyTooLarge, LOCAL_CALLER, readBody } from './http.ts';
import type { LocalStepFunctions } from './step-functions.ts';

export const REHEARSALS_PATH = '/local/rehearsals';
/** The largest body taken: a scenario is a small file. */
export const MAX_REHEARSAL_BYTES = 256 * 1024;
export const DEFAULT_PACE_MS = 600;
export const MAX_PACE_MS = 10_000;

const FIELDS = new Set(['project', 'task', 'scenario', 'params', 'pace']);

function badRequest(message: string, place: string, detail: string): ServiceError {
  return new ServiceError('BadRequest', message, [{ place, message: detail }]);
}

function nameOf(body: Record<string, unknown>, key: 'project' | 'task'): string {
  const value = body[key];
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw badRequest(`${key} must name a ${key}.`, `body.${key}`, 'lower-case letters, digits and dashes, at most 64 characters');
  }
  return value;
}

/** Answers each call after `pace` ms (a rehearsal meant to be watched). */
export function paced(handler: ProviderHandler, pace: number): ProviderHandler {
  if (pace <= 0) return handler;
  return async (event, provider, call) => {
    await new Promise((resolve) => setTimeout(resolve, pace));
    return handler(event, provider, call);
  };
}

/** Starts a rehearsal from a request's body (already parsed JSON). */
export async function startRehearsal(deps: ServiceDeps, stepFunctions: LocalStepFunctions, body: unknown): Promise<Started> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be a JSON object.', 'body', 'must be an object');
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!FIELDS.has(key)) throw badRequest(`Unknown field ${key}.`, `body.${key.slice(0, 64)}`, `not one of ${[...FIELDS].join(', ')}`);
  }
  const project = nameOf(fields, 'project');
  const task = nameOf(fields, 'task');
  const pace = fields.pace ?? DEFAULT_PACE_MS;
  if (typeof pace !== 'number' || !Number.isInteger(pace) || pace < 0 || pace > MAX_PACE_MS) {
    throw badRequest(`pace must be a whole number of milliseconds from 0 to ${MAX_PACE_MS}.`, 'body.pace', `0 to ${MAX_PACE_MS}`);
  }
  let scenario;
  try {
    const given = fields.scenario ?? {};
    scenario = loadScenario(typeof given === 'string' ? given : JSON.stringify(given));
  } catch (error) {
    throw new ServiceError('BadRequest', (error as Error).message.split('\n')[0]!, (error as Error).message.split('\n').slice(1).map((line) => {
      const [place, ...rest] = line.trim().split(': ');
      return { place: `body.scenario.${place}`, message: rest.join(': ') };
    }));
  }
  const head = await readTask(deps, project, task);
  const name = `rehearsal-${randomUUID()}`;
  const release = stepFunctions.answerWith(executionArnFor(head.stateMachineArn, name), paced(rehearsalHandler(scenario), pace), { skipWaits: true });
  try {
    return await startExecution(deps, { project, task, params: fields.params, trigger: { type: 'rehearsal', by: LOCAL_CALLER }, name }, head);
  } catch (error) {
    release();
    throw error;
  }
}

/** POST /local/rehearsals. */
export function rehearsalsListener(deps: ServiceDeps, stepFunctions: LocalStepFunctions): RequestListener {
  const reply = (response: Parameters<RequestListener>[1], result: { statusCode: number; headers?: unknown; body: string }) => {
    response.writeHead(result.statusCode, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(result.body)) });
    response.end(result.body);
  };
  return (request, response) => {
    answering(response, deps.log, async () => {
      if (request.method !== 'POST') {
        request.resume();
        return reply(response, { statusCode: 405, body: JSON.stringify({ error: 'MethodNotAllowed', message: `${REHEARSALS_PATH} takes POST only.`, details: [] }) });
      }
      let text: string;
      try {
        text = (await readBody(request, MAX_REHEARSAL_BYTES)).toString('utf8');
      } catch (error) {
        request.resume();
        const tooLarge = error instanceof BodyTooLarge;
        return reply(response, {
          statusCode: tooLarge ? 413 : 400,
          body: JSON.stringify({ error: tooLarge ? 'PayloadTooLarge' : 'BadRequest', message: tooLarge ? `The body is larger than ${MAX_REHEARSAL_BYTES} bytes.` : 'The body could not be read.', details: [] }),
        });
      }
      try {
        if (jsonTextDepth(text) > MAX_DEPTH) throw badRequest(`The body nests deeper than ${MAX_DEPTH} levels.`, 'body', 'too deep');
        let body: unknown;
        try {
          body = text.trim() === '' ? undefined : JSON.parse(text);
        } catch {
          throw badRequest('The body is not JSON.', 'body', 'not JSON');
        }
        const started = await startRehearsal(deps, stepFunctions, body);
        reply(response, { statusCode: 201, body: JSON.stringify(started) });
      } catch (error) {
        reply(response, errorResponse(error, deps.log));
      }
    });
  };
}

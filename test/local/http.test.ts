import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiListener, listen, MAX_BODY_BYTES } from '#local/http';
import type { Listening } from '#local/http';
import type { ServiceDeps } from '#service/deps';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { fakeStepFunctions, recordingLog, serviceDeps, SETTINGS, taskSource } from '../service/fixtures.ts';

let dynamo: LocalDynamo;
let deps: ServiceDeps;
let server: Listening;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});
beforeEach(async () => {
  deps = serviceDeps(dynamo.store, fakeStepFunctions().sfn, recordingLog());
  server = await listen(apiListener(deps));
  return () => server.close();
});

describe('the API over node:http (local mode)', () => {
  it('serves a route: a project saved, then read back, with the status, headers and JSON body of the route', async () => {
    // Act
    const put = await fetch(`${server.url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SETTINGS) });
    const get = await fetch(`${server.url}/projects/web`);
    // Assess
    expect(put.status).toBe(201);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/json');
    expect(await get.json()).toMatchObject({ project: 'web', settings: SETTINGS });
  });

  it('hands a YAML body and query parameters to the route as API Gateway would', async () => {
    // Prepare
    await fetch(`${server.url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(SETTINGS) });
    // Act
    const saved = await fetch(`${server.url}/projects/web/tasks/restart`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: taskSource('restart') });
    const listed = await fetch(`${server.url}/projects/web/tasks?limit=1`);
    // Assess
    expect(saved.status).toBe(201);
    expect(await listed.json()).toMatchObject({ items: [{ task: 'restart', version: 1 }] });
  });

  it('answers an unknown path with 404 and a bad limit with 400, each with a message', async () => {
    // Act
    const missing = await fetch(`${server.url}/nowhere`);
    const bad = await fetch(`${server.url}/projects/web/tasks?limit=0`);
    // Assess
    expect([missing.status, await missing.json()]).toStrictEqual([404, { error: 'NotFound', message: 'There is no route /nowhere.', details: [] }]);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'BadRequest', details: [{ place: 'query.limit' }] });
  });

  it('refuses a body larger than API Gateway takes with 413, before any route', async () => {
    // Act
    const response = await fetch(`${server.url}/projects/web`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    // Assess
    expect([response.status, await response.json()]).toStrictEqual([
      413,
      { error: 'PayloadTooLarge', message: `The body is larger than ${MAX_BODY_BYTES} bytes.`, details: [] },
    ]);
  });
});

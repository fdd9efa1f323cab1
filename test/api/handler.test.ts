import 'aws-sdk-client-mock-vitest/extend';
import { SFNClient, ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDynalite } from '../support/dynalite.ts';
import type { LocalDynamo } from '../support/dynalite.ts';
import { CONFIG, stubServiceEnvironment } from '../service/fixtures.ts';
import { apiEvent, bodyOf } from './events.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynalite(CONFIG.table);
  stubServiceEnvironment(vi.stubEnv, dynamo.endpoint);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await dynamo.close();
});

describe('the API Lambda handler', () => {
  it('builds its clients from the environment (the SDK endpoint variables included) and answers through the router', async () => {
    // Prepare
    const sfn = mockClient(SFNClient);
    sfn.on(ValidateStateMachineDefinitionCommand).resolves({ result: 'OK', diagnostics: [] });
    const { handler } = await import('../../lambdas/api/handler.ts');

    // Act
    const created = await handler(apiEvent('PUT', '/projects/env', { body: '{"region":"eu-west-1"}', headers: { 'Content-Type': 'application/json' } }));
    const read = await handler(apiEvent('GET', '/projects/env'));
    const missing = await handler(apiEvent('GET', '/projects/elsewhere'));

    // Assess
    expect(created.statusCode).toBe(201);
    expect(bodyOf(read).settings).toStrictEqual({ region: 'eu-west-1' });
    expect([missing.statusCode, bodyOf(missing).error]).toStrictEqual([404, 'NotFound']);
    sfn.restore();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { searchNodes, registerClient } from '#providers/chef/nodes';
import { ChefApi } from '#providers/chef/client';
import { startGoiardi, type Goiardi } from '../../support/goiardi.ts';
import { adminApi, adminInputs, chefEvent, chefHandler, createNode } from './fixtures.ts';

const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

describe('chef provider API actions against goiardi', () => {
  let goiardi: Goiardi;
  let api: ChefApi;
  const handler = chefHandler();

  beforeAll(async () => {
    goiardi = await startGoiardi();
    api = adminApi(goiardi);
    await createNode(api, { name: 'web-1', ip: '10.0.0.11', runList: ['role[web]'] });
    await createNode(api, { name: 'web-2', ip: '10.0.0.12', runList: ['role[web]', 'recipe[nginx]'] });
    await createNode(api, { name: 'web-3', runList: [] });
    await createNode(api, { name: 'db-1', ip: '10.0.1.5', runList: ['role[db]'] });
  });
  afterAll(async () => {
    await goiardi?.stop();
  });

  describe('search', () => {
    it('finds the nodes a query matches, with their IPs and run lists', async () => {
      // Act
      const result = await handler(chefEvent('search', { query: 'name:web*', ...adminInputs(goiardi) }));

      // Assess
      expect(result).toStrictEqual({
        output: {
          nodes: [
            { name: 'web-1', ip: '10.0.0.11', runList: ['role[web]'] },
            { name: 'web-2', ip: '10.0.0.12', runList: ['role[web]', 'recipe[nginx]'] },
            { name: 'web-3', ip: null, runList: [] },
          ],
          hosts: ['10.0.0.11', '10.0.0.12'],
        },
      });
    });

    it('answers an empty list when nothing matches', async () => {
      // Act
      const result = await handler(chefEvent('search', { query: 'name:cache*', ...adminInputs(goiardi) }));

      // Assess
      expect(result).toStrictEqual({ output: { nodes: [], hosts: [] } });
    });

    it('reads every page of a search', async () => {
      // Act
      const nodes = await searchNodes(api, 'name:*', { pageSize: 2 });

      // Assess
      expect(nodes.map((node) => node.name)).toStrictEqual(['db-1', 'web-1', 'web-2', 'web-3']);
    });

    it('fails a search that matches more nodes than an output may hold', async () => {
      // Act
      const failure = await searchNodes(api, 'name:*', { pageSize: 2, maxNodes: 3 }).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ name: 'Mastermind.Failed', message: 'the query name:* matched more than 3 nodes: narrow it' });
    });

    it('reports a query the server cannot parse as Invalid', async () => {
      // Act
      const failure = await handler(chefEvent('search', { query: 'name:(((', ...adminInputs(goiardi) })).catch((error: unknown) => error);

      // Assess
      expect(failure).toMatchObject({ name: 'Mastermind.Invalid' });
    });
  });

  describe('set-run-list', () => {
    it('replaces the run list and keeps the rest of the node', async () => {
      // Prepare
      await createNode(api, { name: 'app-1', ip: '10.0.2.1', runList: ['role[old]'], environment: 'staging', normal: { team: 'blue' } });

      // Act
      const result = await handler(
        chefEvent('set-run-list', { nodeName: 'app-1', runList: ['role[app]', 'recipe[monitoring]'], ...adminInputs(goiardi) }),
      );

      // Assess
      expect(result).toStrictEqual({ output: { nodeName: 'app-1', runList: ['role[app]', 'recipe[monitoring]'] } });
      const node = (await api.get<Record<string, unknown>>('/nodes/app-1')).body;
      expect(node).toMatchObject({
        name: 'app-1',
        run_list: ['role[app]', 'recipe[monitoring]'],
        chef_environment: 'staging',
        normal: { team: 'blue' },
        automatic: { ipaddress: '10.0.2.1' },
      });
    });

    it('fails for a node the server does not have', async () => {
      // Act
      const failure = await handler(chefEvent('set-run-list', { nodeName: 'ghost', runList: ['role[web]'], ...adminInputs(goiardi) })).catch(
        (error: unknown) => error,
      );

      // Assess
      expect(failure).toMatchObject({ name: 'Mastermind.Failed', message: 'no node ghost on the Chef server' });
    });
  });

  describe('deregister', () => {
    it('deletes the node and its client, and a second time is fine', async () => {
      // Prepare
      await createNode(api, { name: 'old-1', ip: '10.0.3.1' });
      await registerClient(api, 'old-1');

      // Act
      const first = await handler(chefEvent('deregister', { nodeName: 'old-1', ...adminInputs(goiardi) }));
      const second = await handler(chefEvent('deregister', { nodeName: 'old-1', ...adminInputs(goiardi) }, 'undo'));

      // Assess
      expect(first).toStrictEqual({ output: { nodeName: 'old-1' } });
      expect(second).toStrictEqual({ output: { nodeName: 'old-1' } });
      expect((await api.get('/nodes/old-1', { accept: [404] })).status).toBe(404);
      expect((await api.get('/clients/old-1', { accept: [404] })).status).toBe(404);
    });
  });

  describe('registerClient', () => {
    it('creates the client again when it exists, so only the new key signs', async () => {
      // Prepare
      const oldKey = await registerClient(api, 'reboot-1');

      // Act
      const newKey = await registerClient(api, 'reboot-1');

      // Assess
      const asNew = new ChefApi({ url: goiardi.url, clientName: 'reboot-1', clientKey: newKey });
      const asOld = new ChefApi({ url: goiardi.url, clientName: 'reboot-1', clientKey: oldKey });
      expect((await asNew.get<{ name: string }>('/clients/reboot-1')).body.name).toBe('reboot-1');
      expect(await asOld.get('/clients/reboot-1').catch((error: unknown) => error)).toMatchObject({ name: 'Mastermind.Failed' });
    });
  });

  it.each([
    ['search', 'GET /search/node'],
    ['set-run-list', 'GET /nodes/web-1'],
    ['deregister', 'DELETE /nodes/web-1'],
  ])('%s fails with the clear message when the key is not the client\'s', async (action, request) => {
    // Prepare
    const input = { query: 'name:*', nodeName: 'web-1', runList: [], chefServerUrl: goiardi.url, chefClientName: 'admin', chefClientKey: wrongKey };
    const fields = { search: ['query'], 'set-run-list': ['nodeName', 'runList'], deregister: ['nodeName'] }[action]!;
    const actionInput = Object.fromEntries(
      Object.entries(input).filter(([name]) => name.startsWith('chef') || fields.includes(name)),
    );

    // Act
    const failure = await handler(chefEvent(action, actionInput)).catch((error: unknown) => error);

    // Assess
    expect({ name: (failure as Error).name, message: (failure as Error).message }).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the Chef server refused the signature of client admin: check chefClientName and chefClientKey (${request}: 401: crypto/rsa: verification error)`,
    });
  });
});

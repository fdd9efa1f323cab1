import { describe, expect, it } from 'vitest';
import { catalog } from '#task/catalog';
import { chefActions } from '#providers/chef/actions';
import { chefEvent, chefHandler } from './fixtures.ts';

describe('the chef provider handler', () => {
  it('implements exactly the chef actions of the catalog', () => {
    expect(Object.keys(chefActions({ configDir: '/etc/chef', path: '' })).sort()).toStrictEqual(Object.keys(catalog.chef.actions).sort());
  });

  it('refuses an action the catalog does not have as Invalid', async () => {
    // Act
    const failure = await chefHandler()(chefEvent('knife', {})).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Invalid',
      message: 'chef has no action knife: it has bootstrap, converge, set-run-list, search, deregister',
    });
  });

  it('checks the input against the catalog before anything is called', async () => {
    // Act
    const failure = await chefHandler()(chefEvent('search', { query: 'name:*', chefServerUrl: 'http://127.0.0.1:9' })).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toMatchObject({
      name: 'Mastermind.Invalid',
      message: 'invalid input for chef search: chefClientName is required; chefClientKey is required',
    });
  });
});

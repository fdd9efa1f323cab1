import { describe, expect, it } from 'vitest';
import { providers } from '#task/rules/providers';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('providers rule', () => {
  it('accepts providers and actions of the catalog', () => {
    // Prepare
    const task = taskOf(launch(), run(), { name: 'find', provider: 'chef', action: 'search', with: { query: 'role:web' } });
    // Act
    const errors = check(providers, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports an unknown provider with a suggestion and the list of providers', () => {
    // Prepare
    const task = taskOf(launch({ provider: 'ec3' }));
    // Act
    const errors = check(providers, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-provider',
        place: 'plot[0].provider',
        message: "henchman 'provision' uses the provider 'ec3', which does not exist (did you mean 'ec2'?); the providers are 'ec2', 'ssh' and 'chef'",
      },
    ]);
  });

  it('reports an unknown action and lists the actions of the provider', () => {
    // Prepare
    const task = taskOf(run({ action: 'exec' }));
    // Act
    const errors = check(providers, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-action',
        place: 'plot[0].action',
        message: "the provider 'ssh' has no action 'exec'; its actions are 'run', 'script', 'upload' and 'wait-reachable'",
      },
    ]);
  });
});

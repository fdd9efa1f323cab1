import { describe, expect, it } from 'vitest';
import { secrets } from '#task/rules/secrets';
import { check, run, taskOf } from '../fixtures/tasks.ts';

describe('secrets rule', () => {
  it('accepts secret fields given by secret or project reference, and secret references in other fields', () => {
    // Prepare
    const task = taskOf(run(), run({ name: 'again', with: { ...run().with, key: '${project.key}', command: 'login ${secret:/token}' } }));
    // Act
    const errors = check(secrets, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it.each(['-----BEGIN OPENSSH PRIVATE KEY-----', 'prefix-${secret:/ssh-key}'])('reports a secret field written as text (%s)', (key) => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, key } }));
    // Act
    const errors = check(secrets, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'secret-not-reference',
        place: 'plot[0].with.key',
        message:
          "the input 'key' of henchman 'connect' holds a secret, so it must be a reference such as ${secret:/mastermind/default/key} (an SSM SecureString), not text written in the task",
      },
    ]);
  });
});

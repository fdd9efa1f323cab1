import { describe, expect, it } from 'vitest';
import { invocation } from '#task/rules/invocation';
import type { Henchman } from '#task/schema';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

const SSH = { host: 'lb-1.internal', user: 'ops', key: '${secret:/mastermind/ssh-key}' };
const upload = (overrides: Partial<Henchman> = {}): Henchman => ({
  name: 'put',
  provider: 'ssh',
  action: 'upload',
  with: { ...SSH, path: '/tmp/x', content: 'x' },
  ...overrides,
});
const WHY = 'one provider invocation may spend at most 14m on a move (a Lambda runs 15 minutes at most)';

describe('invocation rule', () => {
  it('accepts long commands (they run detached), long waits (they poll) and short moves', () => {
    // Prepare
    const task = taskOf(
      run({ with: { ...run().with, timeout: '2h' }, timeout: '3h' }),
      run({ name: 'forced', with: { ...run().with, detach: true } }),
      launch({ timeout: '1h' }),
      upload({ timeout: '14m' }),
      run({ name: 'fired', fire: true, with: { ...run().with, timeout: '10m' } }),
    );
    // Act
    const errors = check(invocation, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('refuses a henchman timeout beyond one invocation for an action that can neither poll nor run detached', () => {
    // Act
    const errors = check(invocation, taskOf(upload({ timeout: '20m' })));
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'beyond-invocation',
        place: 'plot[0].timeout',
        message: `henchman 'put' has timeout 20m, but ssh upload runs in one provider invocation and ${WHY}: give a timeout of 14m or less`,
      },
    ]);
  });

  it('refuses a henchman timeout beyond one invocation when its undo can neither poll nor run detached', () => {
    // Prepare
    const put = upload({ name: 'put', timeout: '1h', undo: { action: 'run', with: { ...SSH, command: 'rm /tmp/x' } } });
    const longRun = run({ timeout: '1h', undo: { action: 'upload', with: { ...SSH, path: '/tmp/x', content: '' } } });
    // Act
    const errors = check(invocation, taskOf(longRun));
    // Assess
    expect(check(invocation, taskOf(put)).map((e) => e.place)).toStrictEqual(['plot[0].timeout']);
    expect(errors).toStrictEqual([
      {
        code: 'beyond-invocation',
        place: 'plot[0].timeout',
        message: `henchman 'connect' has timeout 1h, but its undo (ssh upload) runs in one provider invocation and ${WHY}: give a timeout of 14m or less`,
      },
    ]);
  });

  it('accepts a chef bootstrap and a converge longer than one invocation (they run detached), and refuses one fired', () => {
    // Prepare
    const bootstrap = (overrides: Partial<Henchman> = {}): Henchman => ({ name: 'configure', provider: 'chef', action: 'bootstrap', with: { ...SSH, timeout: '28m' }, ...overrides });
    const converge: Henchman = { name: 'converge', provider: 'chef', action: 'converge', with: { ...SSH, timeout: '1h' }, timeout: '2h' };
    // Act
    const accepted = check(invocation, taskOf(bootstrap(), converge, bootstrap({ name: 'forced', with: { ...SSH, detach: true } })));
    const fired = check(invocation, taskOf(bootstrap({ fire: true })));
    // Assess
    expect(accepted).toStrictEqual([]);
    expect(fired).toStrictEqual([
      {
        code: 'beyond-invocation',
        place: 'plot[0].fire',
        message:
          "henchman 'configure' is fired (fire: true) but runs detached (it may run 1680s, beyond the 14m one provider invocation may spend): a detached move must be polled, and a fired move is never waited for; drop fire, or keep its timeout within 14m",
      },
    ]);
  });

  it('refuses a fired command that would run detached, a detach written as a reference, and a detached command of unknown length', () => {
    // Prepare
    const task = taskOf(
      run({ name: 'long', fire: true, with: { ...run().with, timeout: '20m' } }),
      run({ name: 'forced', fire: true, with: { ...run().with, detach: true } }),
      run({ name: 'maybe', with: { ...run().with, detach: '${params.detach}' } }),
      run({ name: 'unbounded', with: { ...run().with, detach: true, timeout: '${params.timeout}' } }),
    );
    // Act
    const errors = check(invocation, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'beyond-invocation',
        place: 'plot[0].fire',
        message:
          "henchman 'long' is fired (fire: true) but runs detached (it may run 1200s, beyond the 14m one provider invocation may spend): a detached move must be polled, and a fired move is never waited for; drop fire, or keep its timeout within 14m",
      },
      {
        code: 'beyond-invocation',
        place: 'plot[1].fire',
        message: "henchman 'forced' is fired (fire: true) but runs detached (detach: true): a detached move must be polled, and a fired move is never waited for; drop fire or detach",
      },
      {
        code: 'beyond-invocation',
        place: 'plot[2].with.detach',
        message: "the input 'detach' of henchman 'maybe' must be written true or false, not a reference: whether the move runs detached is decided when the task is compiled",
      },
      {
        code: 'beyond-invocation',
        place: 'plot[3].with.timeout',
        message:
          "henchman 'unbounded' runs detached (detach: true), but how long it may run is known only when it runs: write its timeout literally (e.g. 2h) or give the henchman a timeout, which bounds its polls",
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { flowTargets } from '#task/rules/flow-targets';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('flow-targets rule', () => {
  it('accepts next, goto and retreat targets that exist, next: end, and a retreat to the henchman itself', () => {
    // Prepare
    const task = taskOf(
      launch({ onFailure: { retreat: 'provision', times: 1 } }),
      run({ onFailure: { goto: 'notify' }, next: 'end' }),
      run({ name: 'notify', onFailure: { retreat: 'provision', times: 3 } }),
    );
    // Act
    const errors = check(flowTargets, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports targets that do not exist', () => {
    // Prepare
    const task = taskOf(launch({ next: 'conect', onFailure: { goto: 'cleanup' } }), run({ onFailure: { retreat: 'provison', times: 1 } }));
    // Act
    const errors = check(flowTargets, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-target',
        place: 'plot[0].next',
        message: "henchman 'provision' advances to 'conect', which is no henchman of this task (did you mean 'connect'?) (write 'end' to end the task)",
      },
      { code: 'unknown-target', place: 'plot[0].onFailure.goto', message: "on failure, henchman 'provision' goes to 'cleanup', which is no henchman of this task" },
      {
        code: 'unknown-target',
        place: 'plot[1].onFailure.retreat',
        message: "on failure, henchman 'connect' retreats to 'provison', which is no henchman of this task (did you mean 'provision'?)",
      },
    ]);
  });

  it('reports a retreat to a later henchman', () => {
    // Prepare
    const task = taskOf(launch({ onFailure: { retreat: 'connect', times: 1 } }), run());
    // Act
    const errors = check(flowTargets, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'retreat-forward',
        place: 'plot[0].onFailure.retreat',
        message:
          "henchman 'provision' retreats to 'connect', which comes later in the plot: a retreat goes back to this henchman or an earlier one (use goto to jump forward)",
      },
    ]);
  });

  it('reports a henchman no move leads to', () => {
    // Prepare
    const task = taskOf(launch({ next: 'end' }), run());
    // Act
    const errors = check(flowTargets, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unreachable-henchman',
        place: 'plot[1]',
        message:
          "henchman 'connect' can never run: no move leads to it (the one before it ends the task or jumps elsewhere, and no next, goto or retreat names it)",
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { boundedLoops } from '#task/rules/loops';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('loops rule', () => {
  it('accepts loops that go through a retreat', () => {
    // Prepare
    const task = taskOf(launch(), run({ onFailure: { retreat: 'provision', times: 2 } }));
    // Act
    const errors = check(boundedLoops, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports a next back to an earlier henchman', () => {
    // Prepare
    const task = taskOf(launch(), run({ next: 'provision' }));
    // Act
    const errors = check(boundedLoops, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unbounded-loop',
        place: 'plot[1].next',
        message:
          "the next from 'connect' back to 'provision' makes a loop ('provision' → 'connect' → 'provision') that nothing bounds: every loop must go through a retreat with times",
      },
    ]);
  });

  it('reports a goto on failure back to the henchman itself', () => {
    // Prepare
    const task = taskOf(launch({ onFailure: { goto: 'provision' } }));
    // Act
    const errors = check(boundedLoops, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unbounded-loop',
        place: 'plot[0].onFailure.goto',
        message:
          "the goto on failure of 'provision' back to 'provision' makes a loop ('provision' → 'provision') that nothing bounds: every loop must go through a retreat with times",
      },
    ]);
  });
});

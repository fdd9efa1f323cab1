import { describe, expect, it } from 'vitest';
import { fire } from '#task/rules/fire';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('fire rule', () => {
  it('accepts a fired henchman without expect, undo or each', () => {
    // Prepare
    const task = taskOf(run({ fire: true, retry: { attempts: 2 } }), launch({ fire: false, undo: 'terminate' }));
    // Act
    const errors = check(fire, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports expect, undo and each on a fired henchman', () => {
    // Prepare
    const task = taskOf(launch({ fire: true, expect: { state: 'running' }, undo: 'terminate', each: '${params.x}' }));
    // Act
    const errors = check(fire, task);
    // Assess
    const head = "henchman 'provision' is fired (fire: true) and has";
    expect(errors).toStrictEqual([
      { code: 'fire-conflict', place: 'plot[0].expect', message: `${head} expect, but expect judges a result that is never waited for: drop one of them` },
      { code: 'fire-conflict', place: 'plot[0].undo', message: `${head} undo, but undo takes back a move whose result is never known: drop one of them` },
      { code: 'fire-conflict', place: 'plot[0].each', message: `${head} each, but each gathers the result of every item, and fire waits for none: drop one of them` },
    ]);
  });
});

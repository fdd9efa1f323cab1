import { describe, expect, it } from 'vitest';
import { duplicateNames } from '#task/rules/duplicate-names';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('duplicate-names rule', () => {
  it('accepts henchmen with distinct names', () => {
    // Prepare
    const task = taskOf(launch(), run());
    // Act
    const errors = check(duplicateNames, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports every henchman that reuses an earlier name, naming the first', () => {
    // Prepare
    const task = taskOf(launch(), run(), launch(), run({ name: 'provision' }));
    // Act
    const errors = check(duplicateNames, task);
    // Assess
    const message = "the name 'provision' is already taken by plot[0]: henchman names must be unique in a task";
    expect(errors).toStrictEqual([
      { code: 'duplicate-name', place: 'plot[2].name', message },
      { code: 'duplicate-name', place: 'plot[3].name', message },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { names } from '#task/rules/names';
import { check, launch, taskOf } from '../fixtures/tasks.ts';

describe('names rule', () => {
  it('accepts lower-case names with dashes for the task, the project, henchmen and params', () => {
    // Prepare
    const task = { ...taskOf(launch({ name: 'launch-2' })), project: 'web', params: { instance_type: { type: 'string' as const } } };
    // Act
    const errors = check(names, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports a task, project and henchman name that break the pattern', () => {
    // Prepare
    const task = { ...taskOf(launch({ name: 'Provision' })), task: 'scale out', project: '-web' };
    // Act
    const errors = check(names, task);
    // Assess
    const rule = 'use lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 64 characters';
    expect(errors).toStrictEqual([
      { code: 'bad-name', place: 'task', message: `the task name 'scale out' is not a valid name: ${rule}` },
      { code: 'bad-name', place: 'project', message: `the project name '-web' is not a valid name: ${rule}` },
      { code: 'bad-name', place: 'plot[0].name', message: `the henchman name 'Provision' is not a valid name: ${rule}` },
    ]);
  });

  it.each(['params', 'item', 'end'])('reports a henchman named %s, a word references or next already use', (name) => {
    // Prepare
    const task = taskOf(launch({ name }));
    // Act
    const errors = check(names, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'reserved-name',
        place: 'plot[0].name',
        message: `a henchman cannot be called '${name}': that word already has a meaning in references or in next/onFailure`,
      },
    ]);
  });

  it('reports a param name that a reference cannot spell', () => {
    // Prepare
    const task = { ...taskOf(launch()), params: { 'instance type': { type: 'string' as const } } };
    // Act
    const errors = check(names, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'bad-name',
        place: 'params["instance type"]',
        message: "the param name 'instance type' cannot be used in ${params.instance type}: use letters, digits, '_' and '-', starting with a letter or '_'",
      },
    ]);
  });
});

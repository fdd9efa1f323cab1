import { describe, expect, it } from 'vitest';
import { params } from '#task/rules/params';
import type { Task } from '#task/schema';
import { check, launch, taskOf } from '../fixtures/tasks.ts';

describe('params rule', () => {
  it('accepts defaults of the param type that are among its enum values', () => {
    // Prepare
    const task: Task = {
      ...taskOf(launch()),
      params: {
        size: { type: 'string', default: 't3.small', enum: ['t3.small', 't3.large'] },
        count: { type: 'integer', default: 2 },
        hosts: { type: 'list', default: [] },
        tags: { type: 'map', default: {} },
      },
    };
    // Act
    const errors = check(params, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports defaults of the wrong type, defaults outside the enum and enum values of the wrong type', () => {
    // Prepare
    const task: Task = {
      ...taskOf(launch()),
      params: {
        count: { type: 'integer', default: 1.5 },
        dry: { type: 'boolean', default: 'no' },
        size: { type: 'string', default: 't3.huge', enum: ['t3.small', 't3.large'] },
        level: { type: 'integer', enum: [1, 'two'] },
      },
    };
    // Act
    const errors = check(params, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'wrong-param-type', place: 'params.count.default', message: "the param 'count' is a whole number, but its default is the number 1.5" },
      { code: 'wrong-param-type', place: 'params.dry.default', message: 'the param \'dry\' is true or false, but its default is the text "no"' },
      {
        code: 'not-in-enum',
        place: 'params.size.default',
        message: 'the default of the param \'size\' must be one of its enum values \'t3.small\' or \'t3.large\', not the text "t3.huge"',
      },
      { code: 'wrong-param-type', place: 'params.level.enum[1]', message: 'the param \'level\' is a whole number, but its enum holds the text "two"' },
    ]);
  });
});

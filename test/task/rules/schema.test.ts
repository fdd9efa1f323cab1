import { describe, expect, it } from 'vitest';
import { checkShape, salvageTask, schemaErrors } from '#task/rules/schema';
import { launch, run, taskOf } from '../fixtures/tasks.ts';

describe('schema rule', () => {
  it('accepts a task of the right shape', () => {
    // Prepare
    const task = taskOf(launch({ retry: { attempts: 2 }, onFailure: { retreat: 'provision', times: 1 } }), run({ expect: [{ field: 'exitCode', equals: 0 }] }));
    // Act
    const errors = schemaErrors(task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('gives the parsed task, or the same errors as schemaErrors, in one pass', () => {
    // Prepare
    const task = taskOf(launch());
    const wrong = { ...task, plot: 'none' };
    // Act
    const good = checkShape(task);
    const bad = checkShape(wrong);
    // Assess
    expect(good).toStrictEqual({ task, errors: [] });
    expect(bad).toStrictEqual({ errors: schemaErrors(wrong) });
    expect(bad.errors.length).toBe(1);
  });

  it('reports unknown fields with a suggestion, missing fields, wrong types, bad values and ranges', () => {
    // Prepare
    const value = {
      task: 'demo',
      plott: [],
      triggers: { hook: 'yes' },
      params: { x: { type: 'strin' } },
      plot: [
        { name: 'a', provider: 'ec2', action: 'launch', witth: {}, retry: { attempts: 0 }, onFailure: 'retreat', undo: 3 },
        { name: 'b', provider: 'ssh', onFailure: { retreat: 'a' }, expect: [{ field: 'x', equal: 1 }] },
      ],
    };
    // Act
    const errors = schemaErrors(value);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'invalid-value',
        place: 'params.x.type',
        message: "params.x.type must be 'string', 'number', 'integer', 'boolean', 'list' or 'map', not the text \"strin\" (did you mean 'string'?)",
      },
      { code: 'wrong-type', place: 'triggers.hook', message: 'triggers.hook must be true or false, not the text "yes"' },
      { code: 'wrong-type', place: 'plot[0].undo', message: 'plot[0].undo must be an action name or { action, with }, not the number 3' },
      { code: 'out-of-range', place: 'plot[0].retry.attempts', message: 'plot[0].retry.attempts must be at least 1, not the number 0' },
      {
        code: 'wrong-type',
        place: 'plot[0].onFailure',
        message: "plot[0].onFailure must be 'abort', 'continue', { goto: <henchman> } or { retreat: <henchman>, times: <n> }, not the text \"retreat\"",
      },
      {
        code: 'unknown-field',
        place: 'plot[0].witth',
        message:
          "'witth' is not a field of a henchman (plot[0]) (did you mean 'with'?); its fields are 'name', 'description', 'provider', 'action', 'with', 'undo', 'timeout', 'retry', 'expect', 'onFailure', 'next', 'each', 'concurrency' and 'fire'",
      },
      { code: 'missing-field', place: 'plot[1].action', message: "a henchman (plot[1]) needs 'action'" },
      {
        code: 'unknown-field',
        place: 'plot[1].expect[0].equal',
        message:
          "'equal' is not a field of a condition (plot[1].expect[0]) (did you mean 'equals'?); its fields are 'all', 'any', 'not', 'field', 'equals', 'notEquals', 'lessThan', 'lessThanOrEquals', 'greaterThan', 'greaterThanOrEquals', 'matches' and 'exists'",
      },
      { code: 'missing-field', place: 'plot[1].onFailure.times', message: "plot[1].onFailure needs 'times'" },
      {
        code: 'unknown-field',
        place: 'plott',
        message: "'plott' is not a field of a task (did you mean 'plot'?); its fields are 'task', 'project', 'description', 'params', 'triggers', 'rollback', 'timeout' and 'plot'",
      },
    ]);
  });

  it.each([
    [[1], '', 'the task must be a map, not a list'],
    [{ task: 'x', plot: [] }, 'plot', 'plot needs at least 1 henchman'],
  ])('reports a document of the wrong kind or an empty plot (%j)', (value, place, message) => {
    // Act
    const errors = schemaErrors(value);
    // Assess
    expect(errors).toStrictEqual([{ code: place === '' ? 'wrong-type' : 'out-of-range', place, message }]);
  });

  it('salvages the well-formed fields of a task whose shape is partly wrong', () => {
    // Prepare
    const value = {
      task: 7,
      params: { x: { type: 'strin', default: 'a' } },
      timeout: 5,
      plot: [{ name: 'a', provider: 'ec2', action: 'launch', retry: { attempts: 0 }, with: { imageId: 'ami-1' } }, 'junk'],
    };
    // Act
    const task = salvageTask(value);
    // Assess
    expect(task).toStrictEqual({
      task: '',
      params: { x: { default: 'a' } },
      plot: [
        { name: 'a', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1' } },
        { name: '', provider: '', action: '' },
      ],
    });
  });
});

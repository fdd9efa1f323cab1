import { describe, expect, it } from 'vitest';
import { expect as expectRule } from '#task/rules/expect';
import { check, run, taskOf } from '../fixtures/tasks.ts';

describe('expect rule', () => {
  it('accepts a map and nested conditions on output fields', () => {
    // Prepare
    const task = taskOf(
      run({ expect: { exitCode: 0 } }),
      run({ name: 'again', expect: [{ any: [{ field: 'exitCode', lessThan: 2 }, { not: { field: 'stdout.text', exists: true } }] }] }),
    );
    // Act
    const errors = check(expectRule, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports fields that are not outputs of the action, in maps and in nested conditions', () => {
    // Prepare
    const task = taskOf(run({ expect: { exitcode: 0 } }), run({ name: 'again', expect: [{ all: [{ field: 'status', equals: 'ok' }] }] }));
    // Act
    const errors = check(expectRule, task);
    // Assess
    const outputs = "its outputs are 'exitCode', 'stdout', 'stderr' and 'truncated'";
    expect(errors).toStrictEqual([
      {
        code: 'unknown-expect-field',
        place: 'plot[0].expect.exitcode',
        message: `henchman 'connect' expects 'exitcode', but ssh run has no output 'exitcode' (did you mean 'exitCode'?); ${outputs}`,
      },
      { code: 'unknown-expect-field', place: 'plot[1].expect[0].all[0].field', message: `henchman 'again' expects 'status', but ssh run has no output 'status'; ${outputs}` },
    ]);
  });

  it('reports a condition that compares nothing', () => {
    // Prepare
    const task = taskOf(run({ expect: [{ field: 'exitCode' }] }));
    // Act
    const errors = check(expectRule, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'bad-condition',
        place: 'plot[0].expect[0]',
        message:
          "the condition on 'exitCode' compares nothing: give one of 'equals', 'notEquals', 'lessThan', 'lessThanOrEquals', 'greaterThan', 'greaterThanOrEquals', 'matches' or 'exists'",
      },
    ]);
  });

  it('reports numbers JSON cannot hold (YAML .nan and .inf) as values to compare or order against', () => {
    // Prepare
    const task = taskOf(run({ expect: [{ field: 'exitCode', equals: Number.NaN }, { field: 'exitCode', lessThan: Number.POSITIVE_INFINITY }] }));
    // Act
    const errors = check(expectRule, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'bad-condition', place: 'plot[0].expect[0].equals', message: 'expect can compare a field with a text, a number, true/false or null, not the number NaN' },
      { code: 'bad-condition', place: 'plot[0].expect[1].lessThan', message: 'expect can order a field against a number JSON can hold, not the number Infinity' },
    ]);
  });
});

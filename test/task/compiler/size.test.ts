/**
 * Definitions Step Functions can take (issue 10): at most 1,048,576 bytes, growing with the plot, not with its
 * square. Sizes are deterministic, so they are asserted in bytes; the figures per henchman are in the bench
 * (bench/compile.bench.ts), which builds the same plots.
 */
import { describe, expect, it } from 'vitest';
import { definitionBytes, plainTask, retreatTask } from '../../../bench/compile.bench.ts';
import { checkAsl } from '#task/check-asl';
import { compileTask } from '#task/compile';
import { conformanceErrors } from '#task/conformance';
import { parseTask } from '#task/parse';
import { checkShape } from '#task/rules/schema';

const MB = 1_048_576;

/** The task and its definition (measured before asl-validator, which writes into the object it checks). */
function compiled(source: string) {
  const task = checkShape(parseTask(source).value).task!;
  return { task, definition: compileTask(task) };
}

describe('the size of a compiled definition', () => {
  it('keeps 100 henchmen that all retreat to the first, with rollback, under 1 MB, valid and within every limit AWS checks at save time', () => {
    // Prepare: every move an ec2 launch (it polls) with `undo: terminate` and `onFailure: { retreat: move-0, times: 2 }`.
    const { task, definition } = compiled(retreatTask(100));
    // Act
    const bytes = Buffer.byteLength(JSON.stringify(definition), 'utf8');
    // Assess: 16.9 MB when each retreat unrolled its own undo of every move back to the first; 721,455 bytes now.
    expect(bytes).toBeLessThan(MB);
    expect(checkAsl(definition).errors).toStrictEqual([]);
    expect(conformanceErrors(task, definition)).toStrictEqual([]);
    // Each henchman's undo exists once, whatever the number of retreats over it.
    expect(Object.keys(definition.States).filter((name) => /^undo: move-\d+$/.test(name))).toHaveLength(100);
  });

  it('grows linearly: ten times the henchmen, about ten times the bytes', () => {
    expect(definitionBytes(retreatTask(1000)) / definitionBytes(retreatTask(100))).toBeLessThan(11);
    expect(definitionBytes(plainTask(1000)) / definitionBytes(plainTask(100))).toBeLessThan(11);
  });

  it('compiles 1,000 plain henchmen to a definition that asl-validator accepts and that meets every other limit AWS checks', () => {
    const { task, definition } = compiled(plainTask(1000));
    expect(checkAsl(definition).errors).toStrictEqual([]);
    expect(conformanceErrors(task, definition)).toStrictEqual([]);
  });

  // Each move's event shares the context built once at the start ($.context), so a plain henchman stays under 1 KB.
  it('keeps 1,000 plain henchmen under 1 MB', () => {
    const { task, definition } = compiled(plainTask(1000));
    expect(Buffer.byteLength(JSON.stringify(definition), 'utf8')).toBeLessThan(MB);
    expect(conformanceErrors(task, definition)).toStrictEqual([]);
  });
});

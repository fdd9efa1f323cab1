/**
 * `expect` judges the action's output: its fields are output fields, each condition compares something, with a
 * value of a type it can compare (equals: text, number, true/false or null; an order: number or text), and the
 * map form names at least one field. A field is output field names and list positions joined by dots.
 */
import { COMPARISONS } from '../schema.ts';
import type { Condition } from '../schema.ts';
import { describeValue, didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { actionOf } from './context.ts';
import type { Rule } from './context.ts';

/** A field: names and list positions joined by dots; it becomes a JSONPath (compiler/expect.ts, fieldPath). */
const FIELD_PATH = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/** What equals can compare a field with (a number that JSON can hold: not NaN or infinite, as YAML's .nan and .inf are). */
function scalar(value: unknown): boolean {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
}

const ORDERINGS = ['lessThan', 'lessThanOrEquals', 'greaterThan', 'greaterThanOrEquals'] as const;

function notComparable(path: (string | number)[], value: unknown): TaskError {
  return taskError('bad-condition', path, `expect can compare a field with a text, a number, true/false or null, not ${describeValue(value)}`);
}

export const expect: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const action = actionOf(henchman);
    if (!action || henchman.expect === undefined) return;
    const outputs = Object.keys(action.output);
    const checkField = (field: string, path: (string | number)[]) => {
      const head = field.split('.')[0]!;
      if (!FIELD_PATH.test(field)) {
        errors.push(
          taskError(
            'unknown-expect-field',
            path,
            `henchman '${henchman.name}' expects '${field}', but a field is written as output field names and list positions joined by dots (letters, digits, _ and -), such as stdout or nodes.0.name`,
          ),
        );
      } else if (!outputs.includes(head)) {
        errors.push(
          taskError(
            'unknown-expect-field',
            path,
            `henchman '${henchman.name}' expects '${field}', but ${henchman.provider} ${henchman.action} has no output '${head}'${didYouMean(head, outputs)}; its outputs are ${listWords(outputs, 'and')}`,
          ),
        );
      }
    };
    const visit = (condition: Condition, path: (string | number)[]) => {
      if ('all' in condition) condition.all.forEach((c, i) => visit(c, [...path, 'all', i]));
      else if ('any' in condition) condition.any.forEach((c, i) => visit(c, [...path, 'any', i]));
      else if ('not' in condition) visit(condition.not, [...path, 'not']);
      else {
        checkField(condition.field, [...path, 'field']);
        for (const comparison of ['equals', 'notEquals'] as const) {
          if (condition[comparison] !== undefined && !scalar(condition[comparison])) errors.push(notComparable([...path, comparison], condition[comparison]));
        }
        for (const comparison of ORDERINGS) {
          const value = condition[comparison] as unknown;
          if (typeof value === 'number' && !Number.isFinite(value)) {
            errors.push(taskError('bad-condition', [...path, comparison], `expect can order a field against a number JSON can hold, not ${describeValue(value)}`));
          }
        }
        if (!COMPARISONS.some((c) => condition[c] !== undefined)) {
          errors.push(
            taskError('bad-condition', path, `the condition on '${condition.field}' compares nothing: give one of ${listWords(COMPARISONS)}`),
          );
        }
      }
    };
    const base = ['plot', index, 'expect'];
    if (Array.isArray(henchman.expect)) henchman.expect.forEach((c, i) => visit(c, [...base, i]));
    else {
      const fields = Object.keys(henchman.expect);
      if (fields.length === 0) {
        errors.push(taskError('bad-condition', base, `henchman '${henchman.name}' expects nothing: name at least one output field and the value it must equal, or leave expect out`));
      }
      for (const field of fields) {
        checkField(field, [...base, field]);
        const value = (henchman.expect as Record<string, unknown>)[field];
        if (!scalar(value)) errors.push(notComparable([...base, field], value));
      }
    }
  });
  return errors;
};

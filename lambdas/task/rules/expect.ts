/** `expect` judges the action's output: its fields are output fields, and each condition compares something. */
import { COMPARISONS } from '../schema.ts';
import type { Condition } from '../schema.ts';
import { didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { actionOf } from './context.ts';
import type { Rule } from './context.ts';

export const expect: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const action = actionOf(henchman);
    if (!action || henchman.expect === undefined) return;
    const outputs = Object.keys(action.output);
    const checkField = (field: string, path: (string | number)[]) => {
      const head = field.split('.')[0]!;
      if (!outputs.includes(head)) {
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
        if (!COMPARISONS.some((c) => condition[c] !== undefined)) {
          errors.push(
            taskError('bad-condition', path, `the condition on '${condition.field}' compares nothing: give one of ${listWords(COMPARISONS)}`),
          );
        }
      }
    };
    const base = ['plot', index, 'expect'];
    if (Array.isArray(henchman.expect)) henchman.expect.forEach((c, i) => visit(c, [...base, i]));
    else for (const field of Object.keys(henchman.expect)) checkField(field, [...base, field]);
  });
  return errors;
};

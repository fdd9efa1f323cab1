/** A `fire` henchman does not wait for its result, so nothing can judge it, undo it or gather its items. */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

const CONFLICTS = [
  ['expect', 'expect judges a result that is never waited for'],
  ['undo', 'undo takes back a move whose result is never known'],
  ['each', 'each gathers the result of every item, and fire waits for none'],
] as const;

export const fire: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    if (henchman.fire !== true) return;
    for (const [field, why] of CONFLICTS) {
      if (henchman[field] !== undefined) {
        errors.push(
          taskError('fire-conflict', ['plot', index, field], `henchman '${henchman.name}' is fired (fire: true) and has ${field}, but ${why}: drop one of them`),
        );
      }
    }
  });
  return errors;
};

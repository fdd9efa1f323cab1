/** `each` is a whole reference to a list; `concurrency` only means something with `each`. */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { referenceType, wholeReferenceIn } from './context.ts';
import type { Rule } from './context.ts';
import { typeWords } from './input-types.ts';

const LISTS = new Set(['string[]', 'integer[]', 'object[]', 'list', 'unknown']);

export const each: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const who = `henchman '${henchman.name}'`;
    if (henchman.concurrency !== undefined && henchman.each === undefined) {
      errors.push(
        taskError('concurrency-without-each', ['plot', index, 'concurrency'], `${who} sets concurrency without each: concurrency limits how many items of an each run at once`),
      );
    }
    if (henchman.each === undefined) return;
    const reference = wholeReferenceIn(henchman.each, ctx);
    if (!reference) {
      errors.push(
        taskError('each-not-list', ['plot', index, 'each'], `${who} has each: '${henchman.each}', but each must be exactly one reference to a list, such as \${params.hosts} or \${search.hosts}`),
      );
      return;
    }
    if (reference.root === 'item') return; // reported by the references rule
    if (reference.root === 'project' || reference.root === 'secret' || reference.root === 'execution') {
      errors.push(
        taskError('each-not-list', ['plot', index, 'each'], `${who} has each: ${reference.text}, but each plays over a list in the execution: a param, a trigger field or a henchman's output`),
      );
      return;
    }
    const type = referenceType(reference, ctx, henchman);
    if (!LISTS.has(type)) {
      errors.push(taskError('each-not-list', ['plot', index, 'each'], `${who} plays once per item of ${reference.text}, but that is ${typeWords(type)}, not a list`));
    }
  });
  return errors;
};

/** Henchman names are unique in a task: they are state names and the heads of references. */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

export const duplicateNames: Rule = (task) => {
  const errors: TaskError[] = [];
  const first = new Map<string, number>();
  task.plot.forEach((henchman, index) => {
    const earlier = first.get(henchman.name);
    if (earlier === undefined) first.set(henchman.name, index);
    else {
      errors.push(
        taskError('duplicate-name', ['plot', index, 'name'], `the name '${henchman.name}' is already taken by plot[${earlier}]: henchman names must be unique in a task`),
      );
    }
  });
  return errors;
};

/**
 * Map keys in `with` (and an undo's `with`) reach the state machine as keys of a Parameters template, where a key
 * ending in `.$` is read as a JSONPath or an intrinsic function: a key written so would make Step Functions read
 * its value as a path into the execution (and clash with the key the compiler writes for a reference). Such a
 * key, at any depth, is an error.
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

function reservedKeys(value: unknown, path: (string | number)[], errors: TaskError[]): void {
  // Depth is bounded before the rules run (../depth.ts): the recursion is at most MAX_DEPTH deep.
  if (Array.isArray(value)) value.forEach((item, i) => reservedKeys(item, [...path, i], errors));
  else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (key.endsWith('.$')) {
        errors.push(taskError('reserved-key', [...path, key], `the key '${key}' ends with '.$', which Step Functions reads as a path: name it otherwise`));
      }
      reservedKeys((value as Record<string, unknown>)[key], [...path, key], errors);
    }
  }
}

export const payloadKeys: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    reservedKeys(henchman.with, ['plot', index, 'with'], errors);
    if (henchman.undo !== undefined && typeof henchman.undo === 'object') reservedKeys(henchman.undo.with, ['plot', index, 'undo', 'with'], errors);
  });
  return errors;
};

/**
 * Names: the task, its project and its henchmen are lower-case words with dashes (NAME_PATTERN); a henchman
 * cannot take a name that references or `next` already give a meaning; param names must be usable in
 * `${params.<name>}`.
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { NAME_PATTERN } from '../schema.ts';
import type { Rule } from './context.ts';

/** Names a henchman cannot take: reference roots, and the targets `next: end` / failure. */
export const RESERVED_NAMES = ['params', 'project', 'execution', 'trigger', 'item', 'secret', 'raw', 'end', 'fail'] as const;

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NAME_RULE = 'lower-case letters, digits and dashes, starting and ending with a letter or digit, at most 64 characters';

export const names: Rule = (task) => {
  const errors: TaskError[] = [];
  const check = (name: string, path: (string | number)[], what: string) => {
    if (!NAME_PATTERN.test(name)) errors.push(taskError('bad-name', path, `${what} '${name}' is not a valid name: use ${NAME_RULE}`));
  };
  check(task.task, ['task'], 'the task name');
  if (task.project !== undefined) check(task.project, ['project'], 'the project name');
  task.plot.forEach((henchman, index) => {
    const path = ['plot', index, 'name'];
    check(henchman.name, path, 'the henchman name');
    if ((RESERVED_NAMES as readonly string[]).includes(henchman.name)) {
      errors.push(
        taskError('reserved-name', path, `a henchman cannot be called '${henchman.name}': that word already has a meaning in references or in next/onFailure`),
      );
    } else if (henchman.name in Object.prototype) {
      errors.push(
        taskError('reserved-name', path, `a henchman cannot be called '${henchman.name}': the name of a member of every JavaScript object confuses the tools that check state machines`),
      );
    }
  });
  for (const name of Object.keys(task.params ?? {})) {
    if (!PARAM_NAME.test(name)) {
      errors.push(
        taskError('bad-name', ['params', name], `the param name '${name}' cannot be used in \${params.${name}}: use letters, digits, '_' and '-', starting with a letter or '_'`),
      );
    }
  }
  return errors;
};

/**
 * Shell fields (ssh command and script, chef installCommand) reach the provider as a template whose
 * placeholders are `{{0}}`, `{{1:raw}}` (see lambdas/providers/shell.ts); the same text written literally
 * in the task would be taken for a placeholder.
 */
import { PLACEHOLDER } from '#providers/shell';
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { stringSites } from './context.ts';
import type { Rule } from './context.ts';

export const shell: Rule = (task) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if (!site.input?.field?.shell) continue;
    const literal = site.parsed.parts.filter((p): p is string => typeof p === 'string').join('\u0000');
    const found = literal.match(new RegExp(PLACEHOLDER.source))?.[0];
    if (found) {
      errors.push(
        taskError(
          'shell-placeholder',
          site.path,
          `the input '${site.input.name}' of henchman '${site.henchman.name}' contains '${found}', which Mastermind uses to mark the values put into a command: write it another way (for example '{''{0}}' in the shell)`,
        ),
      );
    }
  }
  return errors;
};

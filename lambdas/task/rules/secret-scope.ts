/**
 * Projects are kept apart: a task of project P names only its own secrets (`<secretsPath>P/...`) or the shared ones
 * the stack names (../secret-layout.ts). Every secret reference of the task is checked, wherever it stands.
 *
 *   ${secret:/mastermind/web/ssh-key}      in project web: fine
 *   ${secret:/mastermind/_shared/token}    in any project: fine
 *   ${secret:/mastermind/db/ssh-key}       in project web: secret-outside-project
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { secretAllowed, secretPathsSentence } from '../secret-layout.ts';
import { stringSites } from './context.ts';
import type { Rule } from './context.ts';

export const secretScope: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    for (const part of site.parsed.parts) {
      if (typeof part === 'string' || part.root !== 'secret' || secretAllowed(part.secret!, ctx.projectName, ctx.secretLayout)) continue;
      errors.push(
        taskError(
          'secret-outside-project',
          site.path,
          `${part.text} is not one of project ${ctx.projectName}'s secrets: ${secretPathsSentence(ctx.projectName, ctx.secretLayout)}`,
        ),
      );
    }
  }
  return errors;
};

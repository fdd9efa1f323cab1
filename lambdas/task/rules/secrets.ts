/**
 * Secret inputs (the SSH key, the Chef client key) are given as references, `${secret:/ssm/name}` or a
 * project setting, never as text in the task: the task is stored and shown, a secret must not be.
 * A secret reference in any other field is allowed.
 */
import { findAction } from '../catalog.ts';
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { stringSites } from './context.ts';
import type { Rule } from './context.ts';

export const secrets: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if (!site.input?.field?.secret || site.parsed.errors.length > 0) continue;
    const whole = site.parsed.parts.length === 1 && typeof site.parsed.parts[0] !== 'string';
    if (whole) continue;
    errors.push(
      taskError(
        'secret-not-reference',
        site.path,
        `the input '${site.input.name}' of henchman '${site.henchman.name}' holds a secret, so it must be a reference such as \${secret:${ctx.secretLayout.path}${ctx.projectName}/${site.input.name}} (an SSM SecureString), not text written in the task`,
      ),
    );
  }
  return errors;
};

/** Whether an input of an action holds a secret (for callers that show tasks). */
export function isSecretInput(provider: string, action: string, input: string): boolean {
  return findAction(provider, action)?.input[input]?.secret === true;
}

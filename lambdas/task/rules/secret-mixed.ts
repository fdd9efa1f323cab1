/**
 * A secret resolves only where the task's source names it: the compiler marks the string that holds it, and the
 * provider puts the secret into that string (SecretMark, ../../providers/contract.ts). A string that also holds a
 * run-time reference (params, trigger, an output, an item, the execution) is only known at run time, so no mark can
 * say where the secret stands in it: such a string is refused. Shell fields (ssh `command`, ...) keep each value
 * apart from the command's text, so a secret may stand among run-time values there.
 *
 *   key: ${secret:/mastermind/web/ssh-key}                  fine (the secret alone, or with literal text)
 *   command: login ${params.user} ${secret:/mastermind/web/pw}   fine (shell field)
 *   token: ${params.user}:${secret:/mastermind/web/pw}      secret-with-reference
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Reference } from '../references.ts';
import { stringSites } from './context.ts';
import type { Rule } from './context.ts';

export const secretMixed: Rule = (task) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if ((site.area !== 'with' && site.area !== 'undo') || site.parsed.errors.length > 0) continue;
    // A shell field's own string (not a string inside a list or map given to it): its values are kept apart.
    const fieldItself = site.path.length === (site.area === 'with' ? 4 : 5);
    if (site.input?.field?.shell === true && fieldItself) continue;
    const references = site.parsed.parts.filter((part): part is Reference => typeof part !== 'string');
    const secret = references.find((r) => r.root === 'secret');
    const runtime = references.find((r) => r.root !== 'secret' && r.root !== 'project');
    if (!secret || !runtime) continue;
    errors.push(
      taskError(
        'secret-with-reference',
        site.path,
        `${secret.text} shares a string with the run-time reference ${runtime.text}: a secret resolves only in a string that holds nothing known at run time, so give it a field of its own (in a shell command, values are kept apart and may be mixed)`,
      ),
    );
  }
  return errors;
};

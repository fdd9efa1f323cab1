/**
 * A reference inside a longer string is formatted into it (States.Format), which takes single values only: a list
 * or a map there is an error. Shell fields are not formatted (their values travel apart and reach the command as
 * JSON text), and a whole-value reference keeps any type.
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { wholeReference } from '../references.ts';
import { referenceType, stringSites } from './context.ts';
import type { Rule } from './context.ts';
import { typeWords } from './input-types.ts';

const NOT_TEXT = new Set(['string[]', 'integer[]', 'object[]', 'list', 'map', 'object']);

export const formattedReferences: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if (site.input?.field?.shell || site.parsed.errors.length > 0 || wholeReference(site.parsed)) continue;
    for (const part of site.parsed.parts) {
      if (typeof part === 'string') continue;
      const type = referenceType(part, ctx, site.henchman);
      if (!NOT_TEXT.has(type)) continue;
      errors.push(
        taskError(
          'reference-not-text',
          site.path,
          `henchman '${site.henchman.name}' formats ${part.text} into a longer text, but it is ${typeWords(type)}: only a single value can stand inside text; give it as the whole value, or refer to ${type.endsWith('[]') || type === 'list' ? `one item such as ${part.text.replace(/\}$/, '[0]}')}` : 'one of its fields'}`,
        ),
      );
    }
  }
  return errors;
};

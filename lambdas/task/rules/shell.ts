/**
 * Shell fields (ssh command and script, chef installCommand) reach the provider as a template whose
 * placeholders are `{{0}}`, `{{1:raw}}` (see lambdas/providers/shell.ts); the same text written literally
 * in the task would be taken for a placeholder. A reference inside single quotes cannot be put into the
 * command safely (the shell expands nothing there), so the provider refuses it: this rule says so at compile time.
 */
import { PLACEHOLDER, renderShellCommand } from '#providers/shell';
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { stringSites } from './context.ts';
import type { Rule } from './context.ts';
import type { Reference } from '../references.ts';

/** PLACEHOLDER without its global flag: the first match, with nothing kept between two searches. */
const FIRST_PLACEHOLDER = new RegExp(PLACEHOLDER.source);

export const shell: Rule = (task) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if (!site.input?.field?.shell) continue;
    const literal = site.parsed.parts.filter((p): p is string => typeof p === 'string').join('\u0000');
    const quoted = referenceInSingleQuotes(site.parsed.parts);
    if (quoted) {
      errors.push(
        taskError(
          'shell-reference-quoted',
          site.path,
          `the input '${site.input.name}' of henchman '${site.henchman.name}' puts ${quoted} inside single quotes, where the shell expands nothing: remove the quotes around it (values put into a command are quoted for you)`,
        ),
      );
    }
    const found = literal.match(FIRST_PLACEHOLDER)?.[0];
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

/**
 * The first reference (its text) that stands inside single quotes, judged the way the provider renders it:
 * each quoted (not raw) reference in turn is rendered as a placeholder, the others as empty raw text.
 */
function referenceInSingleQuotes(parts: readonly (string | Reference)[]): string | undefined {
  // Only a single quote in the text opens single quotes: without one, no reference can stand inside them.
  if (!parts.some((part) => typeof part === 'string' && part.includes("'"))) return undefined;
  const references = parts.filter((p): p is Reference => typeof p !== 'string');
  for (const candidate of references) {
    if (candidate.raw) continue;
    const template = parts
      .map((part) => (typeof part === 'string' ? part.replace(/\{\{/g, '{ {') : part === candidate ? '{{0}}' : ''))
      .join('');
    try {
      renderShellCommand({ template, values: { 0: '' } });
    } catch {
      return candidate.text;
    }
  }
  return undefined;
}

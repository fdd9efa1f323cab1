/** Every henchman names a provider of the catalog and one of its actions. */
import { catalog, PROVIDER_NAMES } from '../catalog.ts';
import type { ProviderSpec } from '../catalog.ts';
import { didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

export const providers: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const spec = Object.hasOwn(catalog, henchman.provider) ? (catalog as Record<string, ProviderSpec>)[henchman.provider] : undefined;
    if (!spec) {
      errors.push(
        taskError(
          'unknown-provider',
          ['plot', index, 'provider'],
          `henchman '${henchman.name}' uses the provider '${henchman.provider}', which does not exist${didYouMean(henchman.provider, PROVIDER_NAMES)}; the providers are ${listWords(PROVIDER_NAMES, 'and')}`,
        ),
      );
      return;
    }
    if (!Object.hasOwn(spec.actions, henchman.action)) {
      const actions = Object.keys(spec.actions);
      errors.push(
        taskError(
          'unknown-action',
          ['plot', index, 'action'],
          `the provider '${henchman.provider}' has no action '${henchman.action}'${didYouMean(henchman.action, actions)}; its actions are ${listWords(actions, 'and')}`,
        ),
      );
    }
  });
  return errors;
};

/**
 * Undo: the action is one of the henchman's provider, and its input can be satisfied.
 *
 * - `undo: <action>` feeds the undo action with the henchman's output; inputs of the same name in the
 *   henchman's `with` (region, host, user, key, ...) and the project settings fill what the output lacks.
 * - `undo: { action, with }` gives the input explicitly: its `with` (and the project settings) must hold
 *   every required input, and only inputs of the action.
 */
import { catalog, findAction } from '../catalog.ts';
import type { ActionSpec, ProviderSpec } from '../catalog.ts';
import { didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { actionOf, inputGiven } from './context.ts';
import type { Rule, RuleContext } from './context.ts';
import { oneOfErrors, unknownInputs } from './inputs.ts';

export const undo: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    if (henchman.undo === undefined) return;
    const spec = Object.hasOwn(catalog, henchman.provider) ? (catalog as Record<string, ProviderSpec>)[henchman.provider] : undefined;
    const action = actionOf(henchman);
    if (!spec || !action) return; // reported by the providers rule
    const explicit = typeof henchman.undo === 'object';
    const name = typeof henchman.undo === 'string' ? henchman.undo : henchman.undo.action;
    const path = explicit ? ['plot', index, 'undo', 'action'] : ['plot', index, 'undo'];
    const undoAction = findAction(henchman.provider, name);
    if (!undoAction) {
      const actions = Object.keys(spec.actions);
      const suggestion = action.undoneBy ? `; ${henchman.action} is undone by '${action.undoneBy}'` : didYouMean(name, actions);
      errors.push(
        taskError('unknown-undo-action', path, `henchman '${henchman.name}' is undone by '${name}', but the provider '${henchman.provider}' has no such action${suggestion}`),
      );
      return;
    }
    const where = `the undo of henchman '${henchman.name}' (${henchman.provider} ${name})`;
    if (typeof henchman.undo === 'object') {
      const given = henchman.undo.with ?? {};
      const withPath = ['plot', index, 'undo', 'with'];
      errors.push(...unknownInputs(undoAction, given, withPath, where));
      errors.push(...missing(undoAction, (field) => inputGiven(field, given, undoAction.input[field]!, ctx.project), ctx, withPath, where, 'its with'));
      errors.push(...oneOfErrors(undoAction, given, withPath, where));
    } else {
      const fromOutput = (field: string) =>
        Object.hasOwn(action.output, field) || inputGiven(field, henchman.with, undoAction.input[field]!, ctx.project);
      errors.push(...missing(undoAction, fromOutput, ctx, path, where, `the output of ${henchman.provider} ${henchman.action} or the henchman's with`));
      for (const group of undoAction.oneOf ?? []) {
        if (!group.some(fromOutput)) {
          errors.push(taskError('undo-input-unsatisfied', path, `${where} needs one of ${listWords(group)}, and neither the output of ${henchman.provider} ${henchman.action} nor the henchman's with has one: write undo: { action: ${name}, with: {...} }`));
        }
      }
    }
  });
  return errors;
};

function missing(
  undoAction: ActionSpec,
  given: (field: string) => boolean,
  ctx: RuleContext,
  path: (string | number)[],
  where: string,
  source: string,
): TaskError[] {
  return Object.entries(undoAction.input)
    .filter(([field, spec]) => spec.required && !given(field) && !(spec.projectSetting && ctx.project === undefined))
    .map(([field]) => taskError('undo-input-unsatisfied', path, `${where} needs the input '${field}', which ${source} does not give`));
}

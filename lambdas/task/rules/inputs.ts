/**
 * Inputs: every required input of the action is given (in `with`, or by the project settings when they are
 * known), every field of `with` is an input of the action, and exactly one field of each oneOf group is
 * given. The same goes for the fields of `undo: { action, with }`, except required ones (see undo.ts).
 */
import type { ActionSpec, InputField } from '../catalog.ts';
import { didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { actionOf, inputGiven } from './context.ts';
import type { Rule } from './context.ts';

/** The required inputs of an action, read once per action (the catalog is fixed). */
const requiredOf = new WeakMap<ActionSpec, [string, InputField][]>();

function requiredInputs(action: ActionSpec): [string, InputField][] {
  let required = requiredOf.get(action);
  if (!required) requiredOf.set(action, (required = Object.entries(action.input).filter(([, field]) => field.required === true)));
  return required;
}

export const inputs: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const action = actionOf(henchman);
    if (!action) return;
    const given = henchman.with ?? {};
    const where = `henchman '${henchman.name}' (${henchman.provider} ${henchman.action})`;
    errors.push(...unknownInputs(action, given, ['plot', index, 'with'], where));
    const missing = requiredInputs(action)
      .filter(([name, field]) => !inputGiven(name, given, field, ctx.project))
      .filter(([, field]) => !(field.projectSetting && ctx.project === undefined));
    for (const [name, field] of missing) {
      const hint = field.projectSetting ? ', and the project settings do not give it either' : '';
      errors.push(taskError('missing-input', ['plot', index, 'with', name], `${where} needs the input '${name}' (${lowerFirst(field.description.replace(/\.$/, ''))})${hint}`));
    }
    errors.push(...oneOfErrors(action, given, ['plot', index, 'with'], where));
  });
  return errors;
};

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

export function unknownInputs(action: ActionSpec, given: Record<string, unknown>, path: (string | number)[], where: string): TaskError[] {
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(action.input, name));
  if (unknown.length === 0) return [];
  const known = Object.keys(action.input);
  return unknown.map((name) =>
    taskError('unknown-input', [...path, name], `${where} has no input '${name}'${didYouMean(name, known)}; its inputs are ${listWords(known, 'and')}`),
  );
}

export function oneOfErrors(action: ActionSpec, given: Record<string, unknown>, path: (string | number)[], where: string): TaskError[] {
  const errors: TaskError[] = [];
  for (const group of action.oneOf ?? []) {
    const present = group.filter((name) => given[name] !== undefined && given[name] !== null);
    if (present.length === 1) continue;
    if (present.length === 0) {
      errors.push(taskError('one-of-inputs', path, `${where} needs one of the inputs ${listWords(group)}, and none is given`));
    } else {
      errors.push(taskError('one-of-inputs', [...path, present[1]!], `${where} takes only one of the inputs ${listWords(group)}, but ${listWords(present, 'and')} are given`));
    }
  }
  return errors;
}

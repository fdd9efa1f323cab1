/**
 * Input types: literal values must have the type the catalog gives the input (FieldType); a whole-value
 * reference must stand for a value of that type where its type is known; a text with references inside is
 * text. Inputs with an enum take only its values.
 */
import { findAction } from '../catalog.ts';
import type { FieldType, InputField } from '../catalog.ts';
import { describeValue, didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Henchman } from '../schema.ts';
import { actionOf, elementType, referenceType } from './context.ts';
import type { Rule, RuleContext, ValueType } from './context.ts';
import { wholeReference } from '../references.ts';

const TYPE_WORDS: Record<ValueType, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  duration: 'a duration such as 30s, 10m or 1h',
  'string[]': 'a list of texts',
  'integer[]': 'a list of whole numbers',
  map: 'a map of texts (name: value)',
  object: 'a map',
  'object[]': 'a list of maps',
  list: 'a list',
  unknown: 'a value',
};

export function typeWords(type: ValueType): string {
  return TYPE_WORDS[type];
}

/** Whether a value of type `source` may fill an input of type `target`. */
export function assignable(target: ValueType, source: ValueType): boolean {
  if (source === 'unknown' || target === 'unknown' || source === target) return true;
  if (target === 'number' && source === 'integer') return true;
  if ((target === 'string' && source === 'duration') || (target === 'duration' && source === 'string')) return true;
  if ((target === 'map' || target === 'object') && (source === 'map' || source === 'object')) return true;
  if (source === 'list') return target === 'string[]' || target === 'integer[]' || target === 'object[]' || target === 'list';
  if (target === 'list') return source === 'string[]' || source === 'integer[]' || source === 'object[]';
  return false;
}

/** Why a value does not fit the type, or undefined when it does (or cannot be known before running). */
function mismatch(value: unknown, type: FieldType | 'unknown', ctx: RuleContext, henchman: Henchman): string | undefined {
  if (type === 'unknown') return undefined;
  if (value === null) return 'has no value';
  if (typeof value === 'string') {
    const parsed = ctx.template(value);
    if (parsed.errors.length > 0) return undefined; // the references rule reports it
    const reference = wholeReference(parsed);
    if (reference) {
      const source = referenceType(reference, ctx, henchman);
      return assignable(type, source) ? undefined : `gets ${reference.text}, which is ${typeWords(source)}`;
    }
    return type === 'string' || type === 'duration' ? undefined : `is ${describeValue(value)}`;
  }
  const element = elementType(type);
  switch (type) {
    case 'string':
    case 'duration':
      return `is ${describeValue(value)}`;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? undefined : `is ${describeValue(value)}`;
    case 'number':
      return typeof value === 'number' ? undefined : `is ${describeValue(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `is ${describeValue(value)}`;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return `is ${describeValue(value)}`;
      const wrong = Object.entries(value).find(([, v]) => typeof v !== 'string');
      return wrong ? `has ${describeValue(wrong[1])} for '${wrong[0]}' (write it in quotes to make it text)` : undefined;
    }
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? undefined : `is ${describeValue(value)}`;
    default: {
      if (!Array.isArray(value) || !element || element === 'unknown') return Array.isArray(value) ? undefined : `is ${describeValue(value)}`;
      for (const [i, item] of value.entries()) {
        const why = mismatch(item, element as FieldType, ctx, henchman);
        if (why) return `has an item [${i}] that ${why}`;
      }
      return undefined;
    }
  }
}

function fieldErrors(
  given: Record<string, unknown>,
  fields: Readonly<Record<string, InputField>>,
  path: (string | number)[],
  where: string,
  ctx: RuleContext,
  henchman: Henchman,
): TaskError[] {
  const errors: TaskError[] = [];
  for (const [name, value] of Object.entries(given)) {
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!field) continue;
    const why = mismatch(value, field.type, ctx, henchman);
    if (why) {
      errors.push(taskError('wrong-input-type', [...path, name], `the input '${name}' of ${where} must be ${typeWords(field.type)}, but it ${why}`));
      continue;
    }
    if (field.enum && typeof value === 'string' && ctx.template(value).parts.every((p) => typeof p === 'string') && !field.enum.includes(value)) {
      errors.push(
        taskError('not-in-enum', [...path, name], `the input '${name}' of ${where} must be ${listWords(field.enum)}, not '${value}'${didYouMean(value, field.enum)}`),
      );
    }
  }
  return errors;
}

export const inputTypes: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  task.plot.forEach((henchman, index) => {
    const action = actionOf(henchman);
    if (action && henchman.with) {
      errors.push(...fieldErrors(henchman.with, action.input, ['plot', index, 'with'], `henchman '${henchman.name}'`, ctx, henchman));
    }
    if (henchman.undo !== undefined && typeof henchman.undo === 'object' && henchman.undo.with) {
      const undo = findAction(henchman.provider, henchman.undo.action);
      if (undo) {
        errors.push(...fieldErrors(henchman.undo.with, undo.input, ['plot', index, 'undo', 'with'], `the undo of henchman '${henchman.name}'`, ctx, henchman));
      }
    }
  });
  return errors;
};

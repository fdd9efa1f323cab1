/** Params: a default has the param's type and is one of its enum values; enum values have the param's type. */
import { describeValue, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { ParamType } from '../schema.ts';
import type { Rule } from './context.ts';

const PARAM_TYPE_WORDS: Record<ParamType, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  list: 'a list',
  map: 'a map',
};

export function fitsParamType(value: unknown, type: ParamType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

export const params: Rule = (task) => {
  const errors: TaskError[] = [];
  for (const [name, param] of Object.entries(task.params ?? {})) {
    if (!Object.hasOwn(PARAM_TYPE_WORDS, param.type)) continue; // the schema reports it
    const words = PARAM_TYPE_WORDS[param.type];
    const badEnum = (param.enum ?? []).findIndex((value) => !fitsParamType(value, param.type));
    if (badEnum >= 0) {
      errors.push(
        taskError('wrong-param-type', ['params', name, 'enum', badEnum], `the param '${name}' is ${words}, but its enum holds ${describeValue(param.enum![badEnum])}`),
      );
    }
    if (param.default === undefined) continue;
    if (!fitsParamType(param.default, param.type)) {
      errors.push(
        taskError('wrong-param-type', ['params', name, 'default'], `the param '${name}' is ${words}, but its default is ${describeValue(param.default)}`),
      );
    } else if (param.enum && !param.enum.includes(param.default as string | number)) {
      errors.push(
        taskError('not-in-enum', ['params', name, 'default'], `the default of the param '${name}' must be one of its enum values ${listWords(param.enum.map(String))}, not ${describeValue(param.default)}`),
      );
    }
  }
  return errors;
};

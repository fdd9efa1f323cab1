/**
 * Checks a provider event's input against the catalog: unknown fields, missing required fields, types, enums,
 * oneOf groups; applies the catalog's defaults. Every problem is reported at once in one InvalidError.
 */
import type { ActionSpec, FieldType, InputField } from '#task/catalog';
import { parseDuration } from '#task/duration';
import { InvalidError } from './contract.ts';
import { isShellCommand } from './shell.ts';

function isStringMap(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

const TYPE_CHECKS: Record<FieldType, (value: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  duration: (v) => typeof v === 'string' && parseDuration(v) !== undefined,
  'string[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'integer[]': (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x)),
  map: isStringMap,
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'object[]': (v) => Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)),
};

const TYPE_WORDS: Record<FieldType, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  duration: 'a duration such as 30s, 10m or 1h',
  'string[]': 'a list of strings',
  'integer[]': 'a list of whole numbers',
  map: 'a map of strings to strings',
  object: 'an object',
  'object[]': 'a list of objects',
};

function fieldProblem(name: string, field: InputField, value: unknown): string | undefined {
  if (field.shell && isShellCommand(value)) return undefined;
  if (!TYPE_CHECKS[field.type](value)) return `${name} must be ${TYPE_WORDS[field.type]}`;
  if (field.enum && !field.enum.includes(value as string)) return `${name} must be one of ${field.enum.join(', ')}`;
  return undefined;
}

/** The input with defaults applied; throws InvalidError naming every problem. */
export function checkInput(
  provider: string,
  action: string,
  spec: ActionSpec,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const problems: string[] = [];
  const checked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const field = spec.input[name];
    if (!field) {
      problems.push(`${name} is not an input of ${provider} ${action}`);
      continue;
    }
    if (value === undefined || value === null) continue;
    const problem = fieldProblem(name, field, value);
    if (problem) problems.push(problem);
    checked[name] = value;
  }
  for (const [name, field] of Object.entries(spec.input)) {
    if (checked[name] !== undefined) continue;
    if (field.default !== undefined) checked[name] = structuredClone(field.default);
    else if (field.required) problems.push(`${name} is required`);
  }
  for (const group of spec.oneOf ?? []) {
    const given = group.filter((name) => checked[name] !== undefined);
    if (given.length !== 1) {
      problems.push(
        given.length === 0 ? `one of ${group.join(', ')} is required` : `give only one of ${given.join(', ')}`,
      );
    }
  }
  if (problems.length > 0) {
    throw new InvalidError(`invalid input for ${provider} ${action}: ${problems.join('; ')}`);
  }
  return checked;
}

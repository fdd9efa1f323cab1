/**
 * Execution params, checked against the task's param declarations before an execution starts, so a
 * wrong type is a 400 with its place rather than a failed execution.
 */
import type { Param } from '#task/schema';
import type { ErrorDetail } from './errors.ts';
import { ServiceError } from './errors.ts';

function typeProblem(param: Param, value: unknown): string | undefined {
  switch (param.type) {
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'list':
      return Array.isArray(value) ? undefined : 'must be a list';
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'must be a map';
  }
}

/** Every problem with the params at once; an empty list when they are fine. */
export function paramProblems(declared: Readonly<Record<string, Param>>, given: unknown): ErrorDetail[] {
  if (given === undefined || given === null) given = {};
  if (typeof given !== 'object' || Array.isArray(given)) return [{ place: 'params', message: 'must be a map of param names to values' }];
  const values = given as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      problems.push({
        place: `params.${name}`,
        message: `the task has no param ${name}${known.length > 0 ? ` (it has: ${known.join(', ')})` : ' (it takes none)'}`,
      });
    }
  }
  for (const [name, param] of Object.entries(declared)) {
    const place = `params.${name}`;
    if (!Object.hasOwn(values, name) || values[name] === undefined) {
      if (param.default === undefined) problems.push({ place, message: `is required (${/^[aeiou]/.test(param.type) ? 'an' : 'a'} ${param.type} without a default)` });
      continue;
    }
    const value = values[name];
    const problem = typeProblem(param, value);
    if (problem) {
      problems.push({ place, message: problem });
      continue;
    }
    if (param.enum && !param.enum.includes(value as string | number)) {
      problems.push({ place, message: `must be one of ${param.enum.map((v) => JSON.stringify(v)).join(', ')}` });
    }
  }
  return problems;
}

export function checkParams(declared: Readonly<Record<string, Param>>, given: unknown): Record<string, unknown> {
  const problems = paramProblems(declared, given);
  if (problems.length > 0) throw new ServiceError('InvalidParams', 'The params do not fit the task.', problems);
  return (given ?? {}) as Record<string, unknown>;
}

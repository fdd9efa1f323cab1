/**
 * The first rule: the task's shape against the zod schema (lambdas/task/schema.ts), each issue turned into a
 * TaskError a person understands: unknown fields (with "did you mean"), missing fields, wrong types,
 * values out of range or not among the allowed ones.
 *
 * Also salvages what is well-formed from a task whose shape is wrong, so the other rules can still report
 * their errors in the same pass.
 */
import type { z } from 'zod';
import { describeValue, didYouMean, formatPlace, listWords, taskError } from '../errors.ts';
import type { PlacePath, TaskError } from '../errors.ts';
import { henchmanSchema, paramSchema, taskSchema } from '../schema.ts';
import type { Task } from '../schema.ts';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** The shape errors of a task value; [] when it matches the schema. */
export function schemaErrors(value: unknown): TaskError[] {
  return checkShape(value).errors;
}

/** The task when the value matches the schema (zod's parse of it), else the shape errors: one pass of zod. */
export function checkShape(value: unknown): { task: Task; errors: [] } | { task?: undefined; errors: TaskError[] } {
  const result = taskSchema.safeParse(value, { reportInput: true });
  if (result.success) return { task: result.data, errors: [] };
  return { errors: result.error.issues.flatMap((issue) => issueErrors(issue, [], value)) };
}

function issueErrors(issue: Issue, base: PlacePath, root: unknown): TaskError[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const input = 'input' in issue ? issue.input : valueAt(root, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = fieldsAt(path);
      return issue.keys.map((key) =>
        taskError(
          'unknown-field',
          [...path, key],
          `'${key}' is not a field of ${objectName(path)}${didYouMean(key, known)}; its fields are ${listWords(known, 'and')}`,
        ),
      );
    }
    case 'invalid_type': {
      if (input === undefined) {
        return [taskError('missing-field', path, `${objectName(path.slice(0, -1))} needs '${String(path[path.length - 1])}'`)];
      }
      return [taskError('wrong-type', path, `${fieldName(path)} must be ${typeName(issue.expected)}, not ${describeValue(input)}`)];
    }
    case 'invalid_value':
      return [
        taskError(
          'invalid-value',
          path,
          `${fieldName(path)} must be ${listWords(issue.values.map(String))}, not ${describeValue(input)}${
            typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : ''
          }`,
        ),
      ];
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      if (issue.origin === 'array') {
        const what = path[path.length - 1] === 'plot' ? 'henchman' : 'item';
        return [taskError('out-of-range', path, `${fieldName(path)} needs ${small ? 'at least' : 'at most'} ${bound} ${what}${Number(bound) === 1 ? '' : 's'}`)];
      }
      if (issue.origin === 'string' && typeof input === 'string') {
        return [taskError('out-of-range', path, `${fieldName(path)} must be ${small ? 'at least' : 'at most'} ${bound} characters long, not ${input.length}`)];
      }
      return [taskError('out-of-range', path, `${fieldName(path)} must be ${small ? 'at least' : 'at most'} ${bound}, not ${describeValue(input)}`)];
    }
    case 'invalid_union': {
      const branch = bestBranch(issue.errors as Issue[][]);
      if (branch) return branch.flatMap((inner) => issueErrors(inner, path, root));
      return [taskError('wrong-type', path, `${fieldName(path)} must be ${unionName(path)}, not ${describeValue(input)}`)];
    }
    default:
      return [taskError('invalid-value', path, `${fieldName(path)} is not valid: ${issue.message}`)];
  }
}

/**
 * The union branch the writer most likely meant: among the branches that accepted the value's kind (their
 * issues lie inside it), the one with the fewest issues. Undefined when every branch rejected the kind.
 */
function bestBranch(branches: Issue[][]): Issue[] | undefined {
  const insideKind = branches.filter((issues) =>
    issues.some((i) => i.path.length > 0 || (i.code !== 'invalid_type' && i.code !== 'invalid_value' && i.code !== 'invalid_union')),
  );
  if (insideKind.length === 0) return undefined;
  return insideKind.reduce((best, issues) => (issues.length < best.length ? issues : best));
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? `of type ${expected}`;
}

function unionName(path: PlacePath): string {
  const last = path[path.length - 1];
  if (last === 'onFailure') return "'abort', 'continue', { goto: <henchman> } or { retreat: <henchman>, times: <n> }";
  if (last === 'undo') return 'an action name or { action, with }';
  if (last === 'expect') return 'a map of output fields and values, or a list of conditions';
  return 'a condition: { field, <comparison> }, { all: [...] }, { any: [...] } or { not: ... }';
}

/** "the henchman plot[1]", "the task", "the param 'x'", for messages about an object at a place. */
function objectName(path: PlacePath): string {
  if (path.length === 0) return 'a task';
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 2 && path[0] === 'plot') return `a henchman (${formatPlace(path)})`;
  if (path.length === 2 && path[0] === 'params') return `a param (${formatPlace(path)})`;
  if (typeof last === 'number' || parent === 'all' || parent === 'any' || last === 'not') return `a condition (${formatPlace(path)})`;
  return `${formatPlace(path)}`;
}

function fieldName(path: PlacePath): string {
  return path.length === 0 ? 'the task' : formatPlace(path);
}

function valueAt(root: unknown, path: PlacePath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** The schemas a place can hold (several inside unions). */
function schemasAt(path: PlacePath): AnySchema[] {
  let current: AnySchema[] = [taskSchema];
  for (const segment of path) {
    current = current.flatMap(unwrap).flatMap((schema) => {
      const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'object') {
        const shape = def.shape as Record<string, AnySchema>;
        return typeof segment === 'string' && Object.hasOwn(shape, segment) ? [shape[segment]!] : [];
      }
      if (def.type === 'array') return typeof segment === 'number' ? [def.element as AnySchema] : [];
      if (def.type === 'record') return typeof segment === 'string' ? [def.valueType as AnySchema] : [];
      return [];
    });
  }
  return current.flatMap(unwrap);
}

function unwrap(schema: AnySchema): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable') return unwrap(def.innerType as AnySchema);
  if (def.type === 'lazy') return unwrap((def.getter as () => AnySchema)());
  if (def.type === 'union') return (def.options as AnySchema[]).flatMap(unwrap);
  return [schema];
}

/** The field names an object at a place may have. */
export function fieldsAt(path: PlacePath): string[] {
  const fields = new Set<string>();
  for (const schema of schemasAt(path)) {
    const def = schema._zod.def as unknown as { type: string; shape?: Record<string, unknown> };
    if (def.type === 'object' && def.shape) for (const key of Object.keys(def.shape)) fields.add(key);
  }
  return [...fields];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The well-formed part of a task value: every field that matches its own schema is kept, others are left
 * out (required text fields become ''), so the other rules can run on a task whose shape is partly wrong.
 * Their errors at places the schema already reported are dropped by the validator.
 */
export function salvageTask(value: unknown): Task | undefined {
  if (!isObject(value)) return undefined;
  const task = salvageObject(taskSchema, value, ['task', 'plot']) as Record<string, unknown>;
  if (typeof task.task !== 'string') task.task = '';
  if (isObject(value.params)) {
    const params: Record<string, unknown> = {};
    for (const [name, param] of Object.entries(value.params)) {
      if (isObject(param)) params[name] = salvageObject(paramSchema, param, []);
    }
    task.params = params;
  }
  const plot = Array.isArray(value.plot) ? value.plot : [];
  task.plot = plot.map((item) => {
    const henchman = salvageObject(henchmanSchema, isObject(item) ? item : {}, []);
    for (const key of ['name', 'provider', 'action'] as const) if (typeof henchman[key] !== 'string') henchman[key] = '';
    return henchman;
  });
  return task as Task;
}

function salvageObject(schema: z.ZodObject, value: Record<string, unknown>, skip: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, fieldSchema] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (skip.includes(key) || !Object.hasOwn(value, key) || value[key] === undefined) continue;
    const parsed = fieldSchema.safeParse(value[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  for (const key of skip) if (Object.hasOwn(value, key)) out[key] = value[key];
  return out;
}

/**
 * Validation: the task's shape (zod schema), then every rule of ./rules/, all errors at once.
 *
 *   checkTask(source)  = parseTask(source) → validateTask(value), with line and column filled in, in source order
 *   validateTask(value) = schema errors + rule errors (rules run on what could be salvaged when the shape is wrong)
 */
import type { ProjectSettings } from './catalog.ts';
import { MAX_DEPTH, valueDepth } from './depth.ts';
import { parsePlace } from './errors.ts';
import type { TaskError } from './errors.ts';
import { parseTask } from './parse.ts';
import type { SourceFormat } from './parse.ts';
import { makeContext } from './rules/context.ts';
import { rules } from './rules/index.ts';
import { checkShape, salvageTask } from './rules/schema.ts';
import type { Task } from './schema.ts';
import type { SecretLayout } from './secret-layout.ts';

export interface ValidateOptions {
  /** The project's settings: inputs they fill count as given. Left out, project-setting inputs are not reported missing. */
  project?: ProjectSettings;
  /** The project the task is saved in (its secrets' path); the task's own `project`, else "default", when left out. */
  projectName?: string;
  /** Where each project's secrets lie; DEFAULT_SECRET_LAYOUT (/mastermind/<project>/, /mastermind/_shared/) when left out. */
  secrets?: SecretLayout;
}

export interface Validation {
  /** Set only when there are no errors. */
  task?: Task;
  errors: TaskError[];
}

export function validateTask(value: unknown, options: ValidateOptions = {}): Validation {
  if (valueDepth(value) > MAX_DEPTH) {
    return { errors: [{ code: 'too-deep', place: '', message: `the task nests deeper than ${MAX_DEPTH} levels: a task needs far fewer` }] };
  }
  const shape = checkShape(value);
  const shapeErrors = shape.errors;
  const task = shape.task ?? salvageTask(value);
  if (!task) return { errors: shapeErrors };
  const ctx = makeContext(task, options.project, { projectName: options.projectName, secretLayout: options.secrets });
  const ruleErrors = rules.flatMap(({ check }) => check(task, ctx));
  const reported = new Set(shapeErrors.map((e) => e.place));
  const errors = [...shapeErrors, ...ruleErrors.filter((e) => !withinAny(e.place, reported))];
  return errors.length === 0 ? { task, errors } : { errors };
}

/** Whether `place` is one of `outer` or lies inside one: its prefixes are looked up, not every place compared. */
function withinAny(place: string, outer: ReadonlySet<string>): boolean {
  if (outer.size === 0) return false;
  if (outer.has('') || outer.has(place)) return true;
  for (let i = 1; i < place.length; i++) {
    if ((place[i] === '.' || place[i] === '[') && outer.has(place.slice(0, i))) return true;
  }
  return false;
}

export function checkTask(source: string, options: ValidateOptions & { format?: SourceFormat } = {}): Validation {
  const parsed = parseTask(source, { format: options.format });
  if (parsed.errors.length > 0) return { errors: parsed.errors };
  const { task, errors } = validateTask(parsed.value, { project: options.project, projectName: options.projectName, secrets: options.secrets });
  if (errors.length === 0) return { task, errors };
  return { errors: located(parsed, errors) };
}

/** Errors with the line and column of their place, in source order (stable: errors at one position keep their order). */
function located(parsed: { locate: ReturnType<typeof parseTask>['locate'] }, errors: TaskError[]): TaskError[] {
  const withPositions = errors.map((error) => {
    const position = parsed.locate(parsePlace(error.place));
    return position ? { ...error, line: position.line, column: position.column } : error;
  });
  withPositions.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return withPositions;
}

/** Errors found after validation (the compiled definition's conformance) with their line and column in `source`. */
export function locateErrors(source: string, errors: TaskError[], format?: SourceFormat): TaskError[] {
  const parsed = parseTask(source, { format });
  return parsed.errors.length > 0 ? errors : located(parsed, errors);
}

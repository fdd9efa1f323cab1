/**
 * Durations: the task's and each henchman's timeout, retry interval and maxDelay, and every literal input of
 * type duration, are written as a whole number and a unit (ms, s, m, h, d) and are longer than nothing.
 */
import { findAction } from '../catalog.ts';
import type { InputField } from '../catalog.ts';
import { parseDuration } from '../duration.ts';
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { parseTemplate } from '../references.ts';
import { actionOf } from './context.ts';
import type { Rule } from './context.ts';

function durationError(text: unknown, path: (string | number)[], what: string): TaskError[] {
  if (typeof text !== 'string') return [];
  if (parseTemplate(text).parts.some((part) => typeof part !== 'string')) return []; // known only when it runs
  const seconds = parseDuration(text);
  if (seconds === undefined) {
    return [taskError('bad-duration', path, `${what} '${text}' is not a duration: write a whole number and a unit, such as 30s, 10m, 1h or 1d`)];
  }
  if (seconds <= 0) return [taskError('bad-duration', path, `${what} '${text}' is no time at all: give a duration longer than 0`)];
  return [];
}

function inputDurations(given: Record<string, unknown> | undefined, fields: Readonly<Record<string, InputField>>, path: (string | number)[], where: string): TaskError[] {
  return Object.entries(given ?? {}).flatMap(([name, value]) =>
    Object.hasOwn(fields, name) && fields[name]!.type === 'duration' ? durationError(value, [...path, name], `the input '${name}' of ${where}`) : [],
  );
}

export const durations: Rule = (task) => {
  const errors: TaskError[] = [...durationError(task.timeout, ['timeout'], 'the task timeout')];
  task.plot.forEach((henchman, index) => {
    const base = ['plot', index];
    const who = `henchman '${henchman.name}'`;
    errors.push(...durationError(henchman.timeout, [...base, 'timeout'], `the timeout of ${who}`));
    errors.push(...durationError(henchman.retry?.interval, [...base, 'retry', 'interval'], `the retry interval of ${who}`));
    errors.push(...durationError(henchman.retry?.maxDelay, [...base, 'retry', 'maxDelay'], `the retry maxDelay of ${who}`));
    const action = actionOf(henchman);
    if (action) errors.push(...inputDurations(henchman.with, action.input, [...base, 'with'], who));
    if (henchman.undo !== undefined && typeof henchman.undo === 'object') {
      const undo = findAction(henchman.provider, henchman.undo.action);
      if (undo) errors.push(...inputDurations(henchman.undo.with, undo.input, [...base, 'undo', 'with'], `the undo of ${who}`));
    }
  });
  return errors;
};

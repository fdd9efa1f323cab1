/**
 * Durations: the task's and each henchman's timeout, retry interval and maxDelay, and every literal input of
 * type duration, are written as a whole number and a unit (ms, s, m, h, d) and are longer than nothing. The
 * task's and henchmen's own durations become numbers in the state machine, so they are written literally: a
 * reference there is an error (an input's duration may be a reference: the provider reads it when it runs).
 * They also stay within the ranges Step Functions takes for the numbers they become (../conformance.ts names the
 * sources): a retry interval within IntervalSeconds, a maxDelay within MaxDelaySeconds, a henchman's timeout within
 * TimeoutSeconds, the task's timeout within the year a Standard execution may run. The compiled definition is
 * checked again as a whole (../conformance.ts): this rule says it first, at the field that causes it.
 */
import { findAction } from '../catalog.ts';
import type { InputField } from '../catalog.ts';
import { AWS_LIMITS } from '../conformance.ts';
import { parseDuration } from '../duration.ts';
import { DEADLINE_GRACE_SECONDS } from '../invocation.ts';
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { ParsedTemplate } from '../references.ts';
import { actionOf } from './context.ts';
import type { Rule } from './context.ts';

type Parse = (text: string) => ParsedTemplate;

/** The error of a duration, if any; `where` gives its place and words, built only for an error. */
/** The most seconds a duration may be, and what takes it: [seconds, the Step Functions field and its limit]. */
type Bound = readonly [number, string];

function durationError(parse: Parse, text: unknown, where: () => [(string | number)[], string], literal = false, bound?: Bound): TaskError | undefined {
  if (typeof text !== 'string') return undefined;
  if (parse(text).parts.some((part) => typeof part !== 'string')) {
    if (!literal) return undefined; // known only when it runs
    const [path, what] = where();
    return taskError('bad-duration', path, `${what} '${text}' holds a reference: it is fixed when the task is saved, so write it literally, such as 30s, 10m, 1h or 1d`);
  }
  const seconds = parseDuration(text);
  if (seconds !== undefined && seconds > 0) {
    if (!bound || seconds <= bound[0]) return undefined;
    const [path, what] = where();
    return taskError('out-of-aws-range', path, `${what} '${text}' is ${seconds} s; ${bound[1]}: make it shorter`);
  }
  const [path, what] = where();
  if (seconds === undefined) {
    return taskError('bad-duration', path, `${what} '${text}' is not a duration: write a whole number and a unit, such as 30s, 10m, 1h or 1d`);
  }
  return taskError('bad-duration', path, `${what} '${text}' is no time at all: give a duration longer than 0`);
}

function inputDurations(
  errors: TaskError[],
  parse: Parse,
  given: Record<string, unknown> | undefined,
  fields: Readonly<Record<string, InputField>>,
  path: (string | number)[],
  where: () => string,
): void {
  if (!given) return;
  for (const name in given) {
    if (!Object.hasOwn(given, name) || !Object.hasOwn(fields, name) || fields[name]!.type !== 'duration') continue;
    const error = durationError(parse, given[name], () => [[...path, name], `the input '${name}' of ${where()}`]);
    if (error) errors.push(error);
  }
}

/** A henchman's timeout becomes its Task state's TimeoutSeconds with a grace of 30 s (../invocation.ts). */
const TIMEOUT: Bound = [AWS_LIMITS.seconds - DEADLINE_GRACE_SECONDS, `a Task state's TimeoutSeconds (the timeout and a ${DEADLINE_GRACE_SECONDS} s grace) is at most ${AWS_LIMITS.seconds} s`];
const INTERVAL: Bound = [AWS_LIMITS.seconds, `a Retry's IntervalSeconds is at most ${AWS_LIMITS.seconds} s`];
const MAX_DELAY: Bound = [AWS_LIMITS.maxDelaySeconds, `a Retry's MaxDelaySeconds is at most ${AWS_LIMITS.maxDelaySeconds} s (366 days)`];
/** The execution's TimeoutSeconds is the task's timeout, a 30 s grace and the rollback's bound: a year at most. */
const TASK_TIMEOUT: Bound = [AWS_LIMITS.executionSeconds - DEADLINE_GRACE_SECONDS, `a Step Functions execution runs at most one year (${AWS_LIMITS.executionSeconds} s) and the task's timeout is given a ${DEADLINE_GRACE_SECONDS} s grace`];

export const durations: Rule = (task, ctx) => {
  const parse = ctx.template;
  const errors: TaskError[] = [];
  const found = (error: TaskError | undefined) => {
    if (error) errors.push(error);
  };
  found(durationError(parse, task.timeout, () => [['timeout'], 'the task timeout'], true, TASK_TIMEOUT));
  // Places and messages are built only for an error: this runs for every henchman.
  task.plot.forEach((henchman, index) => {
    found(durationError(parse, henchman.timeout, () => [['plot', index, 'timeout'], `the timeout of henchman '${henchman.name}'`], true, TIMEOUT));
    if (henchman.retry) {
      found(durationError(parse, henchman.retry.interval, () => [['plot', index, 'retry', 'interval'], `the retry interval of henchman '${henchman.name}'`], true, INTERVAL));
      found(durationError(parse, henchman.retry.maxDelay, () => [['plot', index, 'retry', 'maxDelay'], `the retry maxDelay of henchman '${henchman.name}'`], true, MAX_DELAY));
    }
    const action = actionOf(henchman);
    if (action) inputDurations(errors, parse, henchman.with, action.input, ['plot', index, 'with'], () => `henchman '${henchman.name}'`);
    if (henchman.undo !== undefined && typeof henchman.undo === 'object') {
      const undo = findAction(henchman.provider, henchman.undo.action);
      if (undo) inputDurations(errors, parse, henchman.undo.with, undo.input, ['plot', index, 'undo', 'with'], () => `the undo of henchman '${henchman.name}'`);
    }
  });
  return errors;
};

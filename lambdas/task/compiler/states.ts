/**
 * Small factories for the states the compiler emits, and the shared renderers (transitions, retry, catch).
 */
import { parseDuration } from '../duration.ts';
import type { Retry } from '../schema.ts';
import type { Catcher, ChoiceRule, ChoiceState, FailState, JsonObject, JsonValue, PassState, Retrier, State, TaskState, Transition, WaitState } from './asl.ts';
import { NAMES, STATE } from './layout.ts';

/** Where a state goes next: a state name, or null for the end of the execution. */
export type Target = string | null;

export const INVOKE = 'arn:aws:states:::lambda:invoke';

/** The Lambda service's own transient errors: every Task state retries them. */
export const LAMBDA_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

export const ERRORS = {
  transient: 'Mastermind.Transient',
  /** A poll's "not done yet, ask me again": the polling Task state's Retry asks again (./poll.ts). */
  waiting: 'Mastermind.Waiting',
  /**
   * A first answer that asks to be called again, thrown to a Task state that waits in itself: its Catch keeps it and
   * goes to the Wait (./poll.ts pollingTask).
   */
  polled: 'Mastermind.Polled',
  /** Input the task cannot play with (an `each` list longer than MAX_EACH_ITEMS): never retried. */
  invalid: 'Mastermind.Invalid',
  /** An output that does not meet the henchman's `expect`. */
  unexpected: 'Mastermind.Unexpected',
  /** A cancel request seen by the provider runtime before a do or poll (lambdas/service/cancels.ts): the abort route. */
  cancelled: 'Mastermind.Cancelled',
  /** The task's timeout ran out (the provider ended the move at the task's deadline): the abort route. */
  taskTimeout: 'Mastermind.TaskTimeout',
} as const;

/**
 * The errors that skip a henchman's own failure route (retreat, goto, continue) and go straight to the abort route,
 * rollback included: a cancel, and (for a task with a timeout) the task's deadline. One list per task
 * (abortErrors), so that every provider Task state routes them alike.
 */
export function abortErrors(task: { timeout?: string }): string[] {
  return task.timeout ? [ERRORS.cancelled, ERRORS.taskTimeout] : [ERRORS.cancelled];
}

/**
 * The retry of the Lambda service's errors: 3 attempts, 1 s then 2 s and 4 s apart. These are the ASL's defaults
 * (IntervalSeconds 1, MaxAttempts 3, BackoffRate 2.0), so the retrier names only its errors: it is in every Task state,
 * and written out in full it would cost some 50 bytes of definition each time (Step Functions takes at most 1 MB).
 */
export const LAMBDA_RETRIER: Retrier = { ErrorEquals: LAMBDA_ERRORS };
/** How many times LAMBDA_RETRIER retries (the ASL's default MaxAttempts). */
export const LAMBDA_RETRIES = 3;

export function transition(target: Target): Transition {
  return target === null ? { End: true } : { Next: target };
}

/** A Choice cannot end the execution: the end is the "task: done" Succeed state. */
export function choiceTarget(target: Target): string {
  return target ?? NAMES.done;
}

/** Whole seconds, at least 1 (ASL intervals and timeouts are positive integers). */
export function seconds(duration: string): number {
  const value = parseDuration(duration);
  if (value === undefined) throw new Error(`"${duration}" is not a duration`);
  return Math.max(1, Math.ceil(value));
}

/** The task's `retry` as a Retrier on Mastermind.Transient (Mastermind.Failed and .Invalid are never retried). */
export function transientRetrier(retry: Retry): Retrier {
  return {
    ErrorEquals: [ERRORS.transient],
    IntervalSeconds: retry.interval ? seconds(retry.interval) : 1,
    MaxAttempts: retry.attempts,
    BackoffRate: retry.backoff ?? 2,
    ...(retry.maxDelay ? { MaxDelaySeconds: seconds(retry.maxDelay) } : {}),
    ...(retry.jitter === undefined ? {} : { JitterStrategy: retry.jitter ? 'FULL' : 'NONE' }),
  };
}

/**
 * The retry of Mastermind.Transient when a henchman gives no `retry`: the provider contract says a transient
 * error means "retry", so it is retried twice, 2s then up to 4s apart (BackoffRate: the ASL's default 2.0), with full jitter (many executions
 * meeting the same throttled API do not come back at the same moment). An explicit `retry` replaces it.
 */
export const DEFAULT_TRANSIENT_RETRIER: Retrier = { ErrorEquals: [ERRORS.transient], IntervalSeconds: 2, MaxAttempts: 2, JitterStrategy: 'FULL' };

/** The Retry of every provider Task state: the Lambda service's errors, then Mastermind.Transient. */
export function retriers(retry: Retry | undefined): Retrier[] {
  return [LAMBDA_RETRIER, retry ? transientRetrier(retry) : DEFAULT_TRANSIENT_RETRIER];
}

/** Every error left after the retries goes to `next`, recorded at `resultPath` ($.failure by default). */
export function catchAll(next: string, resultPath: string = STATE.failure): Catcher[] {
  return [{ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: next }];
}

/**
 * The Catch of a forward move (a henchman's Task state, its poll, its Map): the abort errors (a cancel, the task's
 * deadline: see abortErrors) go to the abort route (`abort`), whatever the henchman's onFailure says; every other
 * error to `next`, recorded in $.failure. When `next` is the abort route itself, one catcher does both.
 */
export function moveCatchers(next: string, abort: string, errors: readonly string[] = [ERRORS.cancelled]): Catcher[] {
  if (next === abort) return catchAll(next);
  return [{ ErrorEquals: [...errors], ResultPath: STATE.failure, Next: abort }, ...catchAll(next)];
}

export interface InvokeOptions {
  /** The provider function's ARN. */
  functionName: string;
  /** The provider event, as a Parameters template; or a path to it ("$.event"). */
  payload: JsonObject | string;
  target: Target;
  fire?: boolean;
  resultSelector?: JsonObject;
  resultPath?: string | null;
  outputPath?: string;
  timeoutSeconds?: number;
  retry?: Retrier[];
  catch?: Catcher[];
  comment?: string;
}

/**
 * A Task state calling a provider Lambda. A move that waits for its answer names the function itself as its Resource
 * (Step Functions' Lambda task with the function's ARN): its Parameters are the provider event and its result is the
 * provider's answer (`{ output }` or `{ poll }`), with no `{ Payload, StatusCode }` wrapper around it, some 150 bytes
 * less per Task state than the lambda:invoke integration (Step Functions takes at most 1 MB of definition). A fired
 * move (`fire`) needs InvocationType Event, which only the lambda:invoke integration has: it keeps that form. Both
 * forms raise the same Lambda.* errors (LAMBDA_RETRIER) and are granted by the same lambda:InvokeFunction permission.
 * The event given as a path ("$.event", inside a Map) is selected by InputPath: ResultPath still writes into the
 * state's own input.
 */
export function invoke(o: InvokeOptions): TaskState {
  // Field by field rather than with conditional spreads (one Task state per henchman): the order is the ASL's.
  const state: Record<string, unknown> = { Type: 'Task' };
  if (o.comment) state.Comment = o.comment;
  if (o.fire) {
    const parameters: JsonObject = { FunctionName: o.functionName, InvocationType: 'Event' };
    if (typeof o.payload === 'string') parameters['Payload.$'] = o.payload;
    else parameters.Payload = o.payload;
    state.Resource = INVOKE;
    state.Parameters = parameters;
  } else {
    if (typeof o.payload === 'string') state.InputPath = o.payload;
    state.Resource = o.functionName;
    if (typeof o.payload !== 'string') state.Parameters = o.payload;
  }
  if (o.resultSelector) state.ResultSelector = o.resultSelector;
  if (o.resultPath !== undefined) state.ResultPath = o.resultPath;
  if (o.outputPath) state.OutputPath = o.outputPath;
  if (o.timeoutSeconds) state.TimeoutSeconds = o.timeoutSeconds;
  state.Retry = o.retry ?? [LAMBDA_RETRIER];
  if (o.catch) state.Catch = o.catch;
  if (o.target === null) state.End = true;
  else state.Next = o.target;
  return state as unknown as TaskState;
}

export function pass(o: {
  target: Target;
  inputPath?: string;
  parameters?: JsonObject;
  result?: JsonValue;
  resultPath?: string;
  outputPath?: string;
  comment?: string;
}): PassState {
  return {
    Type: 'Pass',
    ...(o.comment ? { Comment: o.comment } : {}),
    ...(o.inputPath ? { InputPath: o.inputPath } : {}),
    ...(o.parameters ? { Parameters: o.parameters } : {}),
    ...(o.result !== undefined ? { Result: o.result } : {}),
    ...(o.resultPath ? { ResultPath: o.resultPath } : {}),
    ...(o.outputPath ? { OutputPath: o.outputPath } : {}),
    ...transition(o.target),
  } as PassState;
}

export function choice(rules: { rule: ChoiceRule; next: string }[], otherwise: string, comment?: string): ChoiceState {
  return {
    Type: 'Choice',
    ...(comment ? { Comment: comment } : {}),
    Choices: rules.map(({ rule, next }) => ({ ...rule, Next: next }) as ChoiceRule & { Next: string }),
    Default: otherwise,
  };
}

export function waitSeconds(seconds: number, target: Target): WaitState {
  return { Type: 'Wait', Seconds: seconds, ...transition(target) } as WaitState;
}

export function waitSecondsPath(path: string, target: Target): WaitState {
  return { Type: 'Wait', SecondsPath: path, ...transition(target) } as WaitState;
}

export function fail(o: { error?: string; cause?: string; errorPath?: string; causePath?: string }): FailState {
  return {
    Type: 'Fail',
    ...(o.error ? { Error: o.error } : {}),
    ...(o.cause ? { Cause: o.cause } : {}),
    ...(o.errorPath ? { ErrorPath: o.errorPath } : {}),
    ...(o.causePath ? { CausePath: o.causePath } : {}),
  };
}

export function succeed(): State {
  return { Type: 'Succeed' };
}

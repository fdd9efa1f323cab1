/** Helpers of the compiler tests: tasks from YAML, and asl-validator from ESM. */
import { parse } from 'yaml';
import { stateKey } from '#task/keys';
import { taskSchema } from '#task/schema';
import type { Task } from '#task/schema';
import type { StateMachineDefinition } from '#task/compile';

export function task(yaml: string): Task {
  return taskSchema.parse(parse(yaml));
}

type Validator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => { isValid: boolean; errors: unknown[] };

/** asl-validator's errors for a definition ([] when it passes). */
export async function aslErrors(definition: StateMachineDefinition): Promise<unknown[]> {
  const name: string = 'asl-validator'; // no type declarations: imported by a name TypeScript does not resolve
  const module = (await import(name)) as { default: Validator | { default: Validator } };
  const validate = typeof module.default === 'function' ? module.default : module.default.default;
  return validate(definition, { checkPaths: true, checkArn: true }).errors;
}

export const EC2 = 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-ec2';
export const SSH = 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-ssh';
export const CHEF = 'arn:aws:lambda:us-east-1:000000000000:function:mastermind-chef';

/** The retry of the Lambda service's errors: the ASL's defaults (1 s, 3 attempts, backoff 2.0) left unwritten. */
export const LAMBDA_RETRY = {
  ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
};

/** The retry of Mastermind.Transient every provider Task state has when its henchman gives no `retry`. */
export const TRANSIENT_RETRY = { ErrorEquals: ['Mastermind.Transient'], IntervalSeconds: 2, MaxAttempts: 2, JitterStrategy: 'FULL' };

export const CATCH_TO = (next: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: next }];

/** The Catch of a forward move: a cancel to the abort route (`abort`), every other error to `next` (one catcher when they are the same). */
export const MOVE_CATCH = (next: string, abort = 'task: aborted') => (next === abort ? CATCH_TO(next) : [{ ErrorEquals: ['Mastermind.Cancelled'], ResultPath: '$.failure', Next: abort }, ...CATCH_TO(next)]);

/** The constant part of the events' context, which "start: params" writes to $.context: task "t", project "default", version 0. */
export const SHARED_CONTEXT = (task = 't', extra: Record<string, unknown> = {}) => ({ project: 'default', task, version: 0, 'execution.$': '$$.Execution.Id', ...extra });

/** The states of a resumed execution, for a task whose henchmen an execution reaches are `entries` (name → first state). */
export const RESUME_STATES = (entries: Record<string, string>, context: Record<string, unknown> = SHARED_CONTEXT()) => ({
  'start: resume': {
    Type: 'Pass',
    Parameters: {
      'params.$': '$.params',
      'trigger.$': '$.trigger',
      context,
      'out.$': '$.resume.out',
      'count.$': '$.resume.count',
      resume: { 'of.$': '$.resume.of', 'from.$': '$.resume.from' },
    },
    Next: 'resume: from?',
  },
  'resume: from?': {
    Type: 'Choice',
    Choices: Object.entries(entries).map(([name, next]) => ({ Variable: '$.resume.from', StringEquals: name, Next: next })),
    Default: 'resume: no such henchman',
  },
  'resume: no such henchman': { Type: 'Fail', Error: 'Mastermind.Invalid', Cause: 'a resume gives of, from, out and count, and from names a henchman of this task version that an execution can reach' },
});

/** The names of the start states, the first of a definition; then the task's, then {@link RESUME_STATES}'. */
export const START_NAMES = ['start: input?', 'start: input', 'start: params'];
export const RESUME_NAMES = ['start: resume', 'resume: from?', 'resume: no such henchman'];


/**
 * The context of a henchman's event, in its two parts: the shared one ($.context) and the move's own, its henchman and
 * attempt (the pass over the plot, $.count.pass), and the item's index, timeout and detach when given.
 */
export const CONTEXT = (henchman: string, own: { item?: boolean; timeout?: number; detach?: boolean } = {}) => {
  const move = {
    henchman,
    'attempt.$': '$.count.pass',
    ...(own.item ? { 'item.$': '$$.Map.Item.Index' } : {}),
    ...(own.timeout !== undefined ? { timeout: own.timeout } : {}),
    ...(own.detach ? { detach: true } : {}),
  };
  // At the top of the event; inside `each`, in its own `move` (the Map's polls copy it whole).
  return own.item ? { 'context.$': '$.context', move } : { 'context.$': '$.context', ...move };
};

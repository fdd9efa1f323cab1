/**
 * What AWS refuses that the local engine and asl-validator let through: every compiled definition is checked against
 * Step Functions' documented limits before it is called valid, and each limit that is broken is reported at the
 * henchman that causes it. One limit, its source, its check:
 *
 *   limit                                         source (AWS documentation)                                   error
 *   a state name of at most 80 characters         States Language spec, "States": names are at most 80 chars    state-name-too-long
 *   a definition of at most 1,048,576 bytes       Step Functions quotas: "Maximum definition size 1 MB"         definition-too-large
 *   TimeoutSeconds, IntervalSeconds, MaxAttempts  States Language spec / API reference: positive integers,     out-of-aws-range
 *     at most 99,999,999; MaxDelaySeconds at        MaxDelaySeconds below 31,622,401
 *     most 31,622,400
 *   an execution of at most one year              Step Functions quotas: "Maximum execution time 1 year"        out-of-aws-range
 *     (the machine's TimeoutSeconds)              (Standard workflows)
 *
 * Helper states are named after their henchmen ("configure: retreat count", "undo: provision poll?",
 * "restart: item timed out"), so a henchman name that is valid alone can make a name AWS refuses.
 */
import type { JsonValue, State, StateMachineDefinition } from './compiler/asl.ts';
import { formatPlace, taskError } from './errors.ts';
import type { TaskError } from './errors.ts';
import type { Task } from './schema.ts';

export const AWS_LIMITS = {
  stateName: 80,
  definitionBytes: 1024 * 1024,
  seconds: 99_999_999,
  maxDelaySeconds: 31_622_400,
  maxAttempts: 99_999_999,
  executionSeconds: 365 * 24 * 3600,
} as const;

/** The henchman a state is named after ("<h>: retreat?", "undo: <h> poll?", "replay: <h>"), by its index. */
function henchmanOf(state: string, task: Task): number | undefined {
  const owner = state.replace(/^(undo|replay|rollback): /, '');
  const head = owner.split(/[: ]/, 1)[0]!;
  const index = task.plot.findIndex((h) => h.name === head);
  return index < 0 ? undefined : index;
}

function placeOf(state: string, task: Task): (string | number)[] {
  const index = henchmanOf(state, task);
  return index === undefined ? [] : ['plot', index, 'name'];
}

function visit(states: Record<string, State>, each: (name: string, state: State) => void): void {
  for (const [name, state] of Object.entries(states)) {
    each(name, state);
    if (state.Type === 'Map') visit(state.ItemProcessor.States, each);
  }
}

function numbers(name: string, state: State, task: Task, errors: TaskError[]): void {
  const s = state as { TimeoutSeconds?: number; Retry?: { IntervalSeconds?: number; MaxDelaySeconds?: number; MaxAttempts?: number }[] };
  const over = (what: string, value: number | undefined, limit: number) => {
    if (value !== undefined && value > limit) {
      errors.push(taskError('out-of-aws-range', placeOf(name, task), `the state "${name}" would have ${what} ${value}; Step Functions takes at most ${limit}: make the henchman's timeout or retry shorter`));
    }
  };
  over('TimeoutSeconds', s.TimeoutSeconds, AWS_LIMITS.seconds);
  for (const retry of s.Retry ?? []) {
    over('IntervalSeconds', retry.IntervalSeconds, AWS_LIMITS.seconds);
    over('MaxDelaySeconds', retry.MaxDelaySeconds, AWS_LIMITS.maxDelaySeconds);
    over('MaxAttempts', retry.MaxAttempts, AWS_LIMITS.maxAttempts);
  }
}

/** Every limit the compiled definition of `task` breaks, at the henchman that causes it (or the task). */
export function conformanceErrors(task: Task, definition: StateMachineDefinition): TaskError[] {
  const errors: TaskError[] = [];
  const long = new Map<string, string>();
  visit(definition.States, (name, state) => {
    if (name.length > AWS_LIMITS.stateName) {
      const place = formatPlace(placeOf(name, task));
      const known = long.get(place);
      if (!known || name.length > known.length) long.set(place, name);
    }
    numbers(name, state, task, errors);
  });
  for (const [place, name] of long) {
    errors.push({
      code: 'state-name-too-long',
      place,
      message: `the state "${name}" would be ${name.length} characters, and Step Functions takes at most ${AWS_LIMITS.stateName}: shorten the henchman names it is made of by ${name.length - AWS_LIMITS.stateName}`,
    });
  }
  const machineTimeout = (definition as { TimeoutSeconds?: number }).TimeoutSeconds;
  if (machineTimeout !== undefined && machineTimeout > AWS_LIMITS.executionSeconds) {
    errors.push(
      taskError('out-of-aws-range', ['timeout'], `the execution could run ${machineTimeout} s (the timeout, its grace and the rollback); a Step Functions execution runs at most one year (${AWS_LIMITS.executionSeconds} s): make the timeout shorter`),
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(definition as unknown as JsonValue), 'utf8');
  if (bytes > AWS_LIMITS.definitionBytes) {
    errors.push(
      taskError('definition-too-large', [], `the compiled definition is ${bytes} bytes; Step Functions takes at most ${AWS_LIMITS.definitionBytes}: split the plot over several tasks, or use fewer retreats`),
    );
  }
  return errors;
}

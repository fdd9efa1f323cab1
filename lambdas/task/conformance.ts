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
 *   every path in the grammar of its field kind   see PATH RULES below                                           bad-path
 *
 * PATH RULES (what the compiler writes, checked in every field kind; ../task/keys.ts makes them hold by construction):
 *
 *   field kind                                    grammar                                    source
 *   ResultPath, ItemsPath, SecondsPath,           a reference path: `$` then `.name` (JSONPath  "Using JSONPath paths", Reference Paths:
 *     Catch ResultPath, Choice Variable             member-name-shorthand), `[n]`, or           "access object fields using only dot (.)
 *     (and the Choice comparisons' …Path)           `['key']` for any other key (no quote or    and square bracket ([ ]) notation";
 *                                                   backslash in it); nothing else              "you must use square bracket notation if
 *                                                                                               your field name contains any character
 *                                                                                               that is not included in the member-name-
 *                                                                                               shorthand definition" (a dash is one)
 *   InputPath, OutputPath, "key.$" of             a reference path, or one narrow filter       "Manipulate parameters in Step Functions
 *     Parameters / ResultSelector / ItemSelector,   `[?(@.name == true)]` (a path "can yield    workflows": a path in these fields may
 *     ErrorPath, CausePath                          a selection of values")                    select several values
 *   an argument of an intrinsic function          `$` or `$$` then only `.name` (shorthand)    "Intrinsic functions for JSONPath states":
 *     ("key.$", ErrorPath, CausePath)               and `[n]`; strings in '…' with ' { } \     arguments are JSONPaths, strings, numbers;
 *                                                   escaped; numbers; null, true, false;        ' { } \ are reserved and escaped with \;
 *                                                   nested intrinsics                           no bracket or filter is documented inside
 *                                                                                               an argument, so none is written
 *
 * Sources: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html.
 *
 * Helper states are named after their henchmen ("configure: retreat?", "undo: provision poll?",
 * "restart: item unexpected"), so a henchman name that is valid alone can make a name AWS refuses.
 */
import type { ChoiceRule, JsonValue, State, StateMachineDefinition } from './compiler/asl.ts';
import { INTRINSIC_PATH } from './keys.ts';
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

/** `['key']`: a bracketed key without a quote, a backslash or a control character. */
const BRACKETED = String.raw`\['[^'\\\u0000-\u001f]+'\]`;
const SEGMENT = String.raw`(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|${BRACKETED})`;
/** A reference path: one node, reached by dot and bracket notation. */
export const REFERENCE_PATH = new RegExp(String.raw`^\$\$?${SEGMENT}*$`);
/** A path of a field that may select several values: a reference path, with at most one `[?(@.name == true)]`. */
export const SELECTING_PATH = new RegExp(String.raw`^\$\$?${SEGMENT}*(?:\[\?\(@\.[A-Za-z_][A-Za-z0-9_]*\s*==\s*true\)\]${SEGMENT}*)?$`);

/** Parses an intrinsic function call; the problem with it, or undefined when every argument is in the grammar. */
export function intrinsicProblem(text: string): string | undefined {
  let i = 0;
  const fail = (what: string) => `${what} at character ${i + 1}`;
  const spaces = () => {
    while (text[i] === ' ') i += 1;
  };
  const call = (): string | undefined => {
    const name = /^States\.[A-Za-z]+\(/.exec(text.slice(i));
    if (!name) return fail('an intrinsic function name (States.X) was expected');
    i += name[0].length;
    spaces();
    if (text[i] === ')') {
      i += 1;
      return undefined;
    }
    for (;;) {
      spaces();
      const problem = argument();
      if (problem) return problem;
      spaces();
      if (text[i] === ',') i += 1;
      else if (text[i] === ')') {
        i += 1;
        return undefined;
      } else return fail('"," or ")" was expected');
    }
  };
  const argument = (): string | undefined => {
    const rest = text.slice(i);
    if (rest.startsWith('States.')) return call();
    if (rest.startsWith("'")) {
      i += 1;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === '\\') i += 1;
        else if (text[i] === '{' && text[i + 1] !== '}') return fail('an unescaped "{" in a string');
        else if (text[i] === '}' && text[i - 1] !== '{') return fail('an unescaped "}" in a string');
        i += 1;
      }
      if (text[i] !== "'") return fail('a string that is never closed');
      i += 1;
      return undefined;
    }
    const literal = /^(?:-?[0-9]+(?:\.[0-9]+)?|null|true|false)(?=[\s,)])/.exec(rest);
    if (literal) {
      i += literal[0].length;
      return undefined;
    }
    const path = /^\$[^\s,)]*/.exec(rest);
    if (path) {
      if (!INTRINSIC_PATH.test(path[0])) return fail(`the argument ${path[0]} is not a path of shorthand names and indexes`);
      i += path[0].length;
      return undefined;
    }
    return fail('an argument was expected');
  };
  const problem = call();
  if (problem) return problem;
  return i === text.length ? undefined : fail('text after the intrinsic function');
}

/** The grammar a path or intrinsic of a field kind must follow: the problem, or undefined. */
function pathProblem(kind: 'reference' | 'selecting' | 'payload', value: string): string | undefined {
  if (kind !== 'reference' && value.startsWith('States.')) {
    const problem = intrinsicProblem(value);
    return problem && `the intrinsic function ${value} has ${problem}`;
  }
  const grammar = kind === 'reference' ? REFERENCE_PATH : SELECTING_PATH;
  if (grammar.test(value)) return undefined;
  return kind === 'reference'
    ? `${value} is not a reference path (dot notation for shorthand names, ['key'] for other keys, [n] for indexes)`
    : `${value} is not a path in the grammar the compiler writes (a reference path, or one [?(@.name == true)] filter)`;
}

const COMPARISON_PATHS = /Path$/;

function choicePaths(rule: ChoiceRule, out: [string, string][]): void {
  const r = rule as Record<string, unknown>;
  if (Array.isArray(r.And)) for (const inner of r.And as ChoiceRule[]) choicePaths(inner, out);
  if (Array.isArray(r.Or)) for (const inner of r.Or as ChoiceRule[]) choicePaths(inner, out);
  if (r.Not && typeof r.Not === 'object') choicePaths(r.Not as ChoiceRule, out);
  if (typeof r.Variable === 'string') out.push(['Variable', r.Variable]);
  for (const [key, value] of Object.entries(r)) if (COMPARISON_PATHS.test(key) && typeof value === 'string') out.push([key, value]);
}

function templatePaths(field: string, value: JsonValue | undefined, out: [string, string, 'payload'][]): void {
  if (value === null || value === undefined || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((item) => templatePaths(field, item, out));
  for (const [key, inner] of Object.entries(value)) {
    if (key.endsWith('.$') && typeof inner === 'string') out.push([`${field} "${key}"`, inner, 'payload']);
    else templatePaths(field, inner, out);
  }
}

/** Every path of a state with its field and the grammar of that field kind. */
export function statePaths(state: State): [string, string, 'reference' | 'selecting' | 'payload'][] {
  const s = state as unknown as Record<string, unknown>;
  const out: [string, string, 'reference' | 'selecting' | 'payload'][] = [];
  for (const field of ['ResultPath', 'ItemsPath', 'SecondsPath', 'TimestampPath']) if (typeof s[field] === 'string') out.push([field, s[field] as string, 'reference']);
  for (const field of ['InputPath', 'OutputPath']) if (typeof s[field] === 'string') out.push([field, s[field] as string, 'selecting']);
  for (const field of ['ErrorPath', 'CausePath']) if (typeof s[field] === 'string') out.push([field, s[field] as string, 'payload']);
  for (const catcher of (s.Catch as { ResultPath?: string | null }[] | undefined) ?? []) {
    if (typeof catcher.ResultPath === 'string') out.push(['Catch ResultPath', catcher.ResultPath, 'reference']);
  }
  const templates: [string, string, 'payload'][] = [];
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector']) templatePaths(field, s[field] as JsonValue | undefined, templates);
  out.push(...templates);
  if (state.Type === 'Choice') {
    const rules: [string, string][] = [];
    for (const rule of state.Choices) choicePaths(rule, rules);
    out.push(...rules.map(([field, path]): [string, string, 'reference'] => [`Choice ${field}`, path, 'reference']));
  }
  return out;
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
    for (const [field, path, kind] of statePaths(state)) {
      const problem = pathProblem(kind, path);
      if (problem) errors.push(taskError('bad-path', placeOf(name, task), `the state "${name}" has, in ${field}, ${problem}: Step Functions would refuse or misread it`));
    }
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

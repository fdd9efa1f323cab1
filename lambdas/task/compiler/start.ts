/**
 * The two states every execution starts with (the fixed overhead: exactly two transitions).
 *
 *   "start: defaults" (only when the params' defaults hold a backslash or a quote) the defaults, as data
 *   "start: input"   { params: {}, trigger: {} } merged under the execution input, so a run started from
 *                    the console with `{}` behaves like one started through the API
 *   "start: params"  the params' defaults merged under the given params, the trigger's defaults (every field,
 *                    "" where it does not apply: lambdas/task/trigger.ts) under the given trigger; empty out,
 *                    the counters
 */
import type { Task } from '../schema.ts';
import type { JsonObject, PassState } from './asl.ts';
import { NAMES } from './layout.ts';
import { TRIGGER_DEFAULTS } from '../trigger.ts';
import { intrinsicLiteral } from './payload.ts';
import { initialCount } from './retreat.ts';
import { pass } from './states.ts';

export function paramDefaults(task: Task): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(task.params ?? {})
      .filter(([, p]) => p.default !== undefined)
      .map(([name, p]) => [name, p.default]),
  );
}

/**
 * Defaults whose JSON text holds a backslash (a backslash or a quote in a value) cannot ride in an intrinsic string:
 * Step Functions wants `\\`, which asl-validator refuses. They travel as data instead: a Pass state's Result.
 */
function defaultsAsData(defaults: Record<string, unknown>): boolean {
  return JSON.stringify(defaults).includes('\\');
}

/** The first state of every execution: "start: defaults" when the defaults travel as data, else "start: input". */
export function startEntry(task: Task): string {
  return defaultsAsData(paramDefaults(task)) ? NAMES.defaults : NAMES.input;
}

export function startStates(task: Task, first: string): Record<string, PassState> {
  const defaults = paramDefaults(task);
  const asData = defaultsAsData(defaults);
  const params: JsonObject =
    Object.keys(defaults).length === 0
      ? { 'params.$': '$.input.params' }
      : { 'params.$': `States.JsonMerge(${asData ? '$.defaults' : intrinsicLiteral(defaults as JsonObject)}, $.input.params, false)` };
  const input: JsonObject = { 'input.$': `States.JsonMerge(${intrinsicLiteral({ params: {}, trigger: {} })}, $, false)` };
  if (asData) input['defaults.$'] = '$.defaults';
  return {
    // One more transition, only for tasks whose defaults hold a backslash or a quote.
    ...(asData ? { [NAMES.defaults]: pass({ result: defaults as JsonObject, resultPath: '$.defaults', target: NAMES.input }) } : {}),
    [NAMES.input]: pass({ parameters: input, target: NAMES.params }),
    [NAMES.params]: pass({
      parameters: {
        ...params,
        'trigger.$': `States.JsonMerge(${intrinsicLiteral(TRIGGER_DEFAULTS as unknown as JsonObject)}, $.input.trigger, false)`,
        out: {},
        count: initialCount(task),
      },
      target: first,
    }),
  };
}

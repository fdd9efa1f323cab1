/**
 * The two states every execution starts with (the fixed overhead: exactly two transitions).
 *
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

export function startStates(task: Task, first: string): Record<string, PassState> {
  const defaults = paramDefaults(task);
  const params: JsonObject =
    Object.keys(defaults).length === 0
      ? { 'params.$': '$.input.params' }
      : { 'params.$': `States.JsonMerge(${intrinsicLiteral(defaults as JsonObject)}, $.input.params, false)` };
  return {
    [NAMES.input]: pass({
      parameters: { 'input.$': `States.JsonMerge(${intrinsicLiteral({ params: {}, trigger: {} })}, $, false)` },
      target: NAMES.params,
    }),
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

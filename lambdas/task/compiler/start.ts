/**
 * The states every execution starts with. The fixed overhead of an execution started through the API is two
 * transitions (a Choice and "start: params"); one started from the console with `{}` takes one more.
 *
 *   "start: input?"  ─$.resume present→ "start: resume" → "resume: from?" ─from = <h>→ <h>'s first state
 *                    │                                                  └─else→ "resume: no such henchman" (Fail)
 *                    ├─$.resume present, but not of, from, out and count→ "resume: no such henchman" (Fail)
 *                    ├─params or trigger missing→ "start: input" → "start: params"
 *                    └─else→ "start: params" → the first henchman
 *   (when the params' defaults hold a backslash or a quote, "start: defaults" stands before "start: params" on
 *   both paths: one more transition, for those tasks only)
 *
 *   "start: input"   { params: {}, trigger: {} } merged under the execution input, so a run started from
 *                    the console with `{}` behaves like one started through the API
 *   "start: defaults" the defaults as data (a Pass state's Result): no intrinsic string can hold a backslash for
 *                    every engine (Step Functions wants `\\`, which asl-validator refuses)
 *   "start: params"  the params' defaults merged under the given params, the trigger's defaults (every field,
 *                    "" where it does not apply: lambdas/task/trigger.ts) under the given trigger; the constant
 *                    part of every provider event's context (payload.ts sharedContext); `out` with an empty record for
 *                    each henchman whose one Task state waits for the world (henchman.ts pollingRecords), the counters
 *                    (keyed by state key: ./layout.ts)
 *   "start: resume"  a resumed execution (lambdas/service/resume.ts): params and trigger as the execution it
 *                    resumes had them (defaults already in), `out` (on those empty records) and `count` carried over from it, the
 *                    shared context built anew (this execution's id and start), and `resume: { of, from }` kept
 *   "resume: from?"  to the first state of the henchman named by $.resume.from (only henchmen an ordinary
 *                    execution can reach are listed)
 */
import type { Henchman, Task } from '../schema.ts';
import type { ChoiceState, FailState, JsonObject, PassState } from './asl.ts';
import { isPresent } from './expect.ts';
import { NAMES, STATE } from './layout.ts';
import { TRIGGER_DEFAULTS } from '../trigger.ts';
import { intrinsicLiteral } from './payload.ts';
import { initialCount } from './retreat.ts';
import { choice, ERRORS, fail, pass } from './states.ts';
import { BEGUN, handoverRule } from './handover.ts';
import type { Handover } from './handover.ts';

export function paramDefaults(task: Task): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(task.params ?? {})
      .filter(([, p]) => p.default !== undefined)
      .map(([name, p]) => [name, p.default]),
  );
}

/** What a resume gives: the execution it resumes, the henchman it begins at, the outputs and counters carried over. */
const RESUME_FIELDS = ['of', 'from', 'out', 'count'] as const;

/** Defaults whose JSON text holds a backslash (a backslash or a quote in a value) travel as data: "start: defaults". */
function defaultsAsData(defaults: Record<string, unknown>): boolean {
  return JSON.stringify(defaults).includes('\\');
}

/**
 * The start states; `context` is the constant part of the provider events' context (payload.ts sharedContext), put
 * into the state once here so that every move's event only adds its own part.
 */
export function startStates(task: Task, first: string, context: JsonObject = {}, handover?: Handover, records: JsonObject = {}): Record<string, PassState | ChoiceState> {
  const defaults = paramDefaults(task);
  const asData = defaultsAsData(defaults);
  const beforeParams = asData ? NAMES.defaults : NAMES.params;
  const params: JsonObject =
    Object.keys(defaults).length === 0
      ? { 'params.$': STATE.params }
      : { 'params.$': `States.JsonMerge(${asData ? '$.defaults' : intrinsicLiteral(defaults as JsonObject)}, ${STATE.params}, false)` };
  return {
    [NAMES.start]: choice(
      [
        // A resume names what it resumes, where it begins, and what it carries over (lambdas/service/resume.ts): all
        // four tested here, so "start: resume" reads nothing that may be absent.
        { rule: { And: RESUME_FIELDS.map((field) => isPresent(`${STATE.resume}.${field}`)) }, next: NAMES.resume },
        // A task played as a chain of executions (./handover.ts): the next execution of the chain.
        ...(handover ? [handoverRule(handover)] : []),
        { rule: isPresent(STATE.resume), next: NAMES.resumeUnknown },
        // Not(IsPresent) rather than IsPresent: false, which the local engine reads wrongly.
        { rule: { Or: [isPresent(STATE.params, false), isPresent(STATE.trigger, false)] }, next: NAMES.input },
      ],
      beforeParams,
    ),
    [NAMES.input]: pass({
      parameters: { 'input.$': `States.JsonMerge(${intrinsicLiteral({ params: {}, trigger: {} })}, $, false)` },
      outputPath: '$.input',
      target: beforeParams,
    }),
    ...(asData ? { [NAMES.defaults]: pass({ result: defaults as JsonObject, resultPath: '$.defaults', target: NAMES.params }) } : {}),
    [NAMES.params]: pass({
      parameters: {
        ...params,
        'trigger.$': `States.JsonMerge(${intrinsicLiteral(TRIGGER_DEFAULTS as unknown as JsonObject)}, ${STATE.trigger}, false)`,
        context,
        out: records,
        count: initialCount(task),
        ...(handover ? { walk: { ...BEGUN } } : {}),
      },
      target: first,
    }),
  };
}

/** The states of a resumed execution: "start: resume", then "resume: from?" over the henchmen given. */
export function resumeStates(
  henchmen: readonly Henchman[],
  entry: (h: Henchman) => string,
  context: JsonObject = {},
  chained = false,
  records: JsonObject = {},
): Record<string, PassState | ChoiceState | FailState> {
  const carried = `${STATE.resume}.out`;
  return {
    [NAMES.resume]: pass({
      parameters: {
        'params.$': STATE.params,
        'trigger.$': STATE.trigger,
        context,
        // The outputs carried over, on the empty records of the henchmen that wait for the world (startStates).
        'out.$': Object.keys(records).length === 0 ? carried : `States.JsonMerge(${intrinsicLiteral(records)}, ${carried}, false)`,
        'count.$': `${STATE.resume}.count`,
        // What it resumes stays in the state (small: the outputs moved to `out`); "resume: from?" reads it.
        resume: { 'of.$': `${STATE.resume}.of`, 'from.$': `${STATE.resume}.from` },
        // A task played as a chain of executions counts its history events anew (./handover.ts).
        ...(chained ? { walk: { ...BEGUN } } : {}),
      },
      target: NAMES.resumeFrom,
    }),
    [NAMES.resumeFrom]: choice(
      henchmen.map((h) => ({ rule: { Variable: `${STATE.resume}.from`, StringEquals: h.name }, next: entry(h) })),
      NAMES.resumeUnknown,
    ),
    [NAMES.resumeUnknown]: fail({
      error: ERRORS.invalid,
      cause: 'a resume gives of, from, out and count, and from names a henchman of this task version that an execution can reach',
    }),
  };
}

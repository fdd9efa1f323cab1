/**
 * Rehearsal: provider calls answered from a scenario, so a user sees the retreat and advance paths of a
 * task before it touches anything real.
 *
 *   henchmen:
 *     configure:                      # a list of answers for phase "do" ...
 *       - fail: chef-client exited 1  #   Mastermind.Failed with this message
 *       - output: { nodeName: web-1 } #   then this output (the last answer repeats)
 *     provision:
 *       do:                           # ... or answers per phase: do, undo, poll
 *         - transient: throttled      #   Mastermind.Transient (retried when the henchman has retry)
 *         - poll: 2                   #   "ask me again" twice (after: seconds to the first poll, default 5) ...
 *         - output: { privateIp: 10.0.0.5 }   # ... then this answer
 *       undo:
 *         - invalid: no such instance #   Mastermind.Invalid
 *     connect:
 *       - cancel: cancelled by ops    #   Mastermind.Cancelled, as when the execution is cancelled before
 *                                     #   this move: the abort route, rollback included
 *     deploy:
 *       - taskTimeout: out of time    #   Mastermind.TaskTimeout: the task's timeout ran out during this move
 *                                     #   (the abort route, rollback included, whatever its onFailure)
 *
 * A reference with no value in the execution (a hook body field on a manual start, an index past the end of a
 * list) fails its move with Mastermind.Invalid before any answer is given, as the provider runtime does.
 * Henchmen and phases the scenario leaves out answer with plausible outputs built from the catalog's
 * output fields (strings "<henchman>-<field>", numbers 0, booleans false), so any task rehearses. A scenario
 * that names a henchman the task does not have is refused ({@link scenarioProblems}): its answers would never be
 * given, and the rehearsal would show a path the user did not mean.
 */
import { isMap, isScalar, LineCounter, parse, parseDocument } from 'yaml';
import { z } from 'zod';
import { catalog } from '#task/catalog';
import { didYouMean, listWords } from '#task/errors';
import type { FieldType, ProviderName } from '#task/catalog';
import { CancelledError, FailedError, InvalidError, TaskTimeoutError, TransientError } from '#providers/contract';
import type { Phase, ProviderEvent, ProviderResult } from '#providers/contract';
import { completeOutput } from '#providers/late';
import type { ProviderHandler } from './run.ts';

const answerSchema = z.union([
  z.strictObject({ output: z.record(z.string(), z.unknown()) }),
  z.strictObject({ fail: z.string() }),
  z.strictObject({ invalid: z.string() }),
  z.strictObject({ transient: z.string() }),
  z.strictObject({ cancel: z.string() }),
  z.strictObject({ taskTimeout: z.string() }),
  z.strictObject({ poll: z.number().int().min(1), after: z.number().int().min(1).optional() }),
]);
const answersSchema = z.union([answerSchema.transform((a) => [a]), z.array(answerSchema).min(1)]);
const phasesSchema = z.strictObject({ do: answersSchema.optional(), undo: answersSchema.optional(), poll: answersSchema.optional() });

export const scenarioSchema = z.strictObject({
  description: z.string().optional(),
  henchmen: z.record(z.string(), z.union([answersSchema.transform((answers) => ({ do: answers })), phasesSchema])).default({}),
});

export type Answer = z.infer<typeof answerSchema>;
export interface Scenario {
  description?: string;
  /** Per henchman, per phase: the answers, in order; the last repeats. */
  henchmen: Record<string, Partial<Record<Phase, Answer[]>>>;
}

/** Seconds a rehearsed poll asks to wait when the scenario does not say. */
export const DEFAULT_POLL_AFTER = 5;

/** Parses a scenario (YAML or JSON); throws one error listing every problem with its place. */
export function loadScenario(text: string): Scenario {
  let value: unknown;
  try {
    value = parse(text) ?? {};
  } catch (error) {
    throw new Error(`the scenario is not YAML or JSON: ${(error as Error).message}`);
  }
  const result = scenarioSchema.safeParse(value);
  if (result.success) return result.data as Scenario;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(the scenario)'}: ${explain(issue)}`);
  throw new Error(`the scenario is not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

function explain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') return 'an answer is one of { output: {...} }, { fail: text }, { invalid: text }, { transient: text }, { cancel: text }, { taskTimeout: text }, { poll: N, after?: seconds }';
  return issue.message;
}

/** One thing wrong with a scenario for a task: its place in the scenario (line and column when known) and why. */
export interface ScenarioProblem {
  readonly place: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/** Every henchman the scenario names that the task does not have, each with its place in the scenario's text. */
export function scenarioProblems(text: string, scenario: Scenario, henchmen: readonly string[]): ScenarioProblem[] {
  const unknown = Object.keys(scenario.henchmen).filter((name) => !henchmen.includes(name));
  if (unknown.length === 0) return [];
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const node = document.get('henchmen', true);
  const where = new Map<string, { line: number; column: number }>();
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.range) {
        const { line, col } = lineCounter.linePos(pair.key.range[0]);
        where.set(String(pair.key.value), { line, column: col });
      }
    }
  }
  return unknown.map((name) => ({
    place: `henchmen.${name}`,
    message: `the task has no henchman ${name}${didYouMean(name, henchmen)}; its henchmen are ${listWords(henchmen, 'and')}`,
    ...where.get(name),
  }));
}

function sample(type: FieldType, henchman: string, field: string): unknown {
  switch (type) {
    case 'string':
    case 'duration':
      return `${henchman}-${field}`;
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string[]':
      return [`${henchman}-${field}`];
    case 'integer[]':
      return [0];
    case 'map':
    case 'object':
      return {};
    case 'object[]':
      return [];
  }
}

/** A plausible output of an action, from the catalog's output fields. */
export function plausibleOutput(provider: ProviderName, action: string, henchman: string): Record<string, unknown> {
  const spec = catalog[provider]?.actions[action];
  return Object.fromEntries(Object.entries(spec?.output ?? {}).map(([field, f]) => [field, sample(f.type, henchman, field)]));
}

export function rehearsalHandler(scenario: Scenario): ProviderHandler {
  const cursors = new Map<string, number>();
  /**
   * Per henchman and `each` item: the "ask me again" answers still to give, the seconds the first asked for, and
   * the phase (do or undo) that waits.
   * Every poll is handed back the state of the first answer, so the count lives here; a move's polls never
   * overlap with its next do or undo call.
   */
  const waiting = new Map<string, { left: number; after: number; phase: 'do' | 'undo' }>();

  /** The next answer of a henchman's phase; the last one repeats. */
  function next(henchman: string, phase: Phase): Answer | undefined {
    const answers = scenario.henchmen[henchman]?.[phase];
    if (!answers) return undefined;
    const key = `${henchman}\u0000${phase}`;
    const at = cursors.get(key) ?? 0;
    cursors.set(key, at + 1);
    return answers[Math.min(at, answers.length - 1)];
  }

  function give(answer: Answer | undefined, event: ProviderEvent, provider: ProviderName, key: string): ProviderResult {
    if (answer === undefined) return { output: plausibleOutput(provider, event.action, event.context.henchman) };
    // As the provider runtime does: every output field the catalog lists is there (null or [] when the scenario leaves it out).
    if ('output' in answer) return { output: completeOutput(answer.output, catalog[provider]?.actions[event.action]?.output ?? {}) };
    if ('fail' in answer) throw new FailedError(answer.fail);
    if ('invalid' in answer) throw new InvalidError(answer.invalid);
    if ('transient' in answer) throw new TransientError(answer.transient);
    if ('cancel' in answer) throw new CancelledError(answer.cancel);
    if ('taskTimeout' in answer) throw new TaskTimeoutError(answer.taskTimeout);
    const after = answer.after ?? DEFAULT_POLL_AFTER;
    waiting.set(key, { left: answer.poll - 1, after, phase: event.phase === 'undo' ? 'undo' : 'do' });
    return { poll: { after, state: { rehearsal: answer } } };
  }

  return async (event, provider) => {
    const henchman = event.context.henchman;
    const key = `${henchman}\u0000${event.context.item ?? ''}`;
    if (event.phase !== 'poll') {
      waiting.delete(key);
      return give(next(henchman, event.phase), event, provider, key);
    }
    if (scenario.henchmen[henchman]?.poll) return give(next(henchman, 'poll'), event, provider, key);
    const wait = waiting.get(key);
    if (wait && wait.left > 0) {
      wait.left -= 1;
      // Later rounds wait as the state machine does: the action's catalog interval.
      return { poll: { after: catalog[provider]?.actions[event.action]?.polls?.every ?? wait.after, state: event.poll } };
    }
    waiting.delete(key);
    // "poll N times, then answer": the answer after the poll entry in the sequence of the phase that waits.
    return give(next(henchman, wait?.phase ?? 'do'), event, provider, key);
  };
}

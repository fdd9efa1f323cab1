/**
 * The compiler's entry: a valid task (plus project settings) → Amazon States Language. Pure.
 *
 *   start states → per henchman: its states, its retreat → the undo walk (each undo once, for every retreat and
 *   the rollback) → the abort route (rollback) → the resume states (every henchman an ordinary start reaches) →
 *   graph → definition
 *
 * The layout of the execution state and the names of helper states: ./compiler/layout.ts.
 */
import { findAction, type ProjectSettings, type ProviderName } from './catalog.ts';
import { MAX_TEXT } from '#providers/contract';
import type { StateMachineDefinition } from './compiler/asl.ts';
import { CompileError, StateGraph } from './compiler/graph.ts';
import { entryOf, henchmanStates, pollingRecords } from './compiler/henchman.ts';
import type { PlotContext } from './compiler/henchman.ts';
import { MAX_EACH_ITEMS, NAMES, TEXT_BUDGET } from './compiler/layout.ts';
import { sharedContext } from './compiler/payload.ts';
import type { PayloadScope } from './compiler/payload.ts';
import { abortEntry, abortRoute, rollbackSeconds } from './compiler/rollback.ts';
import { DEADLINE_GRACE_SECONDS } from './invocation.ts';
import { retreatRanges, retreatStates } from './compiler/retreat.ts';
import { resumeStates, startStates } from './compiler/start.ts';
import { abortErrors, seconds, succeed } from './compiler/states.ts';
import { walkPlan, walkStates } from './compiler/walk.ts';
import { handoverOf, handoverStates } from './compiler/handover.ts';
import type { TaskError } from './errors.ts';
import type { SourceFormat } from './parse.ts';
import { templatesOf } from './references.ts';
import type { Henchman, Task } from './schema.ts';
import type { SecretLayout } from './secret-layout.ts';
import { conformanceErrors } from './conformance.ts';
import { checkTask, locateErrors } from './validate.ts';

export type { StateMachineDefinition } from './compiler/asl.ts';
export { CompileError } from './compiler/graph.ts';

export interface CompileOptions {
  /** Settings fill inputs the task leaves out; `${project.x}` resolves at compile time. */
  project?: ProjectSettings & { name?: string };
  /** Provider Lambda ARNs; placeholders when left out. */
  providers?: Partial<Record<ProviderName, string>>;
  /** The task version, into the event context. */
  version?: number;
  /** Where each project's secrets lie, for validation (compileSource); DEFAULT_SECRET_LAYOUT when left out. */
  secrets?: SecretLayout;
}

/** The ARN used for a provider the options do not name. */
export function placeholderArn(provider: ProviderName): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:mastermind-${provider}`;
}

/**
 * The most characters each text output field (stdout, stderr) may keep so that all of them together stay within
 * TEXT_BUDGET; undefined when the providers' own cut (MAX_TEXT) already does.
 */
const textFieldsOf = new WeakMap<object, number>();

/** How many text fields an action's output has, counted once per action (the catalog is fixed). */
function textFields(output: Readonly<Record<string, { type: string }>>): number {
  let count = textFieldsOf.get(output);
  if (count === undefined) textFieldsOf.set(output, (count = Object.values(output).filter((f) => f.type === 'string').length));
  return count;
}

export function textShare(task: Task): number | undefined {
  let fields = 0;
  for (const h of task.plot) {
    const output = findAction(h.provider, h.action)?.output ?? {};
    if (Object.hasOwn(output, 'stdout')) fields += textFields(output) * (h.each === undefined ? 1 : MAX_EACH_ITEMS);
  }
  if (fields === 0) return undefined;
  const share = Math.floor(TEXT_BUDGET / fields);
  return share >= MAX_TEXT ? undefined : share;
}

export function compileTask(task: Task, options: CompileOptions = {}): StateMachineDefinition {
  const { name: projectName, ...settings } = options.project ?? {};
  const maxText = textShare(task);
  const scope: PayloadScope = {
    project: projectName ?? task.project ?? 'default',
    task: task.task,
    version: options.version ?? 0,
    settings,
    ...(task.timeout ? { taskTimeout: seconds(task.timeout) } : {}),
    params: new Set(Object.entries(task.params ?? {}).flatMap(([name, p]) => (p.default === undefined ? [] : [name]))),
    ...(maxText !== undefined ? { maxText } : {}),
    // The same strings were parsed by the validation of this task object: its parses are reused.
    template: templatesOf(task),
  };
  const plot = task.plot;
  const graph = new StateGraph();
  const abortFirst = abortEntry(task);
  // A task whose worst case does not fit one execution's history is played as a chain of executions.
  const handover = handoverOf(task, scope.version);
  // Lookups by name and by henchman, built once: a search of the plot per henchman is quadratic on large plots.
  const byName = new Map<string, Henchman>();
  for (const h of plot) if (!byName.has(h.name)) byName.set(h.name, h);
  scope.plot = byName;
  const following = new Map<Henchman, Henchman | undefined>();
  plot.forEach((h, i) => {
    if (!following.has(h)) following.set(h, plot[i + 1]);
  });
  const entry = (name: string): string => {
    const h = byName.get(name);
    return h ? entryOf(h) : name;
  };
  const ctx: PlotContext = {
    graph,
    scope,
    functionName: (provider) => options.providers?.[provider] ?? placeholderArn(provider),
    advance: (h: Henchman) => {
      if (h.next === 'end') return null;
      if (h.next !== undefined) return entry(h.next);
      const after = following.get(h);
      return after ? entryOf(after) : null;
    },
    failureRoute: (h: Henchman) => {
      const f = h.onFailure ?? 'abort';
      if (typeof f === 'object' && 'goto' in f) return entry(f.goto);
      if (typeof f === 'object') return NAMES.retreatChoice(h.name);
      return abortFirst;
    },
    entry,
    abortEntry: abortFirst,
    abortErrors: abortErrors(task),
    ...(handover ? { handover } : {}),
  };
  const context = sharedContext(scope);
  const records = pollingRecords(task);
  for (const [name, state] of Object.entries(startStates(task, entryOf(plot[0]!), context, handover, records))) graph.add(name, state);
  const walk = walkPlan(task);
  const retreats = new Map(retreatRanges(task).map((r) => [r.henchman, r]));
  for (const h of plot) {
    henchmanStates(h, ctx);
    const retreat = retreats.get(h);
    if (retreat) retreatStates(h, retreat.from, retreat.to, task, ctx);
  }
  walkStates(task, walk, ctx);
  abortRoute(task, walk, ctx);
  if (handover) for (const [name, state] of Object.entries(handoverStates(handover, context))) graph.add(name, state);
  graph.add(NAMES.done, succeed());
  // A resume may begin at any henchman an ordinary execution reaches (one it never reaches stays out).
  const played = graph.reachable(NAMES.params);
  const resumable = plot.filter((h) => byName.get(h.name) === h && played.has(entryOf(h)));
  for (const [name, state] of Object.entries(resumeStates(resumable, entryOf, context, handover !== undefined, records))) graph.add(name, state);
  return {
    Comment: task.description ? `${task.task}: ${task.description}` : task.task,
    StartAt: NAMES.start,
    ...(task.timeout ? { TimeoutSeconds: machineTimeoutSeconds(task) } : {}),
    States: graph.render(NAMES.start),
  };
}

/**
 * The state machine's own TimeoutSeconds, only a last net: the task's timeout, the grace a provider has to end the move
 * under way at the task's deadline and report it (DEADLINE_GRACE_SECONDS), and the time the rollback may take
 * (rollbackSeconds). The task's timeout itself is kept by the providers (context.taskTimeout): the move under way is
 * ended at it and the abort route taken, rollback included.
 */
export function machineTimeoutSeconds(task: Task): number {
  return seconds(task.timeout!) + DEADLINE_GRACE_SECONDS + rollbackSeconds(task);
}

/**
 * Source text → checked task → definition; every error of the task, the one the compiler met, or every limit of
 * AWS the definition breaks (./conformance.ts).
 */
export function compileSource(
  source: string,
  options: CompileOptions & { format?: SourceFormat } = {},
): { task?: Task; definition?: StateMachineDefinition; errors: TaskError[] } {
  const { name, ...settings } = options.project ?? {};
  const { task, errors } = checkTask(source, {
    format: options.format,
    project: options.project ? settings : undefined,
    ...(name !== undefined ? { projectName: name } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
  if (!task || errors.length > 0) return { errors };
  try {
    const definition = compileTask(task, options);
    // What AWS would refuse at save time is an error of the task, at the henchman that causes it.
    const refused = conformanceErrors(task, definition);
    if (refused.length > 0) {
      // Reading the source again for positions costs as much as the first read: only when a place can be located.
      const located = refused.some((e) => e.place !== '') ? locateErrors(source, refused, options.format) : refused;
      return { task, errors: located };
    }
    return { task, definition, errors: [] };
  } catch (error) {
    if (error instanceof CompileError) return { task, errors: [{ code: 'compile-error', place: '', message: error.message }] };
    throw error;
  }
}

/**
 * Undo steps, and the abort route.
 *
 * An undo step is a guard ("<chain>?": is the henchman's output present, i.e. completed and not taken
 * back?) and a Task state calling the undo action with phase "undo" (with a poll loop, ./poll.ts, when that
 * action waits for the world: "<chain> poll?", ...); a henchman taken back is recorded as { undone: true } in
 * its place of $.out.
 *
 * The abort route: with `rollback: true`, every completed move that has an undo is undone, newest first
 * ("rollback: <henchman>?" / "rollback: <henchman>"), a failing undo is recorded in out.<henchman>.undoFailed
 * and the rollback goes on; then the "task: aborted" Fail state fails the execution with $.failure.
 */
import { findAction } from '../catalog.ts';
import type { ProviderName } from '../catalog.ts';
import type { Henchman, Task } from '../schema.ts';
import type { Catcher, State } from './asl.ts';
import { isPresent } from './expect.ts';
import { CompileError, StateGraph } from './graph.ts';
import type { PlotContext } from './henchman.ts';
import { LAMBDA_MAX_SECONDS } from '../invocation.ts';
import { MAX_EACH_ITEMS, NAMES, outputPath, recordPath, STATE, undoPollPath } from './layout.ts';
import { eventTemplate } from './payload.ts';
import { DEFAULT_POLL_TIMEOUT, pollingMove, timeoutFailure } from './poll.ts';
import { moveTiming } from './deadline.ts';
import type { MoveTiming } from './deadline.ts';
import { choice, ERRORS, fail, invoke, pass, retriers, succeed } from './states.ts';
import { undoable, undoPlan } from './undo.ts';
import type { UndoPlan } from './undo.ts';

export interface UndoStep {
  /** The guard's name; the Task state's name is the same without the trailing "?". */
  readonly guard: string;
  readonly task: string;
}

/**
 * Adds the undo steps of `chain` (newest first), each going on to the next, the last to `then`.
 * `onUndoFailure(h)` says where a failing undo goes. Returns the first state of the chain (or `then`).
 */
export function undoChain(
  chain: readonly Henchman[],
  stepName: (h: Henchman) => string,
  then: string,
  onUndoFailure: (h: Henchman, next: string) => Catcher[],
  ctx: PlotContext,
): string {
  let next = then;
  for (const h of [...chain].reverse()) {
    if (!undoable(h)) throw new CompileError(`${h.name} cannot be undone`);
    const taskName = stepName(h);
    const guardName = `${taskName}?`;
    ctx.graph.add(guardName, choice([{ rule: isPresent(outputPath(h.name)), next: taskName }], next));
    if (h.each === undefined) undoStates(h, taskName, ctx, onUndoFailure(h, next), next);
    else ctx.graph.add(taskName, undoMap(h, taskName, ctx, onUndoFailure(h, next), next));
    next = guardName;
  }
  return next;
}

/** How long the undo of a henchman may take, and whether it waits (for the world, or for a detached command). */
function undoTiming(h: Henchman, plan: UndoPlan): MoveTiming {
  const given = typeof h.undo === 'object' ? h.undo.with : h.with;
  return moveTiming({ provider: h.provider, action: plan.action, with: given, timeout: h.timeout }, findAction(h.provider, plan.action), DEFAULT_POLL_TIMEOUT);
}

/**
 * The undo Task state `name`, recording { undone: true } in out.<henchman>. An undo action that polls waits
 * through the same poll loop as a forward move ("<name> poll?", ...), its answers kept in out.<henchman>.undoing;
 * a wait that reaches the bound fails like the undo itself would (recorded and routed as its Catch says).
 */
function undoStates(h: Henchman, name: string, ctx: PlotContext, catchers: Catcher[], next: string): void {
  const plan = undoPlan(h, ctx.scope);
  const functionName = ctx.functionName(h.provider as ProviderName);
  const timing = undoTiming(h, plan);
  const event = eventTemplate(
    { henchman: h.name, action: plan.action, input: plan.input, secrets: plan.secrets, late: plan.late, phase: 'undo', timeout: timing.contextTimeout, detach: timing.detach },
    ctx.scope,
  );
  const timeoutSeconds = timing.taskTimeoutSeconds;
  if (!timing.polls) {
    ctx.graph.add(
      name,
      invoke({ functionName, payload: event, resultSelector: { undone: true }, resultPath: recordPath(h.name), timeoutSeconds, retry: retriers(h.retry), catch: catchers, target: next }),
    );
    return;
  }
  const caught = catchers[0]!;
  const { spec: polls, bound, timeout } = timing.polls;
  pollingMove(ctx.graph, {
    first: name,
    functionName,
    event,
    slot: undoPollPath(h.name),
    bound,
    every: polls.every,
    firstWait: polls.firstWait,
    timeoutSeconds,
    retry: retriers(h.retry),
    catch: catchers,
    output: pass({ result: { undone: true }, resultPath: recordPath(h.name), target: next }),
    timedOut: pass({ result: timeoutFailure(`the undo of ${h.name}`, timeout), resultPath: caught.ResultPath ?? STATE.failure, target: caught.Next }),
  });
}

/** The undo of an `each` henchman: an inline Map over its list of outputs, one undo per item that did not fail. */
function undoMap(h: Henchman, name: string, ctx: PlotContext, catchers: Catcher[], next: string): State {
  const itemScope = { ...ctx.scope, item: STATE.itemValue };
  const plan = undoPlan(h, itemScope, STATE.itemValue);
  const timing = undoTiming(h, plan);
  const event = eventTemplate(
    { henchman: h.name, action: plan.action, input: plan.input, secrets: plan.secrets, late: plan.late, phase: 'undo', timeout: timing.contextTimeout, detach: timing.detach },
    itemScope,
  );
  const item = `${name} item`;
  // An item that failed (./henchman.ts eachState) has nothing to take back: "<name> item?" skips it.
  const guard = `${item}?`;
  const skipped = `${item} skipped`;
  const inner = new StateGraph();
  inner.add(guard, choice([{ rule: isPresent('$.value.failed'), next: skipped }], item));
  inner.add(skipped, succeed());
  const functionName = ctx.functionName(h.provider as ProviderName);
  const timeoutSeconds = timing.taskTimeoutSeconds;
  if (timing.polls) {
    const { spec: polls, bound, timeout } = timing.polls;
    pollingMove(inner, {
      first: item,
      functionName,
      event: '$.event',
      marked: 'secrets' in event,
      late: 'late' in event,
      slot: '$.poll',
      bound,
      every: polls.every,
      firstWait: polls.firstWait,
      timeoutSeconds,
      retry: retriers(h.retry),
      output: succeed(),
      timedOut: fail({ error: ERRORS.timeout, cause: timeoutFailure(`the undo of ${h.name}`, timeout).Cause }),
    });
  } else {
    inner.add(item, invoke({ functionName, payload: '$.event', resultSelector: { undone: true }, timeoutSeconds, retry: retriers(h.retry), target: null }));
  }
  return {
    Type: 'Map',
    ItemsPath: outputPath(h.name),
    ItemSelector: { event, 'value.$': STATE.itemValue },
    ...(h.concurrency ? { MaxConcurrency: h.concurrency } : {}),
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: guard,
      States: inner.render(guard),
    },
    ResultSelector: { undone: true },
    ResultPath: recordPath(h.name),
    Catch: catchers,
    Next: next,
  };
}

/**
 * The most seconds the rollback of a task can take, the bound of each undo step added up: a step's Task
 * TimeoutSeconds (its limit + the grace: ../invocation.ts), or the Lambda's own 15 minutes when its henchman gives no
 * timeout; an undo that polls adds its poll bound; an `each` undo counts its items one batch of `concurrency` after
 * another (MAX_EACH_ITEMS at most). Retries of transient errors are not counted. 0 without `rollback: true`.
 */
export function rollbackSeconds(task: Task): number {
  if (!task.rollback) return 0;
  let total = 0;
  for (const h of task.plot.filter(undoable)) {
    const action = typeof h.undo === 'string' ? h.undo! : h.undo!.action;
    const given = typeof h.undo === 'object' ? h.undo.with : h.with;
    const timing = moveTiming({ provider: h.provider, action, with: given, timeout: h.timeout }, findAction(h.provider, action), DEFAULT_POLL_TIMEOUT);
    const step = (timing.taskTimeoutSeconds ?? LAMBDA_MAX_SECONDS) + (timing.polls?.bound ?? 0);
    const batches = h.each === undefined ? 1 : Math.ceil(MAX_EACH_ITEMS / Math.min(h.concurrency ?? MAX_EACH_ITEMS, MAX_EACH_ITEMS));
    total += step * batches;
  }
  return total;
}

/** The first state of the abort route. */
export function abortEntry(task: Task): string {
  const newest = task.rollback ? task.plot.filter(undoable).pop() : undefined;
  return newest ? `${NAMES.rollbackUndo(newest.name)}?` : NAMES.aborted;
}

/** Adds the abort route (see {@link abortEntry} for its first state). */
export function abortRoute(task: Task, ctx: PlotContext): void {
  if (task.rollback) {
    undoChain(
      task.plot.filter(undoable).reverse(),
      (h) => NAMES.rollbackUndo(h.name),
      NAMES.aborted,
      (h, next) => [{ ErrorEquals: ['States.ALL'], ResultPath: `${recordPath(h.name)}.undoFailed`, Next: next }],
      ctx,
    );
  }
  ctx.graph.add(NAMES.aborted, fail({ errorPath: `${STATE.failure}.Error`, causePath: `${STATE.failure}.Cause` }));
}

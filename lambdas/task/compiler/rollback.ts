/**
 * Undo steps, and the abort route.
 *
 * An undo step is a guard ("<chain>?": is the henchman's output present, i.e. completed and not taken
 * back?) and a Task state calling the undo action with phase "undo"; a henchman taken back is recorded
 * as { undone: true } in its place of $.out.
 *
 * The abort route: with `rollback: true`, every completed move that has an undo is undone, newest first
 * ("rollback: <henchman>?" / "rollback: <henchman>"), a failing undo is recorded in out.<henchman>.undoFailed
 * and the rollback goes on; then the "task: aborted" Fail state fails the execution with $.failure.
 */
import type { ProviderName } from '../catalog.ts';
import type { Henchman, Task } from '../schema.ts';
import type { Catcher, State } from './asl.ts';
import { isPresent } from './expect.ts';
import { CompileError } from './graph.ts';
import type { PlotContext } from './henchman.ts';
import { NAMES, outputPath, recordPath, STATE } from './layout.ts';
import { eventTemplate } from './payload.ts';
import { choice, fail, invoke, retriers, seconds } from './states.ts';
import { undoable, undoPlan } from './undo.ts';

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
    ctx.graph.add(taskName, h.each === undefined ? undoTask(h, ctx, onUndoFailure(h, next), next) : undoMap(h, taskName, ctx, onUndoFailure(h, next), next));
    next = guardName;
  }
  return next;
}

function undoTask(h: Henchman, ctx: PlotContext, catchers: Catcher[], next: string): State {
  const plan = undoPlan(h, ctx.scope);
  return invoke({
    functionName: ctx.functionName(h.provider as ProviderName),
    payload: eventTemplate({ henchman: h.name, action: plan.action, input: plan.input, phase: 'undo' }, ctx.scope),
    resultSelector: { undone: true },
    resultPath: recordPath(h.name),
    ...(h.timeout ? { timeoutSeconds: seconds(h.timeout) } : {}),
    retry: retriers(h.retry),
    catch: catchers,
    target: next,
  });
}

/** The undo of an `each` henchman: an inline Map over its list of outputs, one undo per item. */
function undoMap(h: Henchman, name: string, ctx: PlotContext, catchers: Catcher[], next: string): State {
  const itemScope = { ...ctx.scope, item: STATE.itemValue };
  const plan = undoPlan(h, itemScope, STATE.itemValue);
  const item = `${name} item`;
  return {
    Type: 'Map',
    ItemsPath: outputPath(h.name),
    ItemSelector: { event: eventTemplate({ henchman: h.name, action: plan.action, input: plan.input, phase: 'undo' }, itemScope) },
    ...(h.concurrency ? { MaxConcurrency: h.concurrency } : {}),
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: item,
      States: {
        [item]: invoke({
          functionName: ctx.functionName(h.provider as ProviderName),
          payload: '$.event',
          resultSelector: { undone: true },
          ...(h.timeout ? { timeoutSeconds: seconds(h.timeout) } : {}),
          retry: retriers(h.retry),
          target: null,
        }),
      },
    },
    ResultSelector: { undone: true },
    ResultPath: recordPath(h.name),
    Catch: catchers,
    Next: next,
  };
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

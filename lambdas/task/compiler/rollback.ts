/**
 * The abort route: with `rollback: true`, "task: rollback" starts the undo walk (./walk.ts) over every henchman with an
 * undo, newest first: each completed move (out.<henchman>.output present) is undone and recorded { undone: true }; a
 * failing undo is left in the history (the move keeps its output: it was not taken back) and the rollback goes on. Then the "task: aborted" Fail state
 * fails the execution with $.failure (the failure that started the abort route).
 */
import { findAction } from '../catalog.ts';
import type { Task } from '../schema.ts';
import type { PlotContext } from './henchman.ts';
import { LAMBDA_MAX_SECONDS } from '../invocation.ts';
import { MAX_EACH_ITEMS, NAMES, STATE, WALK, WALK_NAMES } from './layout.ts';
import { DEFAULT_POLL_TIMEOUT } from './poll.ts';
import { moveTiming } from './deadline.ts';
import { fail, pass } from './states.ts';
import { walkCount } from './handover.ts';
import { undoable } from './undo.ts';
import { rollbackWalk } from './walk.ts';
import type { WalkPlan } from './walk.ts';

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

/** The first state of the abort route: "task: rollback" when there is something to roll back, else "task: aborted". */
export function abortEntry(task: Task): string {
  return task.rollback && task.plot.some(undoable) ? WALK_NAMES.rollback : NAMES.aborted;
}

/** Adds the abort route (see {@link abortEntry} for its first state). */
export function abortRoute(task: Task, plan: WalkPlan, ctx: PlotContext): void {
  const walk = rollbackWalk(task, plan);
  if (walk) {
    ctx.graph.add(
      WALK_NAMES.rollback,
      ctx.handover
        ? pass({
            parameters: { at: walk.at, stop: walk.stop, mode: 'rollback', then: NAMES.aborted, ...walkCount(ctx.handover, ctx.handover.rollback) },
            resultPath: WALK.record,
            target: WALK_NAMES.fits,
          })
        : pass({ result: { at: walk.at, stop: walk.stop, mode: 'rollback', then: NAMES.aborted }, resultPath: WALK.record, target: WALK_NAMES.step }),
    );
  }
  ctx.graph.add(NAMES.aborted, fail({ errorPath: `${STATE.failure}.Error`, causePath: `${STATE.failure}.Cause` }));
}

/**
 * `onFailure: { retreat: T, times: N }` on henchman F:
 *
 *   "F: retreat?"  retreats.F < N ? → undo, newest first, every completed move from F back to T
 *                  ("F: undo H?" / "F: undo H", T included, those with an undo) → "F: retreat" → T
 *                  : → the abort route
 *   "F: retreat"   counts the retreat, and one more play of every henchman from T to F (their `attempt`)
 *
 * An undo that fails during a retreat takes the abort route (with rollback, it is tried again there).
 */
import type { Henchman, Task } from '../schema.ts';
import type { JsonObject } from './asl.ts';
import { CompileError } from './graph.ts';
import type { PlotContext } from './henchman.ts';
import { NAMES, playsPath, retreatsPath, STATE, stateKey } from './layout.ts';
import { undoChain } from './rollback.ts';
import { catchAll, choice, pass } from './states.ts';
import { undoable } from './undo.ts';

export function retreatOf(h: Henchman): { retreat: string; times: number } | undefined {
  return h.onFailure !== undefined && typeof h.onFailure === 'object' && 'retreat' in h.onFailure ? h.onFailure : undefined;
}

/** The counters of the execution state: plays of every henchman, retreats of those that retreat. */
export function initialCount(task: Task): JsonObject {
  const plays: JsonObject = {};
  const retreats: JsonObject = {};
  for (const h of task.plot) {
    plays[stateKey(h.name)] = 1;
    if (retreatOf(h)) retreats[stateKey(h.name)] = 0;
  }
  return { plays, retreats };
}

export function retreatStates(failed: Henchman, task: Task, ctx: PlotContext, abortEntry: string): void {
  const { retreat: target, times } = retreatOf(failed)!;
  const from = task.plot.findIndex((h) => h.name === target);
  const to = task.plot.findIndex((h) => h.name === failed.name);
  if (from < 0 || from > to) throw new CompileError(`${failed.name} retreats to "${target}", which is not this henchman or an earlier one`);
  const range = task.plot.slice(from, to + 1);

  const plays: JsonObject = {};
  for (const h of task.plot) plays[`${stateKey(h.name)}.$`] = range.includes(h) ? `States.MathAdd(${playsPath(h.name)}, 1)` : playsPath(h.name);
  const retreats: JsonObject = {};
  for (const h of task.plot.filter((p) => retreatOf(p))) {
    retreats[`${stateKey(h.name)}.$`] = h === failed ? `States.MathAdd(${retreatsPath(h.name)}, 1)` : retreatsPath(h.name);
  }
  ctx.graph.add(NAMES.retreat(failed.name), pass({ parameters: { plays, retreats }, resultPath: STATE.count, target: ctx.entry(target) }));

  const first = undoChain(
    range.filter(undoable).reverse(),
    (h) => NAMES.retreatUndo(failed.name, h.name),
    NAMES.retreat(failed.name),
    () => catchAll(abortEntry),
    ctx,
  );
  ctx.graph.add(
    NAMES.retreatChoice(failed.name),
    choice([{ rule: { Variable: retreatsPath(failed.name), NumericLessThan: times }, next: first }], abortEntry),
  );
}

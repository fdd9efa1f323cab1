/**
 * `onFailure: { retreat: T, times: N }` on henchman F:
 *
 *   "F: retreat?"       F's mark fewer than N times in $.count.retreats ? → "F: retreat" : → the abort route
 *   "F: retreat"        starts the undo walk (./walk.ts) from F down to T, then on to T: one Pass, whatever the
 *                       length of the plot; with F's mark added to the retreats taken and the next pass over the
 *                       plot counted ("walk: next pass" keeps both: $.count, the pass being the `attempt` of every
 *                       move played from there on)
 *   the walk            every henchman from F back to T, newest first: its completed move undone when it has an
 *                       undo ("undo: <h>") → T
 *
 * An undo that fails during a retreat takes the abort route (with rollback, it is tried again there).
 */
import type { Henchman, Task } from '../schema.ts';
import type { JsonObject } from './asl.ts';
import { CompileError } from './graph.ts';
import type { PlotContext } from './henchman.ts';
import { NAMES, PASS_PATH, RETREATS_PATH, retreatMark, WALK, WALK_NAMES } from './layout.ts';
import { choice, pass } from './states.ts';
import { walkCount } from './handover.ts';
import { retreatWalk } from './walk.ts';

export function retreatOf(h: Henchman): { retreat: string; times: number } | undefined {
  return h.onFailure !== undefined && typeof h.onFailure === 'object' && 'retreat' in h.onFailure ? h.onFailure : undefined;
}

/** The counters of the execution state: the pass over the plot (the first), the retreats taken (none). */
export function initialCount(task: Task): JsonObject {
  return task.plot.some((h) => retreatOf(h)) ? { pass: 1, retreats: '' } : { pass: 1 };
}

/** Matches a count of retreats in which `henchman`'s mark stands `times` times (or more). */
function takenPattern(henchman: string, times: number): string {
  return `*${`${retreatMark(henchman)}*`.repeat(times)}`;
}

/** Each retreat of the plot as the places (plot indexes) it goes from and back to; one that goes forward is a CompileError. */
export function retreatRanges(task: Task): { henchman: Henchman; from: number; to: number; times: number }[] {
  const index = new Map<string, number>();
  task.plot.forEach((h, i) => {
    if (!index.has(h.name)) index.set(h.name, i);
  });
  return task.plot.flatMap((h, from) => {
    const retreat = retreatOf(h);
    if (!retreat) return [];
    const to = index.get(retreat.retreat);
    if (to === undefined || to > from) throw new CompileError(`${h.name} retreats to "${retreat.retreat}", which is not this henchman or an earlier one`);
    return [{ henchman: h, from, to, times: retreat.times }];
  });
}

/** The states of the retreat of `failed` (at plot index `from`, back to index `to`); the walk itself: ./walk.ts. */
export function retreatStates(failed: Henchman, from: number, to: number, task: Task, ctx: PlotContext): void {
  const { times } = retreatOf(failed)!;
  const target = task.plot[to]!;
  const walk = retreatWalk(task, from, to);
  ctx.graph.add(
    NAMES.retreatChoice(failed.name),
    choice([{ rule: { Not: { Variable: RETREATS_PATH, StringMatches: takenPattern(failed.name, times) } }, next: NAMES.retreat(failed.name) }], ctx.abortEntry),
  );
  ctx.graph.add(
    NAMES.retreat(failed.name),
    pass({
      parameters: {
        at: walk.at,
        stop: walk.stop,
        mode: 'retreat',
        then: target.name,
        'retreats.$': `States.Format('{}${retreatMark(failed.name)}', ${RETREATS_PATH})`,
        'pass.$': `States.MathAdd(${PASS_PATH}, 1)`,
        ...(ctx.handover ? walkCount(ctx.handover, ctx.handover.walks.get(from)!) : {}),
      },
      resultPath: WALK.record,
      target: WALK_NAMES.nextPass,
    }),
  );
}

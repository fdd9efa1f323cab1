/**
 * The undo walk: how a retreat and the rollback take completed moves back, newest first, with each henchman's
 * undo states written once, whatever the number of retreats over it (the definition grows with the plot, not with
 * the square of it). A walk is data, `$.walk` (layout.ts WALK): the place it stands at, the place it stops at, its
 * mode and where it goes once past the stop. Its start is one Pass (a retreat: "<F>: retreat", ./retreat.ts; the
 * rollback: "task: rollback", ./rollback.ts); then:
 *
 *   "walk: step?"  ─at < stop→ `then` (the retreat's target; "task: aborted" for the rollback)
 *                  ├─at = the place of <h>, out.<h>.output present→ "undo: <h>"
 *                  │                                                                        → "walk: next"
 *                  └─else→ "walk: next"
 *   "walk: next"   at − 1 → "walk: step?"
 *   "undo: <h>"    the undo action (phase "undo", its attempt the pass the walk belongs to; when it waits for the
 *                  world, its first answer caught into the walk (`undoing`) → "undo: <h> wait" → "undo: <h>" again
 *                  (./poll.ts pollingTask); for `each` the Map "undo: <h> items", one undo per item that did not
 *                  fail) → "undo: <h> output": records { undone: true } in out.<h>
 *
 * A retreat begins the next pass over the plot before it walks ("walk: next pass": $.count.pass, the `attempt` of
 * every move from there on, and its mark in $.count.retreats), so a move played again after a retreat has an attempt
 * of its own.
 *
 * "Output present" is "completed and not taken back" (layout.ts). Places: the henchmen that have an undo, at their
 * index among them (plot order), one rule of "walk: step?" each. A retreat walks those from the failed henchman down
 * to its target (retreatWalk), the rollback all of them: neither visits a henchman that has nothing to take back.
 *
 * A failing undo (its errors after retries, or a poll still waiting at its bound) is caught into $.walk.error:
 * - during a retreat, "walk: abort" makes it the failure and takes the abort route (with rollback, the rollback
 *   tries that undo again);
 * - during the rollback, the walk goes on ("walk: next"; the failed undo is in the execution's history, and the
 *   move keeps its output: it was not taken back); the execution then fails with the failure that started the
 *   abort route.
 * "walk: undo failed?", one Choice on the walk's mode for every henchman, picks between the two when a henchman's
 * undo serves both.
 *
 * Transitions (state transitions, as Step Functions bills them): the rollback costs 2 ("task: rollback", the last
 * "walk: step?"), then 3 per move undone ("walk: step?", the undo, "walk: next") and 2 per henchman with an undo it
 * finds not completed or already undone. A retreat costs 4 ("<F>: retreat?", "<F>: retreat", "walk: next pass", the
 * last "walk: step?"), then 2 per henchman with an undo on its way ("walk: step?", "walk: next") and 1 more per move
 * undone. An undo whose action may wait costs 1 more ("undo: <h> output"), and 2 more when it waits ("undo: <h> wait",
 * the undo again), as a forward move does.
 */
import { findAction } from '../catalog.ts';
import type { ProviderName } from '../catalog.ts';
import type { Henchman, Task } from '../schema.ts';
import type { Catcher, ChoiceRule, State } from './asl.ts';
import { isPresent } from './expect.ts';
import { StateGraph } from './graph.ts';
import type { PlotContext } from './henchman.ts';
import { NAMES, outputPath, pollNames, recordPath, STATE, WALK, WALK_NAMES } from './layout.ts';
import { eventTemplate } from './payload.ts';
import { DEFAULT_POLL_TIMEOUT, pollingMove, pollingTask } from './poll.ts';
import { moveTiming } from './deadline.ts';
import type { MoveTiming } from './deadline.ts';
import { retreatRanges } from './retreat.ts';
import { choice, invoke, pass, retriers, succeed } from './states.ts';
import { undoable, undoPlan } from './undo.ts';
import { passFits } from './handover.ts';
import type { UndoPlan } from './undo.ts';

/** Who the walks visit, computed once per task. */
export interface WalkPlan {
  /** The henchmen some retreat passes over, with their plot index. */
  readonly replayed: ReadonlyMap<Henchman, number>;
  /** The retreats' targets, in plot order. */
  readonly targets: readonly Henchman[];
  /** The henchmen the rollback undoes (empty without `rollback: true`). */
  readonly rolledBack: ReadonlySet<Henchman>;
  /**
   * The walk's places: every henchman with an undo, at its index among them (plot order). A retreat and the rollback
   * walk the same places (one rule of "walk: step?" per henchman), and visit only the henchmen with an undo.
   */
  readonly places: ReadonlyMap<Henchman, number>;
}

export function walkPlan(task: Task): WalkPlan {
  const targets = new Set<Henchman>();
  // Which places some retreat covers, in one sweep (ranges overlap: marking each one would be quadratic).
  const opened = new Array<number>(task.plot.length + 1).fill(0);
  for (const { from, to } of retreatRanges(task)) {
    targets.add(task.plot[to]!);
    opened[to] = opened[to]! + 1;
    opened[from + 1] = opened[from + 1]! - 1;
  }
  const replayed = new Map<Henchman, number>();
  let open = 0;
  task.plot.forEach((h, i) => {
    open += opened[i]!;
    if (open > 0) replayed.set(h, i);
  });
  const withUndo = task.plot.filter(undoable);
  const places = new Map(withUndo.map((h, u) => [h, u]));
  const rolledBack = new Set(task.rollback ? withUndo : []);
  return { replayed, targets: task.plot.filter((h) => targets.has(h)), rolledBack, places };
}

/**
 * Where a retreat from plot index `from` back to `to` starts and stops its walk: the newest henchman with an undo at
 * or before `from`, down to the first at or after `to` (at < stop when there is none: the walk goes straight on).
 */
export function retreatWalk(task: Task, from: number, to: number): { at: number; stop: number } {
  let before = 0;
  let through = 0;
  task.plot.forEach((h, i) => {
    if (!undoable(h)) return;
    if (i < to) before += 1;
    if (i <= from) through += 1;
  });
  return { at: through - 1, stop: before };
}

/** Where the rollback's walk starts and stops: the newest henchman with an undo, down to the first. */
export function rollbackWalk(task: Task, plan: WalkPlan): { at: number; stop: number } | undefined {
  if (plan.rolledBack.size === 0) return undefined;
  return { at: plan.rolledBack.size - 1, stop: 0 };
}

/** Adds the walk's states: the dispatch, the step back, the next pass of a retreat, and each visited henchman's undo. */
export function walkStates(task: Task, plan: WalkPlan, ctx: PlotContext): void {
  if (plan.replayed.size === 0 && plan.rolledBack.size === 0) return;
  const { graph } = ctx;
  const past: ChoiceRule = { Variable: WALK.at, NumericLessThanPath: WALK.stop };
  const rules: { rule: ChoiceRule; next: string }[] = [];
  const { handover } = ctx;
  // A task played as a chain of executions goes on to the target only when one more pass fits this execution.
  const fits = handover ? [passFits(handover)] : [];
  for (const target of plan.targets) {
    rules.push({ rule: { And: [past, { Variable: WALK.then, StringEquals: target.name }, ...fits] }, next: ctx.entry(target.name) });
  }
  if (handover && plan.targets.length > 0) rules.push({ rule: { And: [past, { Variable: WALK.mode, StringEquals: 'retreat' }] }, next: WALK_NAMES.handOver });
  rules.push({ rule: past, next: NAMES.aborted });
  // Newest first, as the walks go: the places a walk meets first come first.
  const visited = [...plan.places].filter(([h]) => plan.replayed.has(h) || plan.rolledBack.has(h)).reverse();
  for (const [h, at] of visited) {
    rules.push({ rule: { And: [{ Variable: WALK.at, NumericEquals: at }, isPresent(outputPath(h.name))] }, next: undoEntry(h) });
  }
  graph.add(WALK_NAMES.step, choice(rules, WALK_NAMES.next));
  const stepBack: Record<string, string> = { 'at.$': `States.MathAdd(${WALK.at}, -1)`, 'stop.$': WALK.stop, 'then.$': WALK.then, 'mode.$': WALK.mode };
  if (handover) stepBack['spent.$'] = WALK.spent;
  graph.add(WALK_NAMES.next, pass({ parameters: stepBack, resultPath: WALK.record, target: WALK_NAMES.step }));
  if ([...plan.replayed.keys()].some(undoable)) graph.add(WALK_NAMES.abort, pass({ inputPath: WALK.error, resultPath: STATE.failure, target: ctx.abortEntry }));
  if (plan.targets.length > 0) {
    // A retreat begins the next pass over the plot: its number is every move's attempt from there on.
    graph.add(
      WALK_NAMES.nextPass,
      pass({ parameters: { 'pass.$': WALK.pass, 'retreats.$': WALK.retreats }, resultPath: STATE.count, target: handover ? WALK_NAMES.fits : WALK_NAMES.step }),
    );
  }

  for (const h of task.plot.filter((p) => undoable(p) && (plan.replayed.has(p) || plan.rolledBack.has(p)))) {
    const retreating = plan.replayed.has(h);
    const rollingBack = plan.rolledBack.has(h);
    // Once done, the walk goes on. Where an undo goes when it fails: a retreat takes the abort route, the rollback
    // goes on.
    const done = WALK_NAMES.next;
    const failed = retreating && rollingBack ? WALK_NAMES.undoFailed : retreating ? WALK_NAMES.abort : WALK_NAMES.next;
    const catchers: Catcher[] = [{ ErrorEquals: ['States.ALL'], ResultPath: WALK.error, Next: failed }];
    if (h.each === undefined) undoStates(h, ctx, catchers, done);
    else graph.add(WALK_NAMES.undoItems(h.name), undoMap(h, ctx, catchers, done));
    if (retreating && rollingBack) {
      if (!graph.has(WALK_NAMES.undoFailed)) {
        graph.add(WALK_NAMES.undoFailed, choice([{ rule: { Variable: WALK.mode, StringEquals: 'rollback' }, next: WALK_NAMES.next }], WALK_NAMES.abort));
      }
    }
  }
}

/** The first state of a henchman's undo. */
function undoEntry(h: Henchman): string {
  return h.each === undefined ? WALK_NAMES.undo(h.name) : WALK_NAMES.undoItems(h.name);
}

/** How long the undo of a henchman may take, and whether it waits (for the world, or for a detached command). */
function undoTiming(h: Henchman, plan: UndoPlan): MoveTiming {
  const given = typeof h.undo === 'object' ? h.undo.with : h.with;
  return moveTiming({ provider: h.provider, action: plan.action, with: given, timeout: h.timeout }, findAction(h.provider, plan.action), DEFAULT_POLL_TIMEOUT);
}

/**
 * "undo: <h>", recording { undone: true } in out.<h>, then "walk: next". An undo action that polls waits in its one
 * Task state as a forward move does ("undo: <h> wait", ./poll.ts pollingTask), its first answer kept in the walk
 * (`undoing`); a wait that reaches the bound fails like the undo itself would (into $.walk.error, routed as
 * `catchers` say).
 */
function undoStates(h: Henchman, ctx: PlotContext, catchers: Catcher[], next: string): void {
  const name = WALK_NAMES.undo(h.name);
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
  const { spec: polls, bound } = timing.polls;
  const output = pollNames(name).output;
  pollingTask(ctx.graph, {
    first: name,
    functionName,
    event,
    slot: WALK.undoing,
    was: WALK.record,
    bound,
    every: polls.every,
    firstWait: polls.firstWait,
    timeoutSeconds,
    retry: retriers(h.retry),
    catch: catchers,
    answered: output,
  });
  ctx.graph.add(output, pass({ result: { undone: true }, resultPath: recordPath(h.name), target: next }));
}

/**
 * The undo of an `each` henchman, "undo: <h> items": an inline Map over its list of outputs, one undo ("undo: <h>")
 * per item that did not fail ("undo: <h> skip?" passes the failed ones by).
 */
function undoMap(h: Henchman, ctx: PlotContext, catchers: Catcher[], next: string): State {
  const itemScope = { ...ctx.scope, item: STATE.itemValue };
  const plan = undoPlan(h, itemScope, STATE.itemValue);
  const timing = undoTiming(h, plan);
  const event = eventTemplate(
    { henchman: h.name, action: plan.action, input: plan.input, secrets: plan.secrets, late: plan.late, phase: 'undo', timeout: timing.contextTimeout, detach: timing.detach },
    itemScope,
  );
  const item = WALK_NAMES.undo(h.name);
  // An item that failed (./henchman.ts eachState) has nothing to take back.
  const guard = WALK_NAMES.undoItemGuard(h.name);
  const skipped = WALK_NAMES.undoItemSkipped(h.name);
  const inner = new StateGraph();
  inner.add(guard, choice([{ rule: isPresent('$.value.failed'), next: skipped }], item));
  inner.add(skipped, succeed());
  const functionName = ctx.functionName(h.provider as ProviderName);
  const timeoutSeconds = timing.taskTimeoutSeconds;
  if (timing.polls) {
    const { spec: polls, bound } = timing.polls;
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

/**
 * A reference to a henchman's output is valid only if that henchman has completed on every path that reaches
 * the referring one (a must-analysis on the flow graph: see Flow.completedBefore). A henchman that fails with
 * onFailure continue leaves a failure record and no output, one that fails over by goto or is undone by a
 * retreat has no output either: none of them is guaranteed. Undo inputs and expect values are read after the henchman itself ran.
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { completes } from '../flow.ts';
import type { FlowEdge } from '../flow.ts';
import { stringSites } from './context.ts';
import type { Rule, RuleContext } from './context.ts';

export const outputGuaranteed: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  const live = ctx.flow.reachable();
  for (const site of stringSites(task)) {
    const self = site.henchman.name;
    if (ctx.henchmen.get(self)?.index !== site.index || !live.has(self)) continue;
    const afterSelf = site.area === 'undo' || site.area === 'expect';
    for (const part of site.parsed.parts) {
      if (typeof part === 'string' || part.root !== 'henchman') continue;
      const target = ctx.henchmen.get(part.henchman ?? '')?.henchman;
      if (!target || target.fire === true) continue; // reported by the references rule
      if (ctx.flow.hasCompleted(self, target.name) || (afterSelf && target.name === self)) continue;
      const message =
        target.name === self
          ? `henchman '${self}' refers to ${part.text}, its own output, in its inputs: it has no output before it has run`
          : `henchman '${self}' refers to ${part.text}, but '${target.name}' may not have completed on every path to '${self}' (${explain(target.name, self, ctx)})`;
      errors.push(taskError('output-not-guaranteed', site.path, message));
    }
  }
  return errors;
};

/** Why `target` may not have completed on reaching `at`: from a shortest path where it has not. */
function explain(target: string, at: string, ctx: RuleContext): string {
  const path = witness(target, at, ctx);
  let reason: string | undefined;
  let has = false;
  for (const edge of path ?? []) {
    const before = has;
    has = step(has, edge, target, ctx);
    if (edge.from === target && !has && edge.kind === 'goto') reason = `'${target}' can fail and go to '${edge.to}'`;
    else if (edge.from === target && !has && edge.kind === 'continue') reason = `'${target}' can fail and continue, leaving a failure record instead of its output`;
    else if (edge.from === target && !has && edge.kind === 'retreat') reason = `'${target}' can fail and retreat to '${edge.to}'`;
    else if (before && !has) reason = `the retreat from '${edge.from}' to '${edge.to}' undoes it`;
    else if (!has && (edge.kind === 'next' || edge.kind === 'goto')) reason = `it can be skipped by the ${edge.kind} from '${edge.from}'`;
  }
  if (reason) return reason;
  const order = (n: string) => ctx.henchmen.get(n)?.index ?? 0;
  return order(target) > order(at) ? `'${target}' comes after '${at}' in the plot` : 'it can be skipped';
}

function step(has: boolean, edge: FlowEdge, target: string, ctx: RuleContext): boolean {
  let next = has || (edge.from === target && completes(edge, ctx.henchmen.get(target)?.henchman));
  if (edge.kind === 'retreat') {
    const low = ctx.henchmen.get(edge.to)?.index ?? 0;
    const high = ctx.henchmen.get(edge.from)?.index ?? 0;
    const index = ctx.henchmen.get(target)?.index ?? -1;
    if (index >= low && index <= high) next = false;
  }
  return next;
}

/** A shortest path of edges from the entry to `at` along which `target` has not completed, if any. */
function witness(target: string, at: string, ctx: RuleContext): FlowEdge[] | undefined {
  const entry = ctx.flow.entry;
  if (entry === undefined) return undefined;
  const key = (name: string, has: boolean) => `${has ? 1 : 0}:${name}`;
  const previous = new Map<string, { edge: FlowEdge; from: string } | null>([[key(entry, false), null]]);
  const queue: [string, boolean][] = [[entry, false]];
  while (queue.length > 0) {
    const [name, has] = queue.shift()!;
    if (name === at && !has) {
      const edges: FlowEdge[] = [];
      let cursor = previous.get(key(name, has));
      while (cursor) {
        edges.unshift(cursor.edge);
        cursor = previous.get(cursor.from);
      }
      return edges;
    }
    for (const edge of ctx.flow.edges) {
      if (edge.from !== name || !ctx.henchmen.has(edge.to)) continue;
      const nextHas = step(has, edge, target, ctx);
      const nextKey = key(edge.to, nextHas);
      if (previous.has(nextKey)) continue;
      previous.set(nextKey, { edge, from: key(name, has) });
      queue.push([edge.to, nextHas]);
    }
  }
  return undefined;
}

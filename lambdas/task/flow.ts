/**
 * The henchman-level control-flow graph of a task: which move can follow which, and why.
 *
 * Every henchman has a success route (advance to the next one, or its `next`) and a failure route
 * (`onFailure`: abort, continue, goto, retreat). The rules use it to prove that references are safe and
 * loops are bounded; the compiler uses it to wire states.
 */
import type { Henchman, Task } from './schema.ts';

export type FlowTarget = string | 'end' | 'fail';

export interface FlowEdge {
  from: string;
  to: FlowTarget;
  kind: 'advance' | 'next' | 'goto' | 'retreat' | 'continue' | 'abort';
}

export interface Flow {
  /** Every edge, henchman by henchman in plot order; edges to henchmen that do not exist are left out. */
  edges: FlowEdge[];
  /** The first henchman, where every execution starts. */
  entry: string | undefined;
  /** The henchman names in plot order (the first of duplicates only). */
  names: string[];
  /** Henchmen (not 'end' or 'fail') an edge from `name` leads to, each once, in edge order. */
  successors(name: string): string[];
  /** Henchmen with an edge into `name`. */
  predecessors(name: string): string[];
  /** Henchmen some execution can reach. */
  reachable(): Set<string>;
  /**
   * Henchmen that have completed (and not been undone by a retreat) on every path from the entry to
   * `name`: a forward must-analysis. A henchman completes when it leaves by advance or next; it has not
   * completed when it leaves by continue (its record is a failure record, with no output), goto or retreat,
   * and a retreat undoes the henchmen from its target to the failed one. `fire` henchmen never
   * complete (nothing waits for them). Unreachable henchmen get every name.
   */
  completedBefore(name: string): Set<string>;
  /** Whether `target` is in completedBefore(name), without building the set. */
  hasCompleted(name: string, target: string): boolean;
  /** Loops made only of advance / next / goto / continue edges (no retreat bounds them), as name lists. */
  unboundedLoops(): string[][];
}

/** Whether an edge means its source completed its move (and so has an output to refer to). */
export function completes(edge: FlowEdge, henchman: Henchman | undefined): boolean {
  return (edge.kind === 'advance' || edge.kind === 'next') && henchman?.fire !== true;
}

export function flowOf(task: Task): Flow {
  const plot = task.plot ?? [];
  const byName = new Map<string, { henchman: Henchman; index: number }>();
  plot.forEach((henchman, index) => {
    if (typeof henchman.name === 'string' && !byName.has(henchman.name)) byName.set(henchman.name, { henchman, index });
  });
  const names = [...byName.keys()];
  const exists = (target: string) => byName.has(target);

  const edges: FlowEdge[] = [];
  for (const [name, { henchman, index }] of byName) {
    const following = plot[index + 1]?.name;
    let success: { to: FlowTarget; kind: 'advance' | 'next' } | undefined;
    if (henchman.next === 'end') success = { to: 'end', kind: 'next' };
    else if (henchman.next !== undefined) success = exists(henchman.next) ? { to: henchman.next, kind: 'next' } : undefined;
    else success = { to: following !== undefined && exists(following) ? following : 'end', kind: 'advance' };
    if (success) edges.push({ from: name, ...success });

    const onFailure = henchman.onFailure;
    if (onFailure === 'continue') {
      if (success) edges.push({ from: name, to: success.to, kind: 'continue' });
    } else if (onFailure !== undefined && typeof onFailure === 'object' && 'goto' in onFailure) {
      if (exists(onFailure.goto)) edges.push({ from: name, to: onFailure.goto, kind: 'goto' });
    } else if (onFailure !== undefined && typeof onFailure === 'object' && 'retreat' in onFailure) {
      if (exists(onFailure.retreat)) edges.push({ from: name, to: onFailure.retreat, kind: 'retreat' });
      edges.push({ from: name, to: 'fail', kind: 'abort' });
    } else {
      edges.push({ from: name, to: 'fail', kind: 'abort' });
    }
  }

  const outgoing = new Map<string, FlowEdge[]>(names.map((n) => [n, []]));
  const incoming = new Map<string, FlowEdge[]>(names.map((n) => [n, []]));
  for (const edge of edges) {
    outgoing.get(edge.from)!.push(edge);
    if (incoming.has(edge.to)) incoming.get(edge.to)!.push(edge);
  }
  const entry = plot[0]?.name !== undefined && exists(plot[0].name) ? plot[0].name : undefined;

  const successors = (name: string) => unique((outgoing.get(name) ?? []).map((e) => e.to).filter(exists));
  const predecessors = (name: string) => unique((incoming.get(name) ?? []).map((e) => e.from));

  let reachableCache: Set<string> | undefined;
  const reachable = () => {
    if (reachableCache) return reachableCache;
    const seen = new Set<string>();
    const stack = entry === undefined ? [] : [entry];
    while (stack.length > 0) {
      const name = stack.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      stack.push(...successors(name));
    }
    reachableCache = seen;
    return seen;
  };

  // The must-analysis works on bit sets indexed by plot position: a meet is a word-wise AND, so a plot of a
  // thousand henchmen costs a few thousand word operations per pass instead of a million set operations.
  const words = Math.ceil(names.length / 32) || 1;
  const position = new Map(names.map((n, i) => [n, i]));
  let completedCache: Map<string, Uint32Array> | undefined;
  const analyse = () => {
    if (completedCache) return completedCache;
    const full = () => new Uint32Array(words).fill(0xffffffff);
    const before = new Map<string, Uint32Array>(names.map((n) => [n, full()]));
    if (entry !== undefined) before.set(entry, new Uint32Array(words));
    const indexOf = (n: string) => byName.get(n)!.index;
    const after = (edge: FlowEdge): Uint32Array => {
      const out = before.get(edge.from)!.slice();
      if (completes(edge, byName.get(edge.from)?.henchman)) {
        const at = position.get(edge.from)!;
        out[at >>> 5]! |= 1 << (at & 31);
      }
      if (edge.kind === 'retreat') {
        const low = indexOf(edge.to);
        const high = indexOf(edge.from);
        names.forEach((n, at) => {
          if (indexOf(n) >= low && indexOf(n) <= high) out[at >>> 5]! &= ~(1 << (at & 31));
        });
      }
      return out;
    };
    const live = reachable();
    let changed = true;
    while (changed) {
      changed = false;
      for (const name of names) {
        if (!live.has(name)) continue;
        let meet: Uint32Array | undefined = name === entry ? new Uint32Array(words) : undefined;
        for (const edge of incoming.get(name)!) {
          if (!live.has(edge.from)) continue;
          const flowing = after(edge);
          if (meet === undefined) meet = flowing;
          else for (let w = 0; w < words; w += 1) meet[w]! &= flowing[w]!;
        }
        const current = before.get(name)!;
        if (meet !== undefined && meet.some((word, w) => word !== current[w])) {
          before.set(name, meet);
          changed = true;
        }
      }
    }
    completedCache = before;
    return before;
  };
  const hasCompleted = (name: string, target: string): boolean => {
    const bits = analyse().get(name);
    const at = position.get(target);
    return bits !== undefined && at !== undefined && (bits[at >>> 5]! & (1 << (at & 31))) !== 0;
  };

  const unboundedLoops = (): string[][] => {
    const unbounded = edges.filter((e) => e.kind !== 'retreat' && e.kind !== 'abort' && exists(e.to));
    const targets = new Map<string, string[]>(names.map((n) => [n, []]));
    for (const edge of unbounded) targets.get(edge.from)!.push(edge.to);
    return stronglyConnected(names, (n) => unique(targets.get(n)!)).filter(
      (component) => component.length > 1 || targets.get(component[0]!)!.includes(component[0]!),
    );
  };

  return {
    edges,
    entry,
    names,
    successors,
    predecessors,
    reachable,
    completedBefore: (name) => new Set(names.filter((target) => hasCompleted(name, target))),
    hasCompleted,
    unboundedLoops,
  };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Tarjan's strongly connected components, each listed in the order of `nodes`. */
function stronglyConnected(nodes: string[], next: (n: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const order = new Map(nodes.map((n, i) => [n, i]));

  const visit = (start: string) => {
    // Iterative, so a long plot cannot overflow the call stack.
    const work: { node: string; children: string[]; at: number }[] = [];
    const open = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter += 1;
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: next(node), at: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.at < frame.children.length) {
        const child = frame.children[frame.at]!;
        frame.at += 1;
        if (!index.has(child)) open(child);
        else if (onStack.has(child)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort((a, b) => order.get(a)! - order.get(b)!));
      }
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
}

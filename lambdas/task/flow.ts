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
    let success: FlowEdge | undefined;
    if (henchman.next === 'end') success = { from: name, to: 'end', kind: 'next' };
    else if (henchman.next !== undefined) success = exists(henchman.next) ? { from: name, to: henchman.next, kind: 'next' } : undefined;
    else success = { from: name, to: following !== undefined && exists(following) ? following : 'end', kind: 'advance' };
    if (success) edges.push(success);

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
      // successors(name), pushed without building it: each target once, in edge order.
      const out = outgoing.get(name)!;
      for (let k = 0; k < out.length; k += 1) {
        const to = out[k]!.to;
        if (!exists(to)) continue;
        let repeated = false;
        for (let j = 0; j < k && !repeated; j += 1) repeated = out[j]!.to === to;
        if (!repeated) stack.push(to);
      }
    }
    reachableCache = seen;
    return seen;
  };

  // The must-analysis works on bit sets indexed by position in `names`: a meet is a word-wise AND, so a plot of a
  // thousand henchmen costs a few thousand word operations per pass instead of a million set operations. All the
  // sets live in one array (row r, of `words` words, belongs to names[r]) and a pass allocates nothing.
  const words = Math.ceil(names.length / 32) || 1;
  const position = new Map(names.map((n, i) => [n, i]));
  const plotIndex = names.map((n) => byName.get(n)!.index);
  let completedCache: Uint32Array | undefined;
  const analyse = (): Uint32Array => {
    if (completedCache) return completedCache;
    const before = new Uint32Array(names.length * words).fill(0xffffffff);
    const entryAt = entry === undefined ? -1 : position.get(entry)!;
    if (entryAt >= 0) before.fill(0, entryAt * words, (entryAt + 1) * words);
    // The edges into each live henchman from live ones, read once: the passes below only index arrays.
    const live = reachable();
    const into: ({ from: number; completes: boolean; undoes?: [number, number] }[] | undefined)[] = [];
    for (const name of names) {
      if (!live.has(name)) {
        into.push(undefined);
        continue;
      }
      const edges: { from: number; completes: boolean; undoes?: [number, number] }[] = [];
      for (const edge of incoming.get(name)!) {
        if (!live.has(edge.from)) continue;
        const source = byName.get(edge.from)!;
        edges.push({
          from: position.get(edge.from)!,
          completes: completes(edge, source.henchman),
          undoes: edge.kind === 'retreat' ? [byName.get(edge.to)!.index, source.index] : undefined,
        });
      }
      into.push(edges);
    }
    // When every edge leads down the plot, one pass in plot order meets each henchman after all its sources are
    // final: the fixpoint is reached without a second pass to confirm it.
    const forward = into.every((edges, at) => edges === undefined || edges.every((edge) => edge.from < at));
    const meet = new Uint32Array(words);
    const flowing = new Uint32Array(words);
    let changed = true;
    while (changed) {
      changed = false;
      for (let at = 0; at < names.length; at += 1) {
        const edges = into[at];
        if (edges === undefined) continue;
        let met = at === entryAt;
        if (met) meet.fill(0);
        for (const { from, completes: adds, undoes } of edges) {
          // What flows along the edge: the source's set, plus the source when the edge completes it, minus the
          // henchmen a retreat undoes (from its target to the failed one, in plot order).
          for (let w = 0; w < words; w += 1) flowing[w] = before[from * words + w]!;
          if (adds) flowing[from >>> 5]! |= 1 << (from & 31);
          if (undoes) {
            for (let r = 0; r < names.length; r += 1) {
              if (plotIndex[r]! >= undoes[0]! && plotIndex[r]! <= undoes[1]!) flowing[r >>> 5]! &= ~(1 << (r & 31));
            }
          }
          if (met) for (let w = 0; w < words; w += 1) meet[w]! &= flowing[w]!;
          else meet.set(flowing);
          met = true;
        }
        if (!met) continue;
        for (let w = 0; w < words; w += 1) {
          if (meet[w] !== before[at * words + w]) {
            before.set(meet, at * words);
            changed = !forward;
            break;
          }
        }
      }
    }
    completedCache = before;
    return before;
  };
  const hasCompleted = (name: string, target: string): boolean => {
    const row = position.get(name);
    const at = position.get(target);
    if (row === undefined || at === undefined) return false;
    return (analyse()[row * words + (at >>> 5)]! & (1 << (at & 31))) !== 0;
  };

  const unboundedLoops = (): string[][] => {
    const unbounded = edges.filter((e) => e.kind !== 'retreat' && e.kind !== 'abort' && exists(e.to));
    // Every cycle holds an edge that does not lead further down the plot: without one there is no loop to find.
    if (!unbounded.some((e) => byName.get(e.to)!.index <= byName.get(e.from)!.index)) return [];
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

/**
 * The picture of a task as a graph: one node per henchman, one per undo move, the start and the two ends, and
 * the edges between them (advance, next, and the failure routes: goto, continue, retreat, abort). The `graph`
 * command renders it as Mermaid or DOT text (./diagram.ts); the dashboard (web/) lays it out and draws it as SVG.
 *
 *   (task) ──start──▶ [provision] ──advance──▶ [configure] ──advance──▶ (end)
 *                         ┆ undo                  │ ╎ retreat (at most 2×) ──▶ [provision]
 *                   /undo: ec2 terminate/         ╎ abort ──▶ (fail)
 *
 * Pure, with no Node.js module: it runs in the browser too.
 */
import { flowOf, type FlowEdge } from './flow.ts';
import type { Henchman, Task } from './schema.ts';

export type PlotNodeKind = 'start' | 'henchman' | 'undo' | 'end' | 'fail';

export interface PlotNode {
  /** Unique in the graph: `h_<name>` for a henchman (dashes as underscores), `h_<name>_undo`, `__start`, `__end`, `__fail`. */
  readonly id: string;
  readonly kind: PlotNodeKind;
  /** The henchman's name; the task's name for the start; `end`, `fail`; for an undo, `undo: <provider> <action>`. */
  readonly label: string;
  /** A henchman's provider and action, with `each` and `fire` marked: `ec2 launch (each)`. */
  readonly detail?: string;
  /** The henchman a henchman or undo node stands for. */
  readonly henchman?: string;
}

export type PlotEdgeKind = FlowEdge['kind'] | 'start' | 'undo';

export interface PlotEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: PlotEdgeKind;
  /** '' for a plain advance (and the start and undo links). */
  readonly label: string;
  /** A failure route (goto, continue, retreat, abort): drawn dashed. */
  readonly failure: boolean;
}

export interface PlotGraph {
  readonly task: string;
  /** In this order: the start, each henchman followed by its undo (when it has one), the end, the fail. */
  readonly nodes: readonly PlotNode[];
  /** In this order: each undo link (after its henchman), the start edge, then the flow's edges henchman by henchman. */
  readonly edges: readonly PlotEdge[];
}

export const START_NODE = '__start';
export const END_NODE = '__end';
export const FAIL_NODE = '__fail';

/** The node of a henchman, or of `end` / `fail`. */
export function nodeId(name: string): string {
  return name === 'end' ? END_NODE : name === 'fail' ? FAIL_NODE : `h_${name.replace(/-/g, '_')}`;
}

export function undoNodeId(henchman: string): string {
  return `${nodeId(henchman)}_undo`;
}

export function undoAction(henchman: Henchman): string | undefined {
  if (!henchman.undo) return undefined;
  return typeof henchman.undo === 'string' ? henchman.undo : henchman.undo.action;
}

function edgeLabel(edge: FlowEdge, task: Task): string {
  switch (edge.kind) {
    case 'advance':
      return '';
    case 'next':
      return 'next';
    case 'goto':
      return 'on failure: goto';
    case 'continue':
      return 'on failure: continue';
    case 'abort':
      return task.rollback ? 'on failure: abort (rollback)' : 'on failure: abort';
    case 'retreat': {
      const onFailure = task.plot.find((h) => h.name === edge.from)?.onFailure;
      const times = onFailure && typeof onFailure === 'object' && 'retreat' in onFailure ? onFailure.times : undefined;
      return times === undefined ? 'retreat' : `retreat (at most ${times}×)`;
    }
  }
}

function detailOf(henchman: Henchman): string {
  const extras = [henchman.each ? 'each' : '', henchman.fire ? 'fire' : ''].filter(Boolean).join(', ');
  return `${henchman.provider} ${henchman.action}${extras ? ` (${extras})` : ''}`;
}

/** The graph of a valid task. */
export function plotGraph(task: Task): PlotGraph {
  const nodes: PlotNode[] = [{ id: START_NODE, kind: 'start', label: task.task }];
  const edges: PlotEdge[] = [];
  for (const henchman of task.plot) {
    nodes.push({ id: nodeId(henchman.name), kind: 'henchman', label: henchman.name, detail: detailOf(henchman), henchman: henchman.name });
    const undo = undoAction(henchman);
    if (undo) {
      nodes.push({ id: undoNodeId(henchman.name), kind: 'undo', label: `undo: ${henchman.provider} ${undo}`, henchman: henchman.name });
      edges.push({ from: nodeId(henchman.name), to: undoNodeId(henchman.name), kind: 'undo', label: '', failure: false });
    }
  }
  nodes.push({ id: END_NODE, kind: 'end', label: 'end' }, { id: FAIL_NODE, kind: 'fail', label: 'fail' });
  edges.push({ from: START_NODE, to: nodeId(task.plot[0]!.name), kind: 'start', label: '', failure: false });
  for (const edge of flowOf(task).edges) {
    edges.push({
      from: nodeId(edge.from),
      to: nodeId(edge.to),
      kind: edge.kind,
      label: edgeLabel(edge, task),
      failure: edge.kind !== 'advance' && edge.kind !== 'next',
    });
  }
  return { task: task.task, nodes, edges };
}

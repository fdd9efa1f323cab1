/**
 * Where each part of a task's graph (lambdas/task/plot-graph.ts) goes in the picture, laid out by elkjs (the
 * Eclipse Layout Kernel's layered algorithm): the plot reads top to bottom as one straight column, the success
 * path through the top and bottom of each henchman, the failure routes (retreat, goto, continue) leaving and
 * entering on the left, so a retreat loops back around the moves it takes back.
 *
 *        (scale-out)
 *             │
 *   ┌──▶ [provision] ┄ /undo: ec2 terminate/  ✕ abort
 *   │         │
 *   │    [reachable]                          ✕ abort
 *   │         │
 *   └─── [configure] ┄ /undo: chef deregister/ ✕ abort      retreat (at most 2×)
 *             │
 *          (end)
 *
 * Two choices keep a long plot readable:
 * - An undo move sits on its henchman's row, to its right, linked by a dotted line: laid out as part of the
 *   henchman's box (ELK's ports anchor the edges to the henchman itself), not as a node of its own that would
 *   push the column sideways.
 * - The abort route of each henchman is a short stub marked "abort" at the right of its row, not an edge to one
 *   shared `fail` node (30 henchmen would make 30 long edges converge on it); the `fail` node, which only abort
 *   routes reach, is left out.
 *
 * Free of the DOM: text is measured by its length (the picture's font is monospace, 12 px). The layout engine is
 * given: the page's runs elkjs in a Web Worker (./layout-worker.ts), off the page's thread; the tests and the CLI
 * can hand it elkjs in-process (`new ELK()` of elkjs/lib/elk.bundled.js), which this module does not import, so that
 * the page's bundle does not carry the engine the worker has.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { PlotEdge, PlotGraph, PlotNode } from '#task/plot-graph';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box {
  /** The top left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedNode extends PlotNode, Box {
  /** A henchman's undo move, on its row. */
  readonly undo?: PlotNode & Box;
  /** The abort route leaves this henchman: its label, and where the stub's mark is. */
  readonly abort?: { readonly label: string; readonly at: Point };
}

export interface PlacedEdge extends PlotEdge {
  readonly points: readonly Point[];
  readonly labelBox?: Box;
}

export interface Picture {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** The advance of one character of the picture's 12 px monospace font, and a line's height. */
export const CHAR = 7.2;
const LINE = 16;
const HENCHMAN_HEIGHT = LINE * 2 + 14;
const TERMINAL_HEIGHT = 28;
const UNDO_HEIGHT = LINE + 10;
const UNDO_GAP = 18;
const ABORT_GAP = 14;
const ABORT_WIDTH = 52;

function textWidth(text: string): number {
  return text.length * CHAR;
}

function ownWidth(node: PlotNode): number {
  switch (node.kind) {
    case 'henchman':
      return Math.max(textWidth(node.label), textWidth(node.detail ?? '')) + 24;
    case 'undo':
      return textWidth(node.label) + 20;
    case 'start':
      return Math.max(textWidth(node.label) + 28, 56);
    default:
      return 56;
  }
}

/** The elkjs options: layered, downwards, the plot's order kept, ports fixed where the picture puts them. */
const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeNode': '14',
  'elk.layered.spacing.nodeNodeBetweenLayers': '26',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  // The plot's order decides: the first henchman on top, a retreat (the edge that goes back) is the one reversed.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  // A plot is nearly a chain: one pass is enough, and keeps a 100-henchman task well under a second.
  'elk.layered.thoroughness': '1',
  'elk.layered.crossingMinimization.greedySwitch.type': 'OFF',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.favorStraightEdges': 'true',
};

/** What lays out an ELK graph: elkjs, in a worker or in-process (its `layout`). */
export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/** Lays out a task's graph with `engine`. */
export async function layOut(graph: PlotGraph, engine: LayoutEngine): Promise<Picture> {
  const undoOf = new Map(graph.nodes.filter((n) => n.kind === 'undo').map((n) => [n.henchman!, n]));
  const aborts = new Map(graph.edges.filter((e) => e.kind === 'abort').map((e) => [e.from, e.label]));
  const drawn = graph.edges.filter((e) => e.kind !== 'abort' && e.kind !== 'undo');
  const shown = graph.nodes.filter((n) => n.kind !== 'undo' && n.kind !== 'fail');

  const heightOf = (node: PlotNode) => (node.kind === 'henchman' ? HENCHMAN_HEIGHT : TERMINAL_HEIGHT);
  const rowWidth = (node: PlotNode) => {
    const undo = node.henchman !== undefined && node.kind === 'henchman' ? undoOf.get(node.henchman) : undefined;
    return ownWidth(node) + (undo ? UNDO_GAP + ownWidth(undo) : 0) + (aborts.has(node.id) ? ABORT_GAP + ABORT_WIDTH : 0);
  };
  const children: ElkNode[] = shown.map((node) => {
    const width = ownWidth(node);
    const height = heightOf(node);
    return {
      id: node.id,
      width: rowWidth(node),
      height,
      layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
      ports: [
        { id: `${node.id}:in`, x: width / 2, y: 0, width: 0, height: 0 },
        { id: `${node.id}:out`, x: width / 2, y: height, width: 0, height: 0 },
        { id: `${node.id}:failure-in`, x: 0, y: height * 0.3, width: 0, height: 0 },
        { id: `${node.id}:failure-out`, x: 0, y: height * 0.7, width: 0, height: 0 },
      ],
    };
  });
  const edges: ElkExtendedEdge[] = drawn.map((edge, index) => ({
    id: `e${index}`,
    sources: [`${edge.from}:${edge.failure ? 'failure-out' : 'out'}`],
    targets: [`${edge.to}:${edge.failure ? 'failure-in' : 'in'}`],
    labels: edge.label !== '' ? [{ text: edge.label, width: textWidth(edge.label) + 6, height: LINE }] : [],
    ...(edge.failure ? {} : { layoutOptions: { 'elk.layered.priority.straightness': '10' } }),
  }));
  const root: ElkNode = { id: 'plot', layoutOptions: LAYOUT_OPTIONS, children, edges };
  const result: ElkNode = await engine.layout(root);

  const placedById = new Map((result.children ?? []).map((c) => [c.id, c]));
  const nodes: PlacedNode[] = shown.map((node) => {
    const box = placedById.get(node.id)!;
    const x = box.x ?? 0;
    const y = box.y ?? 0;
    const width = ownWidth(node);
    const height = heightOf(node);
    let right = x + width;
    const undoNode = node.kind === 'henchman' && node.henchman !== undefined ? undoOf.get(node.henchman) : undefined;
    let undo: (PlotNode & Box) | undefined;
    if (undoNode) {
      undo = { ...undoNode, x: right + UNDO_GAP, y: y + (height - UNDO_HEIGHT) / 2, width: ownWidth(undoNode), height: UNDO_HEIGHT };
      right = undo.x + undo.width;
    }
    const abortLabel = aborts.get(node.id);
    return {
      ...node,
      x,
      y,
      width,
      height,
      ...(undo ? { undo } : {}),
      ...(abortLabel !== undefined ? { abort: { label: abortLabel, at: { x: right + ABORT_GAP, y: y + height / 2 } } } : {}),
    };
  });
  const placedEdges: PlacedEdge[] = drawn.map((edge, index) => {
    const laid = (result.edges ?? []).find((e) => e.id === `e${index}`) as ElkExtendedEdge | undefined;
    const points = (laid?.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]).map((p) => ({ x: p.x, y: p.y }));
    const label = laid?.labels?.[0];
    return {
      ...edge,
      points,
      ...(label && label.x !== undefined && label.y !== undefined ? { labelBox: { x: label.x, y: label.y, width: label.width ?? 0, height: label.height ?? 0 } } : {}),
    };
  });
  return { width: Math.ceil(result.width ?? 0), height: Math.ceil(result.height ?? 0), nodes, edges: placedEdges };
}

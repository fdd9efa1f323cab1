/**
 * A picture of a task: its henchmen, the advance edges between them, the failure routes (retreat, goto,
 * continue, abort) and the undo moves, as Mermaid or Graphviz DOT text, rendered from the task's graph
 * (./plot-graph.ts, which the dashboard draws too).
 */
import { plotGraph, type PlotGraph, type PlotNode } from './plot-graph.ts';
import type { Task } from './schema.ts';

export type DiagramFormat = 'mermaid' | 'dot';

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function mermaidNode(node: PlotNode): string {
  switch (node.kind) {
    case 'start':
      return `  ${node.id}(("${escapeMermaid(node.label)}"))`;
    case 'henchman':
      return `  ${node.id}["${escapeMermaid(node.label)}<br/>${escapeMermaid(node.detail ?? '')}"]`;
    case 'undo':
      return `  ${node.id}[/"${escapeMermaid(node.label)}"/]`;
    case 'end':
    case 'fail':
      return `  ${node.id}(("${node.label}"))`;
  }
}

function mermaid(graph: PlotGraph): string {
  const lines = ['flowchart TD'];
  for (const node of graph.nodes) {
    lines.push(mermaidNode(node));
    if (node.kind === 'undo') lines.push(`  ${graph.edges.find((e) => e.kind === 'undo' && e.to === node.id)!.from} -.- ${node.id}`);
  }
  for (const edge of graph.edges) {
    if (edge.kind === 'undo') continue;
    const arrow = edge.failure ? (edge.label ? `-. "${escapeMermaid(edge.label)}" .->` : '-.->') : edge.label ? `-->|${edge.label}|` : '-->';
    lines.push(`  ${edge.from} ${arrow} ${edge.to}`);
  }
  return `${lines.join('\n')}\n`;
}

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function dotNode(node: PlotNode): string {
  switch (node.kind) {
    case 'start':
      return `  ${node.id} [label=${quoteDot(node.label)}, shape=circle];`;
    case 'henchman':
      return `  ${node.id} [label=${quoteDot(`${node.label}\n${node.detail ?? ''}`)}];`;
    case 'undo':
      return `  ${node.id} [label=${quoteDot(node.label)}, shape=parallelogram, style=dashed];`;
    case 'end':
    case 'fail':
      return `  ${node.id} [label="${node.label}", shape=doublecircle];`;
  }
}

function dot(graph: PlotGraph): string {
  const lines = [`digraph ${quoteDot(graph.task)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  for (const node of graph.nodes) {
    lines.push(dotNode(node));
    if (node.kind === 'undo') {
      const from = graph.edges.find((e) => e.kind === 'undo' && e.to === node.id)!.from;
      lines.push(`  ${from} -> ${node.id} [style=dotted, arrowhead=none];`);
    }
  }
  for (const edge of graph.edges) {
    if (edge.kind === 'undo') continue;
    const attributes = [edge.label ? `label=${quoteDot(edge.label)}` : '', edge.failure ? 'style=dashed' : ''].filter(Boolean);
    lines.push(`  ${edge.from} -> ${edge.to}${attributes.length ? ` [${attributes.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The picture of a valid task. */
export function diagram(task: Task, format: DiagramFormat = 'mermaid'): string {
  const graph = plotGraph(task);
  return format === 'dot' ? dot(graph) : mermaid(graph);
}

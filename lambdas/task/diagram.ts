/**
 * A picture of a task: its henchmen, the advance edges between them, the failure routes (retreat, goto,
 * continue, abort) and the undo moves, as Mermaid or Graphviz DOT text.
 */
import { flowOf, type FlowEdge } from './flow.ts';
import type { Henchman, Task } from './schema.ts';

export type DiagramFormat = 'mermaid' | 'dot';

const END = '__end';
const FAIL = '__fail';

function nodeId(name: string): string {
  return name === 'end' ? END : name === 'fail' ? FAIL : `h_${name.replace(/-/g, '_')}`;
}

function undoAction(henchman: Henchman): string | undefined {
  if (!henchman.undo) return undefined;
  return typeof henchman.undo === 'string' ? henchman.undo : henchman.undo.action;
}

function edgeLabel(edge: FlowEdge, task: Task): string {
  const henchman = task.plot.find((h) => h.name === edge.from);
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
      const onFailure = henchman?.onFailure;
      const times = onFailure && typeof onFailure === 'object' && 'retreat' in onFailure ? onFailure.times : undefined;
      return times === undefined ? 'retreat' : `retreat (at most ${times}×)`;
    }
  }
}

function isFailureRoute(edge: FlowEdge): boolean {
  return edge.kind !== 'advance' && edge.kind !== 'next';
}

function describe(henchman: Henchman): string {
  const extras = [henchman.each ? 'each' : '', henchman.fire ? 'fire' : ''].filter(Boolean).join(', ');
  return `${henchman.provider} ${henchman.action}${extras ? ` (${extras})` : ''}`;
}

function escapeMermaid(text: string): string {
  return text.replace(/"/g, '#quot;');
}

function mermaid(task: Task, edges: readonly FlowEdge[]): string {
  const lines = ['flowchart TD', `  __start(("${escapeMermaid(task.task)}"))`];
  for (const henchman of task.plot) {
    lines.push(`  ${nodeId(henchman.name)}["${escapeMermaid(henchman.name)}<br/>${escapeMermaid(describe(henchman))}"]`);
    const undo = undoAction(henchman);
    if (undo) {
      lines.push(`  ${nodeId(henchman.name)}_undo[/"undo: ${escapeMermaid(`${henchman.provider} ${undo}`)}"/]`);
      lines.push(`  ${nodeId(henchman.name)} -.- ${nodeId(henchman.name)}_undo`);
    }
  }
  lines.push(`  ${END}(("end"))`, `  ${FAIL}(("fail"))`);
  lines.push(`  __start --> ${nodeId(task.plot[0]!.name)}`);
  for (const edge of edges) {
    const label = edgeLabel(edge, task);
    const arrow = isFailureRoute(edge) ? (label ? `-. "${escapeMermaid(label)}" .->` : '-.->') : label ? `-->|${label}|` : '-->';
    lines.push(`  ${nodeId(edge.from)} ${arrow} ${nodeId(edge.to)}`);
  }
  return `${lines.join('\n')}\n`;
}

function quoteDot(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function dot(task: Task, edges: readonly FlowEdge[]): string {
  const lines = [`digraph ${quoteDot(task.task)} {`, '  rankdir=TB;', '  node [shape=box, style=rounded];'];
  lines.push(`  __start [label=${quoteDot(task.task)}, shape=circle];`);
  for (const henchman of task.plot) {
    lines.push(`  ${nodeId(henchman.name)} [label=${quoteDot(`${henchman.name}\n${describe(henchman)}`)}];`);
    const undo = undoAction(henchman);
    if (undo) {
      lines.push(`  ${nodeId(henchman.name)}_undo [label=${quoteDot(`undo: ${henchman.provider} ${undo}`)}, shape=parallelogram, style=dashed];`);
      lines.push(`  ${nodeId(henchman.name)} -> ${nodeId(henchman.name)}_undo [style=dotted, arrowhead=none];`);
    }
  }
  lines.push(`  ${END} [label="end", shape=doublecircle];`, `  ${FAIL} [label="fail", shape=doublecircle];`);
  lines.push(`  __start -> ${nodeId(task.plot[0]!.name)};`);
  for (const edge of edges) {
    const label = edgeLabel(edge, task);
    const attributes = [label ? `label=${quoteDot(label)}` : '', isFailureRoute(edge) ? 'style=dashed' : ''].filter(Boolean);
    lines.push(`  ${nodeId(edge.from)} -> ${nodeId(edge.to)}${attributes.length ? ` [${attributes.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** The picture of a valid task. */
export function diagram(task: Task, format: DiagramFormat = 'mermaid'): string {
  const { edges } = flowOf(task);
  return format === 'dot' ? dot(task, edges) : mermaid(task, edges);
}

/**
 * The picture of a task as SVG, from its laid-out graph (./layout.ts), each henchman lit by its state when an
 * execution is shown (./execution-view.ts): the node's class is `light-<state>`, a badge says how many times
 * its failure retreated, and the retreat edges it took are drawn bold.
 *
 * Every node and edge carries data- attributes (data-henchman, data-light, data-kind) that the browser tests
 * and a person's devtools read.
 */
import type { JSX } from 'preact';
import type { HenchmanPlay, Light } from './execution-view.ts';
import type { PlacedEdge, PlacedNode, Picture as Laid, Point } from './layout.ts';

const ARROW_ID = 'mm-arrow';

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function Edge({ edge, taken }: { edge: PlacedEdge; taken: boolean }) {
  if (edge.points.length < 2) return null;
  return (
    <g class={`edge edge-${edge.kind}${edge.failure ? ' failure' : ''}${taken ? ' taken' : ''}`} data-kind={edge.kind} data-from={edge.from} data-to={edge.to}>
      <path d={pathOf(edge.points)} marker-end={`url(#${ARROW_ID})`} />
      {edge.labelBox && (
        <text class="edge-label" x={edge.labelBox.x + 3} y={edge.labelBox.y + edge.labelBox.height - 4}>
          {edge.label}
        </text>
      )}
    </g>
  );
}

function clip(value: string, length: number): string {
  const room = Math.max(length, 24);
  return value.length > room ? `${value.slice(0, room - 1)}…` : value;
}

function lightText(play: HenchmanPlay | undefined): string {
  if (!play) return '';
  const parts: string[] = [play.waitingFor !== undefined ? `waiting for ${play.waitingFor}` : play.light];
  if (play.items) parts.push(`items: ${play.items.map((i) => `${i.count} ${i.status}`).join(', ')}`);
  if (play.retreats > 0) parts.push(`retreated ${play.retreats}×`);
  if (play.plays > 1) parts.push(`played ${play.plays}×`);
  return parts.join(', ');
}

function Henchman({ node, play }: { node: PlacedNode; play?: HenchmanPlay }) {
  const light: Light | undefined = play?.light;
  return (
    <g class={`node henchman${light ? ` light-${light}` : ''}`} data-henchman={node.henchman} data-light={light ?? ''} data-retreats={play?.retreats ?? 0} data-waiting-for={play?.waitingFor ?? ''}>
      <title>{`${node.label}: ${node.detail ?? ''}${play ? ` (${lightText(play)})` : ''}`}</title>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx={7} />
      <text class="name" x={node.x + 12} y={node.y + 19}>
        {node.label}
      </text>
      <text class="detail" x={node.x + 12} y={node.y + 36}>
        {/* While it waits, the provider's words take the detail's place (the title keeps both). */}
        {play?.waitingFor !== undefined ? clip(`waiting for ${play.waitingFor}`, node.detail?.length ?? 24) : node.detail}
      </text>
      {play && play.retreats > 0 && (
        <g class="badge retreats">
          <rect x={node.x + node.width - 30} y={node.y - 9} width={36} height={18} rx={9} />
          <text x={node.x + node.width - 12} y={node.y + 4} text-anchor="middle">{`↩${play.retreats}`}</text>
        </g>
      )}
      {node.undo && <Undo node={node} light={play?.undo} />}
      {node.abort && (
        <g class="abort" data-kind="abort">
          <title>{node.abort.label}</title>
          <line x1={(node.undo ? node.undo.x + node.undo.width : node.x + node.width) + 2} y1={node.abort.at.y} x2={node.abort.at.x + 6} y2={node.abort.at.y} />
          <text x={node.abort.at.x + 10} y={node.abort.at.y + 4}>
            ✕ abort
          </text>
        </g>
      )}
    </g>
  );
}

function Undo({ node, light }: { node: PlacedNode; light?: Light }) {
  const undo = node.undo!;
  const slant = 6;
  const points = [
    [undo.x + slant, undo.y],
    [undo.x + undo.width, undo.y],
    [undo.x + undo.width - slant, undo.y + undo.height],
    [undo.x, undo.y + undo.height],
  ]
    .map(([x, y]) => `${x!.toFixed(1)},${y!.toFixed(1)}`)
    .join(' ');
  return (
    <g class={`node undo${light ? ` light-${light}` : ''}`} data-undo={node.henchman} data-light={light ?? ''}>
      <line class="undo-link" x1={node.x + node.width} y1={node.y + node.height / 2} x2={undo.x + 2} y2={undo.y + undo.height / 2} />
      <polygon points={points} />
      <text x={undo.x + 10} y={undo.y + undo.height - 8}>
        {undo.label}
      </text>
    </g>
  );
}

function Terminal({ node }: { node: PlacedNode }) {
  return (
    <g class={`node terminal ${node.kind}`} data-kind={node.kind}>
      <rect x={node.x} y={node.y} width={node.width} height={node.height} rx={node.height / 2} />
      <text x={node.x + node.width / 2} y={node.y + node.height / 2 + 4} text-anchor="middle">
        {node.label}
      </text>
    </g>
  );
}

export interface PictureProps {
  readonly picture: Laid;
  /** Per henchman, its light; absent: the task's picture, unlit. */
  readonly plays?: ReadonlyMap<string, HenchmanPlay>;
}

export function Picture({ picture, plays }: PictureProps): JSX.Element {
  const nodeHenchman = new Map(picture.nodes.map((n) => [n.id, n.henchman]));
  return (
    <svg
      class={`picture${plays ? ' lit' : ''}`}
      xmlns="http://www.w3.org/2000/svg"
      width={picture.width}
      height={picture.height}
      viewBox={`0 0 ${picture.width} ${picture.height}`}
      role="img"
      aria-label="the plot of the task"
    >
      <defs>
        <marker id={ARROW_ID} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
          <path d="M0,0 L10,5 L0,10 z" />
        </marker>
      </defs>
      <g class="edges">
        {picture.edges.map((edge, i) => {
          const from = nodeHenchman.get(edge.from);
          const taken = edge.kind === 'retreat' && from !== undefined && (plays?.get(from)?.retreats ?? 0) > 0;
          return <Edge key={i} edge={edge} taken={taken} />;
        })}
      </g>
      <g class="nodes">
        {picture.nodes.map((node) =>
          node.kind === 'henchman' ? <Henchman key={node.id} node={node} {...(node.henchman && plays?.get(node.henchman) ? { play: plays.get(node.henchman)! } : {})} /> : <Terminal key={node.id} node={node} />,
        )}
      </g>
    </svg>
  );
}

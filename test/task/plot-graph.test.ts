import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plotGraph } from '#task/plot-graph';
import { checkTask } from '#task/validate';

const example = (name: string) => {
  const { task } = checkTask(readFileSync(new URL(`../../examples/${name}.yaml`, import.meta.url), 'utf8'));
  return task!;
};

describe('plotGraph', () => {
  it('gives scale-out one node per henchman and undo, the start and both ends, and every route as an edge', () => {
    // Act
    const graph = plotGraph(example('scale-out'));
    // Assess
    expect(graph).toStrictEqual({
      task: 'scale-out',
      nodes: [
        { id: '__start', kind: 'start', label: 'scale-out' },
        { id: 'h_provision', kind: 'henchman', label: 'provision', detail: 'ec2 launch', henchman: 'provision' },
        { id: 'h_provision_undo', kind: 'undo', label: 'undo: ec2 terminate', henchman: 'provision' },
        { id: 'h_reachable', kind: 'henchman', label: 'reachable', detail: 'ssh wait-reachable', henchman: 'reachable' },
        { id: 'h_configure', kind: 'henchman', label: 'configure', detail: 'chef bootstrap', henchman: 'configure' },
        { id: 'h_configure_undo', kind: 'undo', label: 'undo: chef deregister', henchman: 'configure' },
        { id: 'h_connect', kind: 'henchman', label: 'connect', detail: 'ssh run', henchman: 'connect' },
        { id: '__end', kind: 'end', label: 'end' },
        { id: '__fail', kind: 'fail', label: 'fail' },
      ],
      edges: [
        { from: 'h_provision', to: 'h_provision_undo', kind: 'undo', label: '', failure: false },
        { from: 'h_configure', to: 'h_configure_undo', kind: 'undo', label: '', failure: false },
        { from: '__start', to: 'h_provision', kind: 'start', label: '', failure: false },
        { from: 'h_provision', to: 'h_reachable', kind: 'advance', label: '', failure: false },
        { from: 'h_provision', to: '__fail', kind: 'abort', label: 'on failure: abort (rollback)', failure: true },
        { from: 'h_reachable', to: 'h_configure', kind: 'advance', label: '', failure: false },
        { from: 'h_reachable', to: '__fail', kind: 'abort', label: 'on failure: abort (rollback)', failure: true },
        { from: 'h_configure', to: 'h_connect', kind: 'advance', label: '', failure: false },
        { from: 'h_configure', to: 'h_provision', kind: 'retreat', label: 'retreat (at most 2×)', failure: true },
        { from: 'h_configure', to: '__fail', kind: 'abort', label: 'on failure: abort (rollback)', failure: true },
        { from: 'h_connect', to: '__end', kind: 'advance', label: '', failure: false },
        { from: 'h_connect', to: '__fail', kind: 'abort', label: 'on failure: abort (rollback)', failure: true },
      ],
    });
  });

  it('marks each and fire in the detail of a henchman', () => {
    // Act
    const graph = plotGraph(example('rolling-restart'));
    // Assess
    expect(graph.nodes.filter((n) => n.kind === 'henchman').map((n) => `${n.label}: ${n.detail}`)).toStrictEqual(
      example('rolling-restart').plot.map((h) => `${h.name}: ${h.provider} ${h.action}${h.each ? ' (each)' : ''}${h.fire ? ' (fire)' : ''}`),
    );
    expect(graph.nodes.some((n) => n.detail?.endsWith('(each)'))).toBe(true);
  });
});

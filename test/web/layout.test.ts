import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plotGraph } from '#task/plot-graph';
import type { Task } from '#task/schema';
import { checkTask } from '#task/validate';
import ELK from 'elkjs/lib/elk.bundled.js';
import { layOut as layOutWith, type Box } from '../../web/src/layout.ts';
import { longTask } from './long-task.ts';

const example = (name: string): Task => checkTask(readFileSync(new URL(`../../examples/${name}.yaml`, import.meta.url), 'utf8')).task!;

/** elkjs in-process: the same engine the page runs in its worker. */
const engine = new ELK();
const layOut = (graph: Parameters<typeof layOutWith>[0]) => layOutWith(graph, engine);

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layOut', () => {
  it.each(['scale-out', 'replace-node', 'rolling-restart'])('places %s as one straight column: a box per henchman, the success path through their middles', async (name) => {
    // Prepare
    const task = example(name);
    // Act
    const picture = await layOut(plotGraph(task));
    // Assess
    const henchmen = picture.nodes.filter((n) => n.kind === 'henchman');
    expect(henchmen.map((n) => n.henchman)).toStrictEqual(task.plot.map((h) => h.name));
    expect(new Set(henchmen.map((n) => Math.round(n.x + n.width / 2))).size).toBe(1);
    expect(henchmen.every((n, i) => i === 0 || n.y > henchmen[i - 1]!.y)).toBe(true);
    for (const edge of picture.edges.filter((e) => e.kind === 'advance')) expect(new Set(edge.points.map((p) => Math.round(p.x))).size).toBe(1);
  });

  it("draws scale-out's retreat from configure's left side back up to provision's, labelled, and each undo on its henchman's row", async () => {
    // Act
    const picture = await layOut(plotGraph(example('scale-out')));
    // Assess
    const node = (h: string) => picture.nodes.find((n) => n.henchman === h)!;
    const retreat = picture.edges.find((e) => e.kind === 'retreat')!;
    expect([retreat.from, retreat.to, retreat.label]).toStrictEqual(['h_configure', 'h_provision', 'retreat (at most 2×)']);
    expect(retreat.points[0]!.x).toBeCloseTo(node('configure').x);
    expect(retreat.points.at(-1)!.x).toBeCloseTo(node('provision').x);
    expect(retreat.points.at(-1)!.y).toBeLessThan(retreat.points[0]!.y);
    expect(retreat.labelBox).toBeDefined();
    for (const h of ['provision', 'configure']) {
      const { undo } = node(h);
      expect([undo?.label, undo!.x > node(h).x + node(h).width, undo!.y + undo!.height / 2]).toStrictEqual([
        h === 'provision' ? 'undo: ec2 terminate' : 'undo: chef deregister',
        true,
        node(h).y + node(h).height / 2,
      ]);
    }
    expect(picture.nodes.map((n) => n.kind)).toStrictEqual(['start', 'henchman', 'henchman', 'henchman', 'henchman', 'end']);
    expect(picture.nodes.filter((n) => n.abort).map((n) => n.abort!.label)).toStrictEqual(Array(4).fill('on failure: abort (rollback)'));
  });

  it('lays out a 30-henchman task with no box over another and everything inside the picture', async () => {
    // Prepare
    const task = longTask(30);
    // Act
    const picture = await layOut(plotGraph(task));
    // Assess
    const boxes: Box[] = picture.nodes.flatMap((n) => [n, ...(n.undo ? [n.undo] : [])]);
    expect(picture.nodes.filter((n) => n.kind === 'henchman')).toHaveLength(30);
    expect(boxes.filter((n) => n.width > 0)).toHaveLength(30 + 8 + 2);
    const overlapping = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => overlap(a, b)).map((b) => [a, b]));
    expect(overlapping).toStrictEqual([]);
    expect(boxes.every((b) => b.x >= 0 && b.y >= 0 && b.x + b.width <= picture.width && b.y + b.height <= picture.height)).toBe(true);
    expect(picture.edges.filter((e) => e.failure).map((e) => e.kind).sort()).toStrictEqual(['continue', 'continue', 'continue', 'goto', 'goto', 'retreat', 'retreat', 'retreat']);
    expect(picture.edges.every((e) => e.points.length >= 2)).toBe(true);
  });
});

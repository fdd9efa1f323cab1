/**
 * A task played as a chain of executions (lambdas/task/compiler/handover.ts), run on the local engine: issue 10's
 * 100-henchman plot (every move an ec2 launch with `undo: terminate`, retreating to the first twice, `rollback: true`)
 * could write millions of history events in the worst case, so each execution plays one piece (a pass over the plot,
 * a retreat's walk back, the rollback) and hands over to the next.
 */
import { describe, expect, it } from 'vitest';
import { failingMove, retreatTask } from '../../bench/compile.bench.ts';
import { runTask } from '#engine/run';
import { compileSource, compileTask } from '#task/compile';
import type { StateMachineDefinition } from '#task/compiler/asl';
import { parseTask } from '#task/parse';
import { checkShape } from '#task/rules/schema';

function definitionOf(source: string): StateMachineDefinition {
  const compiled = compileSource(source);
  if (!('definition' in compiled) || !compiled.definition) throw new Error(JSON.stringify(compiled));
  return compiled.definition;
}

const phases = (moves: { phase: string }[]) => moves.reduce<Record<string, number>>((n, m) => ({ ...n, [m.phase]: (n[m.phase] ?? 0) + 1 }), {});

describe('a task played as a chain of executions', () => {
  it('compiles a task whose worst case fits one execution without any hand-over state', () => {
    const definition = compileTask(checkShape(parseTask(retreatTask(3)).value).task!);
    expect(Object.keys(definition.States).filter((s) => /hand ?over|walk: fits\?/.test(s))).toStrictEqual([]);
  });

  it('hands a retreat of the 100-henchman plot over twice: the walk back, then the pass from the first move, and succeeds', async () => {
    // Act: move-99 fails once.
    const result = await runTask(definitionOf(retreatTask(100)), { params: {} }, { handler: failingMove('move-99', 1), skipWaits: true });
    // Assess: the first execution plays the pass and hands over; the second walks back (move-99 failed: 99 undos) and
    // hands over; the third plays the plot again.
    expect(result.status).toBe('SUCCEEDED');
    expect(result.handedOver).toHaveLength(2);
    expect(phases(result.moves)).toStrictEqual({ do: 200, undo: 99 });
    expect(result.moves.filter((m) => m.phase === 'undo').map((m) => m.henchman)).toStrictEqual(Array.from({ length: 99 }, (_, i) => `move-${98 - i}`));
  });

  it('carries the retreat counts over: once they are spent, the rollback is handed over too and the task fails with the first failure', async () => {
    // Act: move-99 always fails; it retreats twice, then the abort route rolls back.
    const result = await runTask(definitionOf(retreatTask(100)), { params: {} }, { handler: failingMove('move-99', 1000), skipWaits: true });
    // Assess: pass, walk, pass, walk, pass, rollback: six executions; three passes of 100 moves, three walks of 99 undos.
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Mastermind.Failed');
    expect(result.cause).toBe('move-99 could not launch');
    expect(result.handedOver).toHaveLength(5);
    expect(phases(result.moves)).toStrictEqual({ do: 300, undo: 297 });
  });

  it('refuses to go on from an execution of another task version', async () => {
    // Prepare: the input a hand-over from version 7 gives; the definition is compiled for version 0.
    const resume = { of: 'arn:aws:states:us-east-1:000000000000:execution:x:y', version: 7, out: {}, count: { plays: {}, retreats: {} }, failure: { Error: 'E', Cause: 'c' }, walk: { at: 0, stop: 1, mode: 'retreat', then: 'move-0', spent: 12 } };
    // Act
    const result = await runTask(definitionOf(retreatTask(100)), { params: {}, trigger: {}, resume }, { handler: failingMove('none', 0), skipWaits: true });
    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Mastermind.Invalid');
    expect(result.cause).toBe('this execution was handed over from an execution of another version of the task (this one is version 0): it cannot go on where that one stood');
    expect(result.moves).toStrictEqual([]);
  });
});

/**
 * An execution view is answered by a Lambda, which answers at most 6 MB: a view too large (long scripts replayed by
 * retreats, large outputs) leaves out the moves' inputs, then their outputs, and says so, rather than failing.
 */
import { describe, expect, it } from 'vitest';
import { fitView } from '#service/executions';
import type { ExecutionView } from '#service/executions';

const START = '2026-12-02T10:00:00.000Z';

function viewOf(inputBytes: number, outputBytes: number): ExecutionView {
  const move = (n: number) => ({ state: `m${n}`, phase: 'do' as const, action: 'run', attempts: 1, start: START, status: 'succeeded' as const, input: { script: 'i'.repeat(inputBytes) }, output: { stdout: 'o'.repeat(outputBytes) } });
  const item = { index: 0, attempts: 1, start: START, status: 'succeeded' as const, input: { host: 'h'.repeat(inputBytes) }, output: { stdout: 'o'.repeat(outputBytes) } };
  return {
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:mastermind-web_deploy:x',
    name: 'x',
    path: '/projects/web/tasks/deploy/executions/x',
    project: 'web',
    task: 'deploy',
    status: 'SUCCEEDED',
    startDate: START,
    consoleUrl: 'https://console',
    historyTruncated: false,
    henchmen: [
      { henchman: 'm0', status: 'succeeded', moves: [move(0)] },
      { henchman: 'm1', status: 'succeeded', moves: [{ ...move(1), items: [item] }] },
    ],
  };
}

describe('an execution view too large for one answer', () => {
  it('is answered as it is when it fits', () => {
    const view = viewOf(100, 100);
    expect(fitView(view, 10_000)).toBe(view);
  });

  it("leaves out the moves' and items' inputs first, and says so", () => {
    // Prepare: inputs of 4,000 bytes each, outputs of 100.
    const fitted = fitView(viewOf(4000, 100), 4000);
    // Assess
    const moves = fitted.henchmen.flatMap((h) => h.moves);
    expect(fitted.leftOut).toStrictEqual(['input']);
    expect(moves.map((m) => ['input' in m, 'output' in m])).toStrictEqual([[false, true], [false, true]]);
    expect(moves[1]!.items!.map((i) => ['input' in i, 'output' in i])).toStrictEqual([[false, true]]);
  });

  it('then their outputs too', () => {
    const fitted = fitView(viewOf(4000, 4000), 4000);
    expect(fitted.leftOut).toStrictEqual(['input', 'output']);
    expect(fitted.henchmen.flatMap((h) => h.moves).map((m) => ['input' in m, 'output' in m])).toStrictEqual([[false, false], [false, false]]);
  });
});

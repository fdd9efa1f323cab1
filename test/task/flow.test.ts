import { describe, expect, it } from 'vitest';
import { flowOf } from '#task/flow';
import { launch, run, taskOf } from './fixtures/tasks.ts';

describe('flowOf', () => {
  it('gives every henchman a success and a failure route', () => {
    // Prepare
    const task = taskOf(
      launch(),
      run({ name: 'configure', onFailure: { retreat: 'provision', times: 2 } }),
      run({ name: 'check', onFailure: 'continue', next: 'notify' }),
      run({ name: 'cleanup', onFailure: { goto: 'notify' } }),
      run({ name: 'notify', next: 'end' }),
    );
    // Act
    const flow = flowOf(task);
    // Assess
    expect(flow.edges).toStrictEqual([
      { from: 'provision', to: 'configure', kind: 'advance' },
      { from: 'provision', to: 'fail', kind: 'abort' },
      { from: 'configure', to: 'check', kind: 'advance' },
      { from: 'configure', to: 'provision', kind: 'retreat' },
      { from: 'configure', to: 'fail', kind: 'abort' },
      { from: 'check', to: 'notify', kind: 'next' },
      { from: 'check', to: 'notify', kind: 'continue' },
      { from: 'cleanup', to: 'notify', kind: 'advance' },
      { from: 'cleanup', to: 'notify', kind: 'goto' },
      { from: 'notify', to: 'end', kind: 'next' },
      { from: 'notify', to: 'fail', kind: 'abort' },
    ]);
    expect(flow.entry).toBe('provision');
    expect(flow.successors('configure')).toStrictEqual(['check', 'provision']);
    expect(flow.predecessors('notify')).toStrictEqual(['check', 'cleanup']);
    expect([...flow.reachable()]).toStrictEqual(['provision', 'configure', 'check', 'notify']);
  });

  it('knows which henchmen completed on every path: not those skipped, failed over or fired', () => {
    // Prepare
    const task = taskOf(
      run({ name: 'check', onFailure: { goto: 'configure' } }),
      launch(),
      run({ name: 'signal', fire: true }),
      run({ name: 'configure' }),
    );
    // Act
    const flow = flowOf(task);
    // Assess
    expect([...flow.completedBefore('check')]).toStrictEqual([]);
    expect([...flow.completedBefore('signal')].sort()).toStrictEqual(['check', 'provision']);
    expect([...flow.completedBefore('configure')]).toStrictEqual([]);
  });

  it('finds loops that no retreat bounds', () => {
    // Prepare
    const task = taskOf(launch(), run({ onFailure: { retreat: 'provision', times: 1 } }), run({ name: 'a' }), run({ name: 'b', next: 'a' }));
    // Act
    const loops = flowOf(task).unboundedLoops();
    // Assess
    expect(loops).toStrictEqual([['a', 'b']]);
  });
});

import { describe, expect, it } from 'vitest';
import { findAction } from '#task/catalog';
import { historyBudget, historyPieces, historyWorstCase, needsHandover } from '#task/rules/history';
import type { Task } from '#task/schema';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

const SSH = { host: 'lb-1.internal', user: 'ops', key: '${secret:/mastermind/default/ssh-key}' };
const TAIL = 'shorten its timeout, or lower its retry attempts or the times of the retreats over it';

describe('history budget rule', () => {
  it('counts a 2d wait at 10 s as 583 backing-off rounds, well within the budget', () => {
    // Prepare: one Task entry is 5 events, each retry 3; 3 Lambda service retries and 2 transient ones.
    // do: 5 + 3 × 5 = 20; poll?, wait, output: 6; poll: 20 + 3 × 583 = 1769; the states around: 8.
    const task = taskOf(launch({ timeout: '2d' }));
    // Act
    const worst = historyWorstCase(task);
    // Assess
    expect(worst).toStrictEqual({ events: 12 + 1803, shares: [{ name: 'provision', index: 0, events: 1803, plays: 1, items: 1, rounds: 583, retries: 5 }] });
    expect(check(historyBudget, task)).toStrictEqual([]);
  });

  it('refuses an each whose items could all poll to the end, naming the henchman and the figure', () => {
    // Prepare: ssh wait-reachable, 10m at 5 s: 119 rounds; one item 20 + 6 + 20 + 3 × 119 + 2 (its iteration) + 2 (its
    // failure record) = 407, the Map 4, the states around it 18 (items?, list, list?, failed items?, items failed,
    // item failure, aborted?, items aborted, item abort): 4 + 100 × 407 + 18 = 40,722.
    const task = taskOf(run({ name: 'reach', action: 'wait-reachable', with: SSH, each: '${params.hosts}' }));
    // Act
    const errors = check(historyBudget, task);
    // Assess
    expect(findAction('ssh', 'wait-reachable')?.polls).toStrictEqual({ every: 5 });
    expect(errors).toStrictEqual([
      {
        code: 'history-budget',
        place: 'plot[0]',
        message: `the task could write 40,734 history events in the worst case, beyond the 25,000 Step Functions keeps for one execution; henchman 'reach' contributes most: 40,722 events (1 play, 100 items of each, 119 poll rounds, 5 retries a call): ${TAIL}`,
      },
    ]);
  });

  it('multiplies a henchman by the retreats over it, its undo by each retreat and the rollback', () => {
    // Prepare: provision (ec2 launch, 10m at 10 s: 59 rounds) is played 1 + 100 times: 101 × (20 + 6 + 20 + 177 + 8);
    // its undo (terminate, 59 rounds too) 100 times for the retreat and once for the rollback, with the walk's states
    // around it: 101 × (8 + 223 + 2); the retreats' walk passes over it 100 times: 100 × 4.
    const task: Task = { ...taskOf(launch({ undo: 'terminate' }), run({ onFailure: { retreat: 'provision', times: 100 } })), rollback: true };
    // Act
    const worst = historyWorstCase(task);
    // Assess
    expect(worst.events).toBe(51_304);
    expect(worst.shares[0]).toStrictEqual({ name: 'provision', index: 0, events: 47_264, plays: 101, items: 1, rounds: 59, retries: 5 });
  });

  it('accepts a task beyond one execution when each of its pieces fits one: it is played as a chain of executions', () => {
    // Prepare: the task above. One pass: provision 231 + connect 28, and the failing henchman's retreat states 8 + 2;
    // the retreat's walk: its own states 8, a visit of each henchman 4 + 4, provision's undo 233; the rollback: 4 +
    // provision's undo 233 + 4.
    const task: Task = { ...taskOf(launch({ undo: 'terminate' }), run({ onFailure: { retreat: 'provision', times: 100 } })), rollback: true };
    // Act
    const errors = check(historyBudget, task);
    // Assess
    expect(errors).toStrictEqual([]);
    expect(needsHandover(task)).toBe(true);
    expect(historyPieces(task)).toStrictEqual({ forward: 231 + 28 + 10, walks: [{ from: 1, to: 0, events: 8 + 8 + 233 }], rollback: 4 + 233 + 4 });
  });

  it('refuses a retreat whose walk back alone would not fit one execution, naming the retreat and the undo that costs most', () => {
    // Prepare: 106 ec2 launches with `undo: terminate`; the last retreats to the first. One pass fits (106 × 231 + 10 =
    // 24,496), its walk back does not: 8 + 106 × (4 + 233) = 25,130.
    const plot = Array.from({ length: 106 }, (_, i) => launch({ name: `move-${i}`, undo: 'terminate' }));
    plot[105] = { ...plot[105]!, onFailure: { retreat: 'move-0', times: 1 } };
    const task = taskOf(...plot);
    // Act
    const errors = check(historyBudget, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'history-budget',
        place: 'plot[105].onFailure.retreat',
        message:
          "the retreat of 'move-105' to 'move-0' could write 25,130 history events in the worst case as it walks back, beyond the 24,924 one execution has room for (Step Functions keeps 25,000; a longer task is played as a chain of executions, but one walk must fit one); the undo of 'move-0' contributes most: 233 events: retreat to a later henchman, or shorten the undo moves' timeouts",
      },
    ]);
  });

  it('accepts the same task with a retreat taken at most 3 times', () => {
    // Prepare: 4 × 231 + 4 × 233 + 3 × 4 (the walk passes over it) for provision; 4 × 28 + 3 × 4 (the walk) + 3 × 8
    // (the retreat's own states) for connect; 12 for the execution.
    const task: Task = { ...taskOf(launch({ undo: 'terminate' }), run({ onFailure: { retreat: 'provision', times: 3 } })), rollback: true };
    // Act
    const worst = historyWorstCase(task);
    // Assess
    expect(worst.events).toBe(12 + (4 * 231 + 4 * 233 + 3 * 4) + (4 * 28 + 3 * 4 + 3 * 8));
    expect(check(historyBudget, task)).toStrictEqual([]);
  });

  it('counts the retry attempts a henchman gives', () => {
    // Prepare: 3 Lambda service retries and 100 transient ones: 5 + 3 × 103 = 314, with the states around 322.
    const task = taskOf(run({ retry: { attempts: 100 } }));
    // Act
    const worst = historyWorstCase(task);
    // Assess
    expect(worst.shares).toStrictEqual([{ name: 'connect', index: 0, events: 322, plays: 1, items: 1, rounds: 0, retries: 103 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { commandLimit, deadlineOf } from '#providers/deadline';
import type { ProviderContext } from '#providers/contract';

const START = Date.parse('2026-01-01T00:00:00.000Z');
const context = (more: Partial<ProviderContext>): ProviderContext => ({ project: 'p', task: 't', version: 1, execution: 'e', henchman: 'h', attempt: 1, ...more });

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

describe("the task's deadline", () => {
  const task = { taskTimeout: 60, started: '2026-01-01T00:00:00.000Z' };

  it('bounds a move when it comes before the henchman timeout, and says so', () => {
    expect(deadlineOf('do', context({ ...task, timeout: 120 }), START + 10_000)).toStrictEqual({ at: START + 60_000, seconds: 50, henchman: 'h', task: 60 });
    expect(commandLimit(300, deadlineOf('do', context(task), START + 10_000), START + 10_000)).toStrictEqual({ seconds: 50, byDeadline: true, task: 60 });
  });

  it("keeps the henchman's deadline when it comes first", () => {
    expect(deadlineOf('do', context({ ...task, timeout: 20 }), START + 10_000)).toStrictEqual({ at: START + 30_000, seconds: 20, henchman: 'h' });
  });

  it('fails a do or poll that begins after it with Mastermind.TaskTimeout, and never bounds an undo', () => {
    expect(outcome(() => deadlineOf('do', context(task), START + 61_000))).toStrictEqual({
      name: 'Mastermind.TaskTimeout',
      message: "the task ran out of its timeout (60s) during henchman 'h': nothing was started",
    });
    expect(outcome(() => deadlineOf('poll', context(task), START + 61_000))).toStrictEqual({
      name: 'Mastermind.TaskTimeout',
      message: "the task ran out of its timeout (60s) during henchman 'h': nothing more was waited for",
    });
    expect(deadlineOf('undo', context(task), START + 61_000)).toBeUndefined();
  });
});

/**
 * The graph of states: owns the uniqueness of names, checks that every transition lands on a state,
 * and keeps only the states reachable from the start (helpers a task never uses are dropped, which is
 * also what asl-validator demands).
 */
import type { State } from './asl.ts';

export class CompileError extends Error {
  override readonly name = 'CompileError';
}

/** The names a state can move to: Next, Default, each Choice's Next, each Catch's Next. */
export function successors(state: State): string[] {
  const out: string[] = [];
  addSuccessors(state, out);
  return out;
}

/** Appends the names a state can move to (see successors) to `out`. */
function addSuccessors(state: State, out: string[]): void {
  if ('Next' in state && typeof state.Next === 'string') out.push(state.Next);
  if (state.Type === 'Choice') {
    for (const rule of state.Choices) out.push(rule.Next);
    if (state.Default) out.push(state.Default);
  }
  if ('Catch' in state && state.Catch) for (const c of state.Catch) out.push(c.Next);
}

export class StateGraph {
  readonly #states = new Map<string, State>();

  /** Adds a state; a second state of the same name is a compiler bug, reported with both names. */
  add(name: string, state: State): void {
    if (this.#states.has(name)) throw new CompileError(`two states are named "${name}"`);
    this.#states.set(name, state);
  }

  has(name: string): boolean {
    return this.#states.has(name);
  }

  /** The states reachable from `startAt`, in the order they were added. */
  render(startAt: string): Record<string, State> {
    const reachable = this.reachable(startAt);
    const out: Record<string, State> = {};
    for (const [name, state] of this.#states) if (reachable.has(name)) out[name] = state;
    return out;
  }

  /** The names of the states reachable from `startAt`. */
  reachable(startAt: string): Set<string> {
    const reachable = new Set<string>();
    // A queue read by index: shifting a long array, and spreading into it, cost more on large tasks.
    const queue = [startAt];
    for (let next = 0; next < queue.length; next += 1) {
      const name = queue[next]!;
      if (reachable.has(name)) continue;
      const state = this.#states.get(name);
      if (!state) throw new CompileError(`a transition leads to "${name}", which is not a state`);
      reachable.add(name);
      addSuccessors(state, queue);
    }
    return reachable;
  }
}

/**
 * How `watch` and `output` read the execution view (GET .../executions/{name}, remote.ts ExecutionView;
 * lambdas/service/history.ts says what each field means): the one place that knows its fields.
 *
 * | the view says                                       | read as                                                      |
 * | --------------------------------------------------- | ------------------------------------------------------------ |
 * | status SUCCEEDED, FAILED, TIMED_OUT, ABORTED        | the execution has ended; exit code 0, 3, 4, 5 (EXIT_CODES)   |
 * | any other status (RUNNING, PENDING_REDRIVE)         | still going: watch asks again                                |
 * | a move running, or waiting (between or in its poll rounds) | under way                                             |
 * | a move with any other status (succeeded, failed, stopped, fired) | ended, once a later move has begun or the execution has ended (until then a failed attempt may be retried) |
 * | a move with `items` (an each)                       | one played move per item, named by its label ("[0] web-1"); the each is over once the move has ended |
 * | `rounds`, `waitingFor`, `pollAfter`                 | its poll rounds; what it waits (or waited) for, in the provider's words; seconds to its first look |
 */
import { itemLabel } from '#service/history';
import type { ExecutionView, ItemView, MoveView } from './remote.ts';

/** The exit code of `watch` and `start --wait` for each final status of an execution. */
export const EXIT_CODES: Readonly<Record<string, number>> = { SUCCEEDED: 0, FAILED: 3, TIMED_OUT: 4, ABORTED: 5 };

/** The exit code when the execution could not be read (an API error, the API unreachable). */
export const UNREAD_EXIT_CODE = 1;

export function executionEnded(view: ExecutionView): boolean {
  return Object.hasOwn(EXIT_CODES, view.status);
}

/** One move of the view, or one item of an `each` move, with the henchman it belongs to. */
export interface PlayedMove {
  /** Unique in the view: henchman, place among its moves, and item index. */
  readonly key: string;
  readonly henchman: string;
  /** What was played: the move itself, or one of its items. */
  readonly move: MoveView | ItemView;
  readonly phase: string;
  readonly action?: string;
  /** Names the item of an `each` ("[1] b", its index and value); undefined otherwise. */
  readonly item?: string;
  /** For an item: the `each` move it belongs to. */
  readonly each?: MoveView;
}

/**
 * Every move of the view, in the order they began; an `each` move with items stands for its items, one played move
 * each (an each not yet with any item stands for itself).
 */
export function playedMoves(view: ExecutionView): PlayedMove[] {
  const moves = view.henchmen.flatMap((h) =>
    h.moves.flatMap((move, i): PlayedMove[] => {
      const common = { henchman: h.henchman, phase: move.phase, ...(move.action !== undefined ? { action: move.action } : {}) };
      if (!move.items || move.items.length === 0) return [{ key: `${h.henchman}#${i}`, move, ...common }];
      return move.items.map((item) => ({ key: `${h.henchman}#${i}[${item.index}]`, move: item, item: itemLabel(item), each: move, ...common }));
    }),
  );
  return moves.sort((a, b) => a.move.start.localeCompare(b.move.start));
}

/** Under way: running, or waiting for the world (its poll rounds). */
function underWay(move: MoveView | ItemView): boolean {
  return move.status === 'running' || move.status === 'waiting';
}

/** Its provider has not been called yet (a state entered, an item begun): it shows once it is. */
export function notCalled(played: PlayedMove): boolean {
  return played.move.status === 'running' && (played.action === undefined || played.move.attempts === 0);
}

/**
 * The move has ended for good: it is not under way, and either the execution has ended, its each has, or a later
 * move has begun since (a failed attempt that its retry plays again looks ended until the retry begins).
 */
export function moveEnded(played: PlayedMove, view: ExecutionView, all: readonly PlayedMove[]): boolean {
  if (underWay(played.move)) return false;
  if (executionEnded(view) || (played.each && !underWay(played.each) && played.each.end !== undefined)) return true;
  const end = played.move.end ?? played.move.start;
  return all.some((other) => other.key !== played.key && other.move.start >= end && other.move.start > played.move.start);
}

/** Poll rounds: times the move looked again while it waited; undefined when it never did. */
export function pollRounds(move: MoveView | ItemView): number | undefined {
  return move.rounds;
}

/** What a waiting move waits for: the provider's words when the view gives them, and when it looks first. */
export function waitingFor(move: MoveView | ItemView): string {
  const words = move.waitingFor ? `waiting for ${move.waitingFor}` : 'waiting';
  return move.pollAfter !== undefined ? `${words} (first look in ${move.pollAfter}s)` : words;
}

/** What a move that waited waited for, in the provider's words; undefined when it never waited or the provider gave none. */
export function waitedFor(move: MoveView | ItemView): string | undefined {
  return move.status === 'waiting' ? undefined : move.waitingFor;
}

export function errorText(error: NonNullable<MoveView['error']>): string {
  return `${error.error}${error.cause ? `: ${error.cause}` : ''}`;
}

/**
 * How many henchmen had played and had no move under way at `at` (an ISO time; the whole view when left out): each
 * begun move of theirs had ended by then, and their last one was not waiting. An `each` is done once its move has
 * ended, at its last item's end.
 */
export function henchmenDone(view: ExecutionView, all: readonly PlayedMove[], ended: (played: PlayedMove) => boolean, at?: string): number {
  const begun = all.filter((p) => at === undefined || p.move.start <= at);
  const henchmen = new Set(begun.map((p) => p.henchman));
  const endOf = (p: PlayedMove) => p.move.end ?? p.move.start;
  const open = (p: PlayedMove) => {
    if (!ended(p) || (at !== undefined && endOf(p) > at)) return true;
    if (!p.each) return false;
    // Its each goes on while another item is to come: the each move has not ended, or an item of it is still open.
    if (underWay(p.each) || p.each.end === undefined) return true;
    return all.some((o) => o.each === p.each && (!ended(o) || (at !== undefined && endOf(o) > at)));
  };
  return [...henchmen].filter((h) => !begun.some((p) => p.henchman === h && open(p))).length;
}

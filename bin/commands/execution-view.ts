/**
 * How `watch` and `output` read the execution view (GET .../executions/{name}, remote.ts ExecutionView): the one
 * place that knows its fields, so a field the view gains (an item's own state, `fired`, what a poll waits for) is
 * read here and nowhere else.
 *
 * | the view says                                       | read as                                                      |
 * | --------------------------------------------------- | ------------------------------------------------------------ |
 * | status SUCCEEDED, FAILED, TIMED_OUT, ABORTED        | the execution has ended; exit code 0, 3, 4, 5 (EXIT_CODES)   |
 * | any other status (RUNNING, PENDING_REDRIVE)         | still going: watch asks again                                |
 * | a move running, or waiting with no pollAfter        | under way (a poll between rounds is waiting without one)     |
 * | a move waiting with pollAfter                       | ended: its action answered "ask again in N seconds"          |
 * | a move with any other status (succeeded, failed, stopped, fired, ...) | ended, once a later move has begun or the execution has ended (until then a failed attempt may be retried) |
 * | a move of state `<henchman>: item` (an each)        | one item: its `item` field names it, else its place (item 2); its poll (`<henchman>: item poll`) is that item's |
 * | phase poll                                          | its attempts are poll rounds                                 |
 */
import type { ExecutionView, MoveView } from './remote.ts';

/** The exit code of `watch` and `start --wait` for each final status of an execution. */
export const EXIT_CODES: Readonly<Record<string, number>> = { SUCCEEDED: 0, FAILED: 3, TIMED_OUT: 4, ABORTED: 5 };

/** The exit code when the execution could not be read (an API error, the API unreachable). */
export const UNREAD_EXIT_CODE = 1;

export function executionEnded(view: ExecutionView): boolean {
  return Object.hasOwn(EXIT_CODES, view.status);
}

/** One move of the view, with the henchman it belongs to and its place among that henchman's moves. */
export interface PlayedMove {
  /** Unique in the view: henchman and place. */
  readonly key: string;
  readonly henchman: string;
  readonly move: MoveView;
  /** Names the item of an `each` (`item 2`, or the item itself when the view gives it); undefined otherwise. */
  readonly item?: string;
}

/** The first state of an item of `each` is "<henchman>: item"; its poll, "<henchman>: item poll" (compiler/layout.ts). */
const itemState = (henchman: string) => `${henchman}: item`;

/**
 * Every move of the view, in the order they began. The items of an `each` are told apart by the view's `item` when it
 * gives one, else numbered as they began; an item's poll takes the label of the item that asked to be polled, first
 * asked first served.
 */
export function playedMoves(view: ExecutionView): PlayedMove[] {
  const moves = view.henchmen.flatMap((h) => {
    let items = 0;
    const polled: string[] = [];
    return h.moves.map((move, i) => {
      const named = (move as MoveView & { item?: unknown }).item;
      let item: string | undefined;
      if (named !== undefined) item = typeof named === 'string' ? named : JSON.stringify(named);
      else if (move.state === itemState(h.henchman)) item = `item ${++items}`;
      else if (move.state.startsWith(`${itemState(h.henchman)} `)) item = polled.shift() ?? 'item';
      if (item !== undefined && move.status === 'waiting' && move.pollAfter !== undefined) polled.push(item);
      return { key: `${h.henchman}#${i}`, henchman: h.henchman, move, ...(item !== undefined ? { item } : {}) };
    });
  });
  return moves.sort((a, b) => a.move.start.localeCompare(b.move.start));
}

/** The move is under way: running, or a poll between two rounds. */
function underWay(move: MoveView): boolean {
  return move.status === 'running' || (move.status === 'waiting' && move.pollAfter === undefined);
}

/**
 * The move has ended for good: it is not under way, and either the execution has ended or a later move has begun
 * since (a failed attempt that its retry plays again looks ended until the retry begins).
 */
export function moveEnded(played: PlayedMove, view: ExecutionView, all: readonly PlayedMove[]): boolean {
  if (underWay(played.move)) return false;
  if (executionEnded(view)) return true;
  const end = played.move.end ?? played.move.start;
  return all.some((other) => other.key !== played.key && other.move.start >= end && other.move.start > played.move.start);
}

/** Poll rounds of a poll move; undefined for the other phases. */
export function pollRounds(move: MoveView): number | undefined {
  return move.phase === 'poll' ? move.attempts : undefined;
}

/** What a waiting move waits for, in the provider's words when the view gives them. */
export function waitingFor(move: MoveView): string {
  const reason = (move as MoveView & { reason?: unknown; waitingFor?: unknown }).reason ?? (move as { waitingFor?: unknown }).waitingFor;
  const after = move.pollAfter !== undefined ? `ask again in ${move.pollAfter}s` : 'waiting';
  return typeof reason === 'string' && reason !== '' ? `${after}: ${reason}` : after;
}

export function errorText(error: NonNullable<MoveView['error']>): string {
  return `${error.error}${error.cause ? `: ${error.cause}` : ''}`;
}

/**
 * How many henchmen had played and had no move under way at `at` (an ISO time; the whole view when left out): each
 * begun move of theirs had ended by then, and their last one was not waiting to be polled. An `each` is not done
 * between two items: only when the move that begins after its last item is another henchman's, or none does and
 * the execution has ended.
 */
export function henchmenDone(view: ExecutionView, all: readonly PlayedMove[], ended: (played: PlayedMove) => boolean, at?: string): number {
  const begun = all.filter((p) => at === undefined || p.move.start <= at);
  const last = new Map(begun.map((p) => [p.henchman, p]));
  const open = new Set(begun.filter((p) => !ended(p) || (at !== undefined && (p.move.end ?? p.move.start) > at)).map((p) => p.henchman));
  const done = (henchman: string, p: PlayedMove) => {
    if (open.has(henchman) || p.move.status === 'waiting') return false;
    if (p.item === undefined) return true;
    // After an item, the move that begins next says whether the each goes on (another item) or is over.
    const end = p.move.end ?? p.move.start;
    const next = all.find((o) => o.key !== p.key && o.move.start >= end);
    return next === undefined ? executionEnded(view) : next.henchman !== henchman;
  };
  return [...last].filter(([henchman, p]) => done(henchman, p)).length;
}

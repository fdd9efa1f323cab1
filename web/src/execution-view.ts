/**
 * The one place the page reads an execution as the API describes it (GET .../executions/{name},
 * lambdas/service/executions.ts ExecutionView): everything else in the page sees the `Play` this module makes,
 * so a change of the API's view is adapted here alone. Fields the view may not carry (a henchman's retreat count,
 * per-item states; a move's input, which a view of an execution before it does not hold) are read when present and
 * inferred from the moves, or left out, otherwise.
 *
 * How a henchman is lit, from its moves (newest last; a poll round is part of its move, not a move):
 *
 *   no move yet                                   pending
 *   last move under way                           running (undoing, for an undo)
 *   last move waiting for the world               waiting, with what it waits for in the provider's words
 *                                                 (an `each` move is waiting when all its unfinished items are)
 *   last move fired (`fire`: its result never comes back to the execution)   fired
 *   last move succeeded                           succeeded, or undone when it was an undo
 *   last move failed                              failed (an undo that failed too)
 *   the execution ended during the move           stopped
 *
 * and, beside its light, how many times its failure route retreated (a failed play of the henchman followed
 * by a new play of its retreat target), how many times it was played, and for `each` its items by status.
 */
import type { Task } from '#task/schema';

export type Light = 'pending' | 'running' | 'waiting' | 'fired' | 'undoing' | 'succeeded' | 'failed' | 'undone' | 'stopped';

/** The lights, in the order the legend shows them. */
export const LIGHTS: readonly Light[] = ['pending', 'running', 'waiting', 'fired', 'succeeded', 'failed', 'undoing', 'undone', 'stopped'];

/** One item of an `each` move. */
export interface PlayedItem {
  readonly index: number;
  readonly item?: unknown;
  readonly host?: string;
  readonly status: string;
  readonly attempts: number;
  readonly rounds?: number;
  readonly waitingFor?: string;
  readonly start: string;
  readonly end?: string;
  /** What the item's action was handed (a secret as its reference text, as the API shows it). */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause?: string };
}

export interface PlayedMove {
  readonly henchman: string;
  /** The move's first state: the henchman's own, or its undo's ("undo: provision"). */
  readonly state: string;
  readonly phase: string;
  readonly action?: string;
  readonly status: string;
  /** Calls made: 1 + retries. */
  readonly attempts: number;
  /** Times it looked again while it waited for the world. */
  readonly rounds?: number;
  /** What it waits (or waited) for, in the provider's words. */
  readonly waitingFor?: string;
  readonly start: string;
  readonly end?: string;
  /** What its action was handed: references resolved, secrets as their reference text `${secret:/name}` (the API's view). */
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause?: string };
  readonly pollAfter?: number;
  /** `each`: every item, in list order. */
  readonly items?: readonly PlayedItem[];
  /** Whatever else the view says of the move (fields this page does not know yet), shown as it is. */
  readonly more?: Readonly<Record<string, unknown>>;
}

export interface HenchmanPlay {
  readonly light: Light;
  /** Times its do move was played (a retreat plays a henchman again). */
  readonly plays: number;
  /** Times a retreat was taken from its failure. */
  readonly retreats: number;
  /** Its undo move's light, when it has been played. */
  readonly undo?: Light;
  /** While it waits: what for, in the provider's words. */
  readonly waitingFor?: string;
  /** `each`: its last move's items counted by status, in the order first seen. */
  readonly items?: readonly { readonly status: string; readonly count: number }[];
}

export interface Play {
  readonly name: string;
  readonly path: string;
  readonly status: string;
  readonly running: boolean;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly version?: number;
  readonly error?: string;
  readonly cause?: string;
  readonly startedBy: string;
  readonly params?: Record<string, unknown>;
  readonly henchmen: ReadonlyMap<string, HenchmanPlay>;
  /** Every move of every henchman, in the order they began. */
  readonly moves: readonly PlayedMove[];
  readonly output?: unknown;
  readonly historyTruncated: boolean;
  /** The name of the execution this one resumes, when it is a resume. */
  readonly resumes?: string;
  /**
   * A task played as a chain of executions (one execution's history could not hold it): the execution this one handed
   * over to (it ended SUCCEEDED, the task goes on there), and the one that handed over to it, by name.
   */
  readonly handedOverTo?: string;
  readonly handedOverFrom?: string;
  /** What the view left out to fit one answer (the moves' inputs, then outputs). */
  readonly leftOut?: readonly string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Who or what started an execution, from its input's trigger (lambdas/task/trigger.ts). */
export function startedBy(input: unknown): string {
  const root = record(input);
  const trigger = record(root?.trigger);
  const resume = record(root?.resume);
  const type = text(trigger?.type) ?? 'console';
  const by = text(trigger?.by);
  let who: string;
  switch (type) {
    case 'alarm':
      who = `alarm ${text(trigger?.alarmName) ?? ''}`.trim();
      break;
    case 'hook':
      who = 'hook';
      break;
    case 'api':
      who = by ? `${by} (API)` : 'the API';
      break;
    case 'rehearsal':
      who = by ? `rehearsal by ${by}` : 'rehearsal';
      break;
    case 'console':
      who = 'the console (no trigger)';
      break;
    default:
      who = by ? `${type}: ${by}` : type;
  }
  // The execution resumed, or the one that handed over to this one (a task played as a chain of executions), by its
  // name (the input holds its ARN).
  const of = text(resume?.of)?.split(':').pop();
  if (!of) return who;
  return resume?.walk !== undefined ? `${who}, handed over from ${of}` : `${who}, resuming ${of}`;
}

/** An `each` move under way whose unfinished items all wait for the world waits too. */
function waits(move: PlayedMove): boolean {
  if (move.status === 'waiting') return true;
  const open = move.status === 'running' ? (move.items ?? []).filter((i) => i.status === 'running' || i.status === 'waiting') : [];
  return open.length > 0 && open.every((i) => i.status === 'waiting');
}

function lightOf(move: PlayedMove | undefined): Light {
  if (!move) return 'pending';
  const undo = move.phase === 'undo';
  if (waits(move)) return undo ? 'undoing' : 'waiting';
  switch (move.status) {
    case 'succeeded':
      return undo ? 'undone' : 'succeeded';
    case 'failed':
      return 'failed';
    case 'fired':
      return 'fired';
    case 'stopped':
      return 'stopped';
    default:
      return undo ? 'undoing' : 'running';
  }
}

/** What a waiting move waits for: its own words, or its first waiting item's. */
function waitingWords(move: PlayedMove): string | undefined {
  return move.waitingFor ?? move.items?.find((i) => i.status === 'waiting' && i.waitingFor !== undefined)?.waitingFor;
}

function tally(items: readonly PlayedItem[]): { status: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return [...counts].map(([status, count]) => ({ status, count }));
}

/** The fields of a move the page reads by name. */
const KNOWN_MOVE_FIELDS = new Set(['state', 'phase', 'action', 'status', 'attempts', 'rounds', 'waitingFor', 'start', 'end', 'input', 'output', 'error', 'pollAfter', 'items']);

function readError(value: unknown): { error: string; cause?: string } | undefined {
  const error = record(value);
  if (!error) return undefined;
  return { error: text(error.error) ?? 'Error', ...(text(error.cause) !== undefined ? { cause: text(error.cause)! } : {}) };
}

/** The fields a move and an item of an `each` share (PlaySummary in lambdas/service/history.ts). */
function readPlayFields(play: Record<string, unknown>) {
  return {
    status: text(play.status) ?? 'running',
    attempts: typeof play.attempts === 'number' ? play.attempts : 1,
    ...(typeof play.rounds === 'number' ? { rounds: play.rounds } : {}),
    ...(text(play.waitingFor) !== undefined ? { waitingFor: text(play.waitingFor)! } : {}),
    start: text(play.start) ?? '',
    ...(text(play.end) !== undefined ? { end: text(play.end)! } : {}),
  };
}

function readItem(value: unknown, place: number): PlayedItem | undefined {
  const item = record(value);
  if (!item) return undefined;
  const error = readError(item.error);
  return {
    index: typeof item.index === 'number' ? item.index : place,
    ...('item' in item ? { item: item.item } : {}),
    ...(text(item.host) !== undefined ? { host: text(item.host)! } : {}),
    ...readPlayFields(item),
    ...('input' in item ? { input: item.input } : {}),
    ...('output' in item ? { output: item.output } : {}),
    ...(error ? { error } : {}),
  };
}

function readMove(henchman: string, value: unknown): PlayedMove | undefined {
  const move = record(value);
  if (!move) return undefined;
  const error = readError(move.error);
  const items = Array.isArray(move.items) ? move.items.map(readItem).filter((i): i is PlayedItem => i !== undefined) : undefined;
  const more = Object.entries(move).filter(([key]) => !KNOWN_MOVE_FIELDS.has(key));
  return {
    henchman,
    state: text(move.state) ?? henchman,
    phase: text(move.phase) ?? 'do',
    ...(text(move.action) !== undefined ? { action: text(move.action)! } : {}),
    ...readPlayFields(move),
    ...('input' in move ? { input: move.input } : {}),
    ...('output' in move ? { output: move.output } : {}),
    ...(error ? { error } : {}),
    ...(typeof move.pollAfter === 'number' ? { pollAfter: move.pollAfter } : {}),
    ...(items ? { items } : {}),
    ...(more.length > 0 ? { more: Object.fromEntries(more) } : {}),
  };
}

/** The henchman a failure of `name` retreats to, from the task. */
function retreatTarget(task: Task | undefined, name: string): string | undefined {
  const onFailure = task?.plot.find((h) => h.name === name)?.onFailure;
  return onFailure && typeof onFailure === 'object' && 'retreat' in onFailure ? onFailure.retreat : undefined;
}

/** Failed forward moves of `name` after which its retreat target was played again. */
function retreatsTaken(moves: readonly PlayedMove[], name: string, target: string | undefined): number {
  if (target === undefined) return 0;
  const replays = moves.filter((m) => m.henchman === target && m.phase === 'do').map((m) => m.start);
  return moves.filter((m) => m.henchman === name && m.phase !== 'undo' && m.status === 'failed' && replays.some((start) => start >= (m.end ?? m.start))).length;
}

/** Reads the API's execution view against the task it plays (for retreat targets); `task` may be unknown. */
export function readPlay(view: unknown, task?: Task): Play {
  const root = record(view) ?? {};
  const moves: PlayedMove[] = [];
  const byHenchman = new Map<string, PlayedMove[]>();
  const given = new Map<string, Record<string, unknown>>();
  for (const entry of Array.isArray(root.henchmen) ? root.henchmen : []) {
    const summary = record(entry);
    const name = text(summary?.henchman);
    if (!summary || name === undefined) continue;
    given.set(name, summary);
    for (const value of Array.isArray(summary.moves) ? summary.moves : []) {
      const move = readMove(name, value);
      if (!move) continue;
      moves.push(move);
      byHenchman.set(name, [...(byHenchman.get(name) ?? []), move]);
    }
  }
  // Stable: moves that began at the same instant keep the order the view gave.
  const ordered = moves.map((move, index) => ({ move, index })).sort((a, b) => a.move.start.localeCompare(b.move.start) || a.index - b.index).map((x) => x.move);

  const names = [...new Set([...(task?.plot.map((h) => h.name) ?? []), ...byHenchman.keys()])];
  const henchmen = new Map<string, HenchmanPlay>();
  for (const name of names) {
    const own = ordered.filter((m) => m.henchman === name);
    const undos = own.filter((m) => m.phase === 'undo');
    const summary = given.get(name);
    const retreats = typeof summary?.retreats === 'number' ? summary.retreats : retreatsTaken(ordered, name, retreatTarget(task, name));
    const last = own[own.length - 1];
    const light = lightOf(last);
    const words = last && light === 'waiting' ? waitingWords(last) : undefined;
    henchmen.set(name, {
      light,
      plays: own.filter((m) => m.phase === 'do').length,
      retreats,
      ...(undos.length > 0 ? { undo: lightOf(undos[undos.length - 1]) } : {}),
      ...(words !== undefined ? { waitingFor: words } : {}),
      ...(last?.items ? { items: tally(last.items) } : {}),
    });
  }

  const input = record(root.input);
  const resume = record(input?.resume);
  const status = text(root.status) ?? 'UNKNOWN';
  return {
    name: text(root.name) ?? '',
    path: text(root.path) ?? '',
    status,
    running: status === 'RUNNING',
    startDate: text(root.startDate) ?? '',
    ...(text(root.stopDate) !== undefined ? { stopDate: text(root.stopDate)! } : {}),
    ...(typeof root.version === 'number' ? { version: root.version } : {}),
    ...(text(root.error) !== undefined ? { error: text(root.error)! } : {}),
    ...(text(root.cause) !== undefined ? { cause: text(root.cause)! } : {}),
    startedBy: startedBy(input),
    ...(record(input?.params) ? { params: record(input?.params)! } : {}),
    henchmen,
    moves: ordered,
    ...('output' in root ? { output: root.output } : {}),
    historyTruncated: root.historyTruncated === true,
    ...(text(resume?.of) !== undefined && resume?.walk === undefined ? { resumes: text(resume?.of)!.split(':').pop()! } : {}),
    ...(text(record(root.handedOverTo)?.name) !== undefined ? { handedOverTo: text(record(root.handedOverTo)?.name)! } : {}),
    ...(Array.isArray(root.leftOut) ? { leftOut: root.leftOut.filter((f): f is string => typeof f === 'string') } : {}),
    ...(text(record(root.handedOverFrom)?.name) !== undefined ? { handedOverFrom: text(record(root.handedOverFrom)?.name)! } : {}),
  };
}

export interface ListedExecution {
  readonly name: string;
  readonly path: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  /** When the list gives it (else the page asks the execution itself). */
  readonly startedBy?: string;
}

/** Reads one page of GET .../executions. */
export function readExecutionList(page: unknown): { items: ListedExecution[]; next?: string } {
  const root = record(page) ?? {};
  const items: ListedExecution[] = [];
  for (const value of Array.isArray(root.items) ? root.items : []) {
    const item = record(value);
    const name = text(item?.name);
    if (!item || name === undefined) continue;
    items.push({
      name,
      path: text(item.path) ?? '',
      status: text(item.status) ?? 'UNKNOWN',
      startDate: text(item.startDate) ?? '',
      ...(text(item.stopDate) !== undefined ? { stopDate: text(item.stopDate)! } : {}),
      ...(item.trigger !== undefined || item.input !== undefined ? { startedBy: startedBy(item.input ?? { trigger: item.trigger }) } : {}),
    });
  }
  return { items, ...(text(root.next) !== undefined ? { next: text(root.next)! } : {}) };
}

/** How long an execution ran (or has run, until `now`), for a person: 850 ms, 12.4 s, 3 min 5 s, 2 h 10 min. */
export function duration(start: string, end: string | undefined, now: Date = new Date()): string {
  const from = Date.parse(start);
  const to = end !== undefined ? Date.parse(end) : now.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to)) return '';
  const ms = Math.max(0, to - from);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

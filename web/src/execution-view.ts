/**
 * The one place the page reads an execution as the API describes it (GET .../executions/{name},
 * lambdas/service/executions.ts ExecutionView): everything else in the page sees the `Play` this module makes,
 * so a change of the API's view is adapted here alone. Fields the view may not carry (a move's input, a
 * henchman's retreat count, per-item states) are read when present and inferred from the moves otherwise.
 *
 * How a henchman is lit, from its moves (newest last):
 *
 *   no move yet                                   waiting
 *   last move under way (do, poll)                running / polling (a poll Task answering "not yet")
 *   last move under way, an undo                  undoing
 *   last move succeeded                           succeeded, or undone when it was an undo
 *   last move failed                              failed (an undo that failed too)
 *   the execution was stopped during the move     stopped
 *
 * and, beside its light, how many times its failure route retreated (a failed play of the henchman followed
 * by a new play of its retreat target) and how many times it was played.
 */
import type { Task } from '#task/schema';

export type Light = 'waiting' | 'running' | 'polling' | 'undoing' | 'succeeded' | 'failed' | 'undone' | 'stopped';

export interface PlayedMove {
  readonly henchman: string;
  /** The Task state played: the henchman's own, or a helper ("provision: poll", "configure: undo provision"). */
  readonly state: string;
  readonly phase: string;
  readonly action?: string;
  readonly status: string;
  /** For do and undo: calls made (1 + retries); for a poll: its rounds. */
  readonly attempts: number;
  readonly start: string;
  readonly end?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause?: string };
  readonly pollAfter?: number;
  /** Per `each` item, when the view gives them. */
  readonly items?: readonly unknown[];
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
  // The execution resumed, by its name (the input holds its ARN).
  const of = text(resume?.of)?.split(':').pop();
  return of ? `${who}, resuming ${of}` : who;
}

function lightOf(move: PlayedMove | undefined): Light {
  if (!move) return 'waiting';
  const undo = move.phase === 'undo';
  switch (move.status) {
    case 'running':
      return undo ? 'undoing' : 'running';
    case 'waiting':
      return undo ? 'undoing' : 'polling';
    case 'succeeded':
      return undo ? 'undone' : 'succeeded';
    case 'failed':
      return 'failed';
    case 'stopped':
      return 'stopped';
    default:
      return 'running';
  }
}

/** The fields of a move the page reads by name. */
const KNOWN_MOVE_FIELDS = new Set(['state', 'phase', 'action', 'status', 'attempts', 'start', 'end', 'input', 'output', 'error', 'pollAfter', 'items']);

function readMove(henchman: string, value: unknown): PlayedMove | undefined {
  const move = record(value);
  if (!move) return undefined;
  const error = record(move.error);
  const more = Object.entries(move).filter(([key]) => !KNOWN_MOVE_FIELDS.has(key));
  return {
    henchman,
    state: text(move.state) ?? henchman,
    phase: text(move.phase) ?? 'do',
    ...(text(move.action) !== undefined ? { action: text(move.action)! } : {}),
    status: text(move.status) ?? 'running',
    attempts: typeof move.attempts === 'number' ? move.attempts : 1,
    start: text(move.start) ?? '',
    ...(text(move.end) !== undefined ? { end: text(move.end)! } : {}),
    ...('input' in move ? { input: move.input } : {}),
    ...('output' in move ? { output: move.output } : {}),
    ...(error ? { error: { error: text(error.error) ?? 'Error', ...(text(error.cause) !== undefined ? { cause: text(error.cause)! } : {}) } } : {}),
    ...(typeof move.pollAfter === 'number' ? { pollAfter: move.pollAfter } : {}),
    ...(Array.isArray(move.items) ? { items: move.items } : {}),
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
    henchmen.set(name, {
      light: lightOf(own[own.length - 1]),
      plays: own.filter((m) => m.phase === 'do').length,
      retreats,
      ...(undos.length > 0 ? { undo: lightOf(undos[undos.length - 1]) } : {}),
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
    ...(text(resume?.of) !== undefined ? { resumes: text(resume?.of)!.split(':').pop()! } : {}),
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

/**
 * Where an execution stands, read from its history (newest events first): its latest execution state (params,
 * trigger, out, count: the input of the last state it entered outside any Map item) and the henchman it was
 * playing last (the last henchman's first state it entered). Cancel says from it which completed moves a rollback
 * will undo; resume carries its outputs over and begins at that henchman. Pure over the events, plus the read.
 *
 * | history                                            | answer                                   |
 * | -------------------------------------------------- | ---------------------------------------- |
 * | the execution entered states                       | state and henchman                       |
 * | no state entered yet (or the inputs are not kept)  | state undefined                          |
 * | no henchman's state entered yet                    | henchman undefined                       |
 * | more than MAX_PAGES pages back to find them        | what the pages read hold                 |
 */
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ServiceDeps } from './deps.ts';
import { executionContext } from './history.ts';

/** The execution state as the compiler lays it out (lambdas/task/compiler/layout.ts). */
export interface ExecutionState {
  readonly params: Record<string, unknown>;
  readonly trigger: Record<string, unknown>;
  /** Each henchman's record, by state key (lambdas/task/keys.ts stateKey). */
  readonly out: Record<string, Record<string, unknown>>;
  readonly count: Record<string, unknown>;
}

export interface Standing {
  readonly state?: ExecutionState;
  /** The henchman whose first state was entered last. */
  readonly henchman?: string;
  /** The task version, from the context a move was handed. */
  readonly version?: number;
}

/** At most this many pages (1000 events each) are read back from the end. */
const MAX_PAGES = 5;

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stateOf(event: HistoryEvent): ExecutionState | undefined {
  const text = event.stateEnteredEventDetails?.input;
  if (!event.type?.endsWith('StateEntered') || text === undefined) return undefined;
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = object(JSON.parse(text));
  } catch {
    return undefined;
  }
  if (!parsed || !object(parsed.params) || !object(parsed.trigger) || !object(parsed.out) || !object(parsed.count)) return undefined;
  return parsed as unknown as ExecutionState;
}

/**
 * Reads events newest first until both are found. `entries` maps each henchman's first state (its own name, or
 * "<h>: items?" for `each`) to the henchman.
 */
export function standingOf(newestFirst: readonly HistoryEvent[], entries: ReadonlyMap<string, string>): Standing {
  let state: ExecutionState | undefined;
  let henchman: string | undefined;
  for (const event of newestFirst) {
    state ??= stateOf(event);
    const name = event.type?.endsWith('StateEntered') ? event.stateEnteredEventDetails?.name : undefined;
    if (henchman === undefined && name !== undefined) henchman = entries.get(name);
    if (state && henchman !== undefined) break;
  }
  const { version } = executionContext(newestFirst);
  return { ...(state ? { state } : {}), ...(henchman !== undefined ? { henchman } : {}), ...(version !== undefined ? { version } : {}) };
}

/** The events of an execution, newest first, as far back as {@link standingOf} needs (at most MAX_PAGES pages). */
export async function readStanding(deps: ServiceDeps, executionArn: string, entries: ReadonlyMap<string, string>): Promise<Standing> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  let standing: Standing = {};
  do {
    const page = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
    pages += 1;
    standing = standingOf(events, entries);
  } while (nextToken && pages < MAX_PAGES && !(standing.state && standing.henchman !== undefined && standing.version !== undefined));
  return standing;
}

/** What the service reads of a task version's definition: the henchmen a resume may begin at, and the rollback's undos. */
export interface DefinitionFacts {
  /** Plot order: each henchman an execution can reach, with its first state. Empty for a definition compiled before resume. */
  readonly henchmen: readonly { readonly name: string; readonly entry: string }[];
  /** Whether the definition has the "resume: from?" state (compiled since resume exists). */
  readonly resumable: boolean;
  /** The henchmen the abort route undoes (rollback: true, those with an undo), in plot order. */
  readonly rollback: readonly string[];
}

export function definitionFacts(definition: string): DefinitionFacts {
  let states: Record<string, { Type?: string; Choices?: { StringEquals?: string; Next?: string }[] }> = {};
  try {
    states = object(object(JSON.parse(definition))?.States) as typeof states ?? {};
  } catch {
    // An unreadable definition has no facts.
  }
  const from = states['resume: from?'];
  const henchmen = (from?.Choices ?? []).flatMap((c) => (typeof c.StringEquals === 'string' && typeof c.Next === 'string' ? [{ name: c.StringEquals, entry: c.Next }] : []));
  // With "task: rollback" (the rollback's walk), every henchman's undo, "undo: <h>" or "undo: <h> items" for an each
  // (a henchman name is [a-z0-9-]: "undo: <h> poll?" is a poll's helper). Definitions compiled before the walk:
  // the guards "rollback: <h>?".
  const rollback = states['task: rollback']
    ? Object.keys(states).flatMap((name) => /^undo: ([a-z0-9-]+)(?: items)?$/.exec(name)?.slice(1) ?? [])
    : Object.keys(states).flatMap((name) => /^rollback: ([a-z0-9-]+)\?$/.exec(name)?.slice(1) ?? []);
  return { henchmen, resumable: from !== undefined, rollback };
}

/** The map {@link standingOf} takes: each henchman's first state → the henchman. */
export function entriesOf(facts: DefinitionFacts): Map<string, string> {
  return new Map(facts.henchmen.map((h) => [h.entry, h.name]));
}

/**
 * `mastermind status`: an execution's status, its failure if it failed, and where each henchman stands: its last
 * move's status and why (the error, what a waiting move waits for, how the items of an `each` stand).
 */
import type { HenchmanSummary, ItemSummary, PlaySummary } from '#service/history';
import { UsageError, type Command } from './io.ts';
import { readExecution } from './remote.ts';

export const usage = 'mastermind status <project>/<task>/<execution> | <execution ARN> [--url <API URL>]';

/** "2 rounds", "1 round". */
export function rounds(n: number | undefined): string {
  return n === undefined ? '' : `${n} round${n === 1 ? '' : 's'}`;
}

/** How the items of an `each` stand: "3 items: 2 succeeded, 1 failed". */
export function itemCounts(items: readonly ItemSummary[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1);
  return `${items.length} item${items.length === 1 ? '' : 's'}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
}

/** Why a move stands where it does, in one line: its error, what it waits for, how its items stand. */
export function moveReason(move: PlaySummary & { readonly items?: readonly ItemSummary[] }): string {
  if (move.error) return `${move.error.error}${move.error.cause ? `: ${move.error.cause}` : ''}`;
  if (move.status === 'waiting') {
    const more = [rounds(move.rounds), move.pollAfter !== undefined ? `next look in ${move.pollAfter} s` : ''].filter(Boolean).join(', ');
    return `for ${move.waitingFor ?? 'the world (the provider did not say what)'}${more ? ` (${more})` : ''}`;
  }
  if (move.items) return itemCounts(move.items);
  if (move.status === 'fired') return 'started; the task went on without waiting for its result';
  return '';
}

function henchmanLines(henchmen: readonly HenchmanSummary[]): string[] {
  if (henchmen.length === 0) return ['henchmen  (none played yet)'];
  const width = Math.max(...henchmen.map((h) => h.henchman.length));
  return henchmen.map((h, i) => {
    const last = h.moves[h.moves.length - 1]!;
    const phase = last.phase === 'undo' ? ' (undo)' : '';
    return `${i === 0 ? 'henchmen' : ''.padEnd(8)}  ${h.henchman.padEnd(width)}  ${`${h.status}${phase}`.padEnd(9)}  ${moveReason(last)}`.trimEnd();
  });
}

export const status: Command = async (args, io) => {
  const view = await readExecution(args, io, 'status', (message) => new UsageError(message));
  if (!view) return 1;
  const task = `${view.project}/${view.task}${view.version !== undefined ? ` version ${view.version}` : ''}`;
  const lines = [
    `execution ${view.name}  (${task})`,
    `status    ${view.status}`,
    `started   ${view.startDate}${view.stopDate ? `   stopped ${view.stopDate}` : ''}`,
    ...(view.error !== undefined ? [`error     ${view.error}${view.cause ? `: ${view.cause}` : ''}`] : []),
    // A task played as a chain of executions (one execution's history could not hold it).
    ...(view.handedOverFrom ? [`from      ${view.project}/${view.task}/${view.handedOverFrom.name} (handed over to this one)`] : []),
    ...(view.handedOverTo ? [`next      ${view.project}/${view.task}/${view.handedOverTo.name} (handed over: the task goes on there)`] : []),
    ...henchmanLines(view.henchmen),
    `console   ${view.consoleUrl}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
};

/**
 * `mastermind history`: every move of an execution, in the order played: henchman, phase, action, status, tries
 * (×N attempts when retried, N rounds when it waited), start → end, and its output or why it stands so. The items of
 * an `each` follow their move, one line each, named by host or value.
 */
import type { ItemSummary, MoveSummary, PlaySummary } from '#service/history';
import { itemLabel } from '#service/history';
import { brief, UsageError, type Command } from './io.ts';
import { readExecution } from './remote.ts';
import { moveReason, rounds } from './status.ts';

export const usage = 'mastermind history <project>/<task>/<execution> | <execution ARN> [--url <API URL>]';

function tries(play: PlaySummary): string {
  return [play.attempts > 1 ? `×${play.attempts}` : '', rounds(play.rounds)].filter(Boolean).join(' ');
}

function result(play: MoveSummary | ItemSummary): string {
  const reason = moveReason(play);
  if (reason) return reason;
  return play.output === undefined ? '' : brief(play.output);
}

export const history: Command = async (args, io) => {
  const view = await readExecution(args, io, 'history', (message) => new UsageError(message));
  if (!view) return 1;
  const moves = view.henchmen.flatMap((h) => h.moves.map((m) => ({ henchman: h.henchman, ...m })));
  moves.sort((a, b) => a.start.localeCompare(b.start));
  const width = Math.max(8, ...moves.map((m) => m.henchman.length));
  const triesWidth = Math.max(4, ...moves.flatMap((m) => [m, ...(m.items ?? [])].map((p) => tries(p).length)));
  // Item lines stand under phase and action: those columns widen to the longest item label.
  const actionWidth = Math.max(14, ...moves.flatMap((m) => (m.items ?? []).map((item) => itemLabel(item).length + 2 - 6)));
  const when = (p: PlaySummary) => `${p.start}${p.end ? ` → ${p.end}` : ''}`;
  const lines = moves.flatMap((m) => [
    `${m.henchman.padEnd(width)}  ${m.phase.padEnd(4)}  ${(m.action ?? '').padEnd(actionWidth)}  ${m.status.padEnd(9)}  ${tries(m).padEnd(triesWidth)}  ${when(m)}  ${result(m)}`.trimEnd(),
    ...(m.items ?? []).map(
      (item) => `${''.padEnd(width)}  ${`  ${itemLabel(item)}`.padEnd(actionWidth + 6)}  ${item.status.padEnd(9)}  ${tries(item).padEnd(triesWidth)}  ${when(item)}  ${result(item)}`.trimEnd(),
    ),
  ]);
  io.stdout(`${view.name}: ${view.status}, ${moves.length} move${moves.length === 1 ? '' : 's'}${view.historyTruncated ? ' (the history is longer than the API reads: the console shows all of it)' : ''}\n${lines.map((l) => `${l}\n`).join('')}`);
  return 0;
};

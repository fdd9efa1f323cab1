/** `mastermind history`: every move of an execution, per henchman, in the order played. */
import { brief, UsageError, type Command } from './io.ts';
import { readExecution } from './remote.ts';
import type { MoveView } from './remote.ts';

export const usage = 'mastermind history <project>/<task>/<execution> | <execution ARN> [--url <API URL>]';

function result(move: MoveView): string {
  if (move.error) return `${move.error.error}${move.error.cause ? `: ${move.error.cause}` : ''}`;
  if (move.pollAfter !== undefined) return `ask again in ${move.pollAfter}s`;
  return move.output === undefined ? '' : brief(move.output);
}

export const history: Command = async (args, io) => {
  const view = await readExecution(args, io, 'history', (message) => new UsageError(message));
  if (!view) return 1;
  const moves = view.henchmen.flatMap((h) => h.moves.map((m) => ({ henchman: h.henchman, ...m })));
  moves.sort((a, b) => a.start.localeCompare(b.start));
  const width = Math.max(8, ...moves.map((m) => m.henchman.length));
  const lines = moves.map((m) => {
    const attempts = m.attempts > 1 ? `×${m.attempts}` : '';
    const when = `${m.start}${m.end ? ` → ${m.end}` : ''}`;
    return `${m.henchman.padEnd(width)}  ${m.phase.padEnd(4)}  ${(m.action ?? '').padEnd(14)}  ${m.status.padEnd(9)}  ${attempts.padEnd(4)}  ${when}  ${result(m)}`.trimEnd();
  });
  io.stdout(`${view.name}: ${view.status}, ${moves.length} move${moves.length === 1 ? '' : 's'}${view.historyTruncated ? ' (the history is longer than the API reads: the console shows all of it)' : ''}\n${lines.map((l) => `${l}\n`).join('')}`);
  return 0;
};

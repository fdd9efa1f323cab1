/**
 * `mastermind watch`: follows an execution as it runs, asking the API for its view every --interval seconds, and
 * prints one line as each move (each item of an `each`) begins and one as it ends (henchman, phase, action, item,
 * result or error, attempts or poll rounds and what it waited for, henchmen done so far), then a final line. Its
 * exit code is the execution's final status (execution-view.ts EXIT_CODES); `start --wait` ends the same way.
 *
 *   watching web/deploy/run-1 (started 17:20:01)
 *   17:20:01  provision  do    launch  started
 *   17:20:35  provision  do    launch  succeeded after 3 poll rounds waiting for i-0abc to be running  {"instanceId":"i-0abc",...}  (1 of 3 henchmen played)
 *   17:20:35  configure  do    run  [0] web-1  started
 *   ...
 *   FAILED in 1m02s: 2 of 3 henchmen played; Mastermind.Failed: exit code 1 is not allowed (allowed: 0) on ...
 *
 * A line is printed once the view shows it for good (a move that failed is reported once the next move has begun or
 * the execution has ended: until then a retry may play it again), so the lines do not depend on when the view was read.
 */
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { Api } from './client.ts';
import { callApi } from './client.ts';
import { executionPath, shortExecutionId, type ExecutionId } from './execution-id.ts';
import { errorText, executionEnded, EXIT_CODES, henchmenDone, moveEnded, notCalled, playedMoves, pollRounds, UNREAD_EXIT_CODE, waitedFor } from './execution-view.ts';
import type { PlayedMove } from './execution-view.ts';
import { brief, UsageError, type Command, type Io } from './io.ts';
import { apiOf, ask, oneExecution, taskPath, URL_OPTION } from './remote.ts';
import type { ExecutionView } from './remote.ts';

export const EXIT_CODES_TEXT = 'exit code: 0 SUCCEEDED, 3 FAILED, 4 TIMED_OUT, 5 ABORTED; 1 when the execution cannot be read, 2 on a usage error';

export const usage = 'mastermind watch <project>/<task>/<execution> | <execution ARN> [--interval <seconds>] [--json] [--url <API URL>]';

export const INTERVAL_OPTION = { interval: { type: 'string' } } as const;

/** --interval: seconds between two reads of the execution (2 unless given). */
export function intervalOf(value: string | undefined): number {
  if (value === undefined) return 2;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > 3600) throw new UsageError(`--interval must be a number of seconds above 0 (at most 3600), not ${value}`);
  return seconds;
}

/** 17:20:05 of 2026-12-02T17:20:05.123Z. */
const clock = (iso: string) => iso.slice(11, 19);

function duration(from: string, to: string): string {
  const seconds = Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
}

/** The henchmen of the task version the execution plays, read from its source; undefined when it cannot be read. */
async function plotOf(api: Api, view: ExecutionView): Promise<string[] | undefined> {
  if (view.version === undefined) return undefined;
  try {
    const answer = await callApi(api, { method: 'GET', path: taskPath(view), query: { version: String(view.version) } });
    if (answer.status !== 200) return undefined;
    const source = (answer.body as { source?: unknown }).source;
    const plot = (parseYaml(String(source)) as { plot?: { name?: unknown }[] } | undefined)?.plot;
    return Array.isArray(plot) ? plot.map((h) => String(h?.name)) : undefined;
  } catch {
    return undefined;
  }
}

/** What a move ended with: its status, attempts and poll rounds (and what it waited for), its result or error. */
function outcome(p: PlayedMove): string {
  const m = p.move;
  const rounds = pollRounds(m);
  const counts = [m.attempts > 1 ? `${m.attempts} attempts` : '', rounds !== undefined ? `${rounds} poll round${rounds === 1 ? '' : 's'}` : ''].filter(Boolean);
  const waited = waitedFor(m);
  const tries = `${counts.length > 0 ? ` after ${counts.join(' and ')}` : ''}${waited !== undefined ? ` waiting for ${waited}` : ''}`;
  if (m.error) return `${m.status}${tries}  ${errorText(m.error)}`;
  return `${m.status}${tries}${m.output !== undefined ? `  ${brief(m.output)}` : ''}`;
}

interface Seen {
  started: boolean;
  ended: boolean;
  attempts: number;
}

/** Follows one execution until it ends; resolves to the exit code. */
export async function watchExecution(api: Api, started: ExecutionId, io: Io, command: string, interval: number): Promise<number> {
  let id = started;
  let seen = new Map<string, Seen>();
  let plot: string[] | undefined;
  let plotRead = false;
  let first = true;
  for (;;) {
    const answer = await ask(api, { method: 'GET', path: executionPath(id) }, [200], io, command);
    if (!answer) {
      if (!first) io.stderr(`mastermind ${command}: stopped watching; the execution goes on: \`mastermind watch ${shortExecutionId(id)}\` follows it again\n`);
      return UNREAD_EXIT_CODE;
    }
    const view = answer.body as ExecutionView;
    if (first) io.stdout(`watching ${shortExecutionId(id)} (started ${clock(view.startDate)})\n`);
    first = false;
    if (!plotRead && view.version !== undefined) {
      plot = await plotOf(api, view);
      plotRead = true;
    }
    const width = Math.max(...(plot ?? []).map((n) => n.length), ...view.henchmen.map((h) => h.henchman.length));
    const all = playedMoves(view);
    const ended = (p: PlayedMove) => moveEnded(p, view, all);
    const progress = (at?: string) => {
      const done = henchmenDone(view, all, ended, at);
      return `${done}${plot ? ` of ${plot.length}` : ''} henchm${(plot?.length ?? done) === 1 ? 'an' : 'en'} played`;
    };

    const lines: { at: string; key: string; kind: 0 | 1; text: string }[] = [];
    for (const p of all) {
      const m = p.move;
      // A state entered and its provider not yet called: its action shows once it is.
      if (notCalled(p)) continue;
      const state = seen.get(p.key) ?? { started: false, ended: false, attempts: m.attempts };
      const who = `${p.henchman.padEnd(width)}  ${p.phase.padEnd(4)}  ${p.action ?? ''}${p.item ? `  ${p.item}` : ''}`;
      if (!state.started) {
        lines.push({ at: m.start, key: p.key, kind: 0, text: `${clock(m.start)}  ${who}  started` });
        state.started = true;
      } else if (state.ended && m.attempts > state.attempts && !ended(p)) {
        // Seen as ended, then played again (a retry begun after the move looked over).
        lines.push({ at: m.start, key: p.key, kind: 0, text: `${clock(m.start)}  ${who}  started again (attempt ${m.attempts})` });
        state.ended = false;
      }
      state.attempts = m.attempts;
      if (!state.ended && ended(p)) {
        const at = m.end ?? m.start;
        lines.push({ at, key: p.key, kind: 1, text: `${clock(at)}  ${who}  ${outcome(p)}  (${progress(at)})` });
        state.ended = true;
      }
      seen.set(p.key, state);
    }
    // In time order; at one instant a move begins before it ends, and ends before the next one begins.
    lines.sort((a, b) => a.at.localeCompare(b.at) || (a.key === b.key ? a.kind - b.kind : b.kind - a.kind));
    for (const line of lines) io.stdout(`${line.text.trimEnd()}\n`);

    if (executionEnded(view) && view.status === 'SUCCEEDED' && view.handedOverTo) {
      // A task played as a chain of executions: this one played its part, the next one goes on; it is followed too.
      id = { project: id.project, task: id.task, name: view.handedOverTo.name };
      io.stdout(`handed over to ${shortExecutionId(id)}: the task goes on there (one execution's history could not hold it)\n`);
      seen = new Map();
      continue;
    }
    if (executionEnded(view)) {
      const failure = view.error !== undefined ? `; ${view.error}${view.cause ? `: ${view.cause}` : ''}` : '';
      io.stdout(`${view.status} in ${duration(view.startDate, view.stopDate ?? view.startDate)}: ${progress()}${failure}\n`);
      io.answer?.(view);
      return EXIT_CODES[view.status]!;
    }
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
}

export const watch: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, ...INTERVAL_OPTION } });
  const execution = oneExecution(positionals);
  return watchExecution(apiOf({ url: values.url }), execution, io, 'watch', intervalOf(values.interval));
};

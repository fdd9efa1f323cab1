/**
 * `mastermind output`: a henchman's moves in an execution with everything they were handed and returned, where
 * `history` shows each result cut to one line: the input as the provider was handed it (a secret as its reference
 * text `${secret:/name}`, never its value), a command's stdout and stderr in full (as the provider kept them: the
 * last 8 KiB of each, `truncated` says when it cut), every item of an `each`, an error's whole cause.
 */
import { parseArgs } from 'node:util';
import { stringify as toYaml } from 'yaml';
import { executionIdOf, executionPath, shortExecutionId } from './execution-id.ts';
import { errorText, playedMoves, pollRounds, waitedFor, waitingFor } from './execution-view.ts';
import type { PlayedMove } from './execution-view.ts';
import { UsageError, type Command } from './io.ts';
import { apiOf, ask, URL_OPTION } from './remote.ts';
import type { ExecutionView } from './remote.ts';

export const usage = 'mastermind output <project>/<task>/<execution> | <execution ARN> <henchman> [--json] [--url <API URL>]';

const STREAMS = ['stdout', 'stderr'] as const;

/** A block of text under its name, ending in a newline; `(empty)` when there is none. */
function block(name: string, text: string): string {
  return `${name}:\n${text === '' ? '(empty)\n' : text.endsWith('\n') ? text : `${text}\n`}`;
}

/** A move's output: a command's streams as blocks, the other fields as YAML. */
function outputText(output: unknown): string {
  if (output === undefined) return '(no output)\n';
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return toYaml(output);
  const fields = output as Record<string, unknown>;
  const streams = STREAMS.filter((s) => typeof fields[s] === 'string');
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => !streams.includes(k as (typeof STREAMS)[number])));
  let text = Object.keys(rest).length > 0 ? toYaml(rest) : '';
  for (const s of streams) text += block(s, fields[s] as string);
  if (fields.truncated === true && streams.length > 0) text += '(cut: the provider keeps the last 8 KiB of each stream)\n';
  return text;
}

/** YAML text moved two spaces in, under its heading. */
function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

function moveText(p: PlayedMove): string {
  const m = p.move;
  const rounds = pollRounds(m);
  const tries = `${m.attempts > 1 ? `, ${m.attempts} attempts` : ''}${rounds !== undefined ? `, ${rounds} poll round${rounds === 1 ? '' : 's'}` : ''}`;
  const head = `== ${p.henchman}${p.item ? ` ${p.item}` : ''}: ${p.phase} ${p.action ?? ''} ${m.status}${tries} (${m.start}${m.end ? ` → ${m.end}` : ''})`;
  const waited = waitedFor(m);
  let body = m.input !== undefined ? `input:\n${indent(toYaml(m.input))}` : '';
  if (waited !== undefined) body += `waited for: ${waited}\n`;
  if (m.error) body += `error: ${errorText(m.error)}\n`;
  else if (m.status === 'waiting') body += `${waitingFor(m)}\n`;
  else body += outputText(m.output);
  return `${head}\n${body}`;
}

export const output: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: URL_OPTION });
  const [id, henchman, ...extra] = positionals;
  if (!id || !henchman || extra.length > 0) throw new UsageError('give one execution and one henchman');
  const execution = executionIdOf(id);
  const answer = await ask(apiOf({ url: values.url }), { method: 'GET', path: executionPath(execution) }, [200], io, 'output');
  if (!answer) return 1;
  const view = answer.body as ExecutionView;
  const played = view.henchmen.find((h) => h.henchman === henchman);
  if (!played) {
    const names = view.henchmen.map((h) => h.henchman);
    const message =
      `${henchman} has not played in ${shortExecutionId(execution)}` +
      `${names.length > 0 ? ` (these have: ${names.join(', ')})` : ' (no henchman has yet)'}; \`mastermind history ${shortExecutionId(execution)}\` shows every move`;
    io.answer?.({ error: 'NotPlayed', message });
    io.stderr(`mastermind output: ${message}\n`);
    return 1;
  }
  io.answer?.(played);
  const moves = playedMoves({ ...view, henchmen: [played] });
  io.stdout(moves.map(moveText).join('\n'));
  return 0;
};

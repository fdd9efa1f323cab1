import '#engine/polyfill';
import { parseArgs } from 'node:util';
import { loadScenario, rehearsalHandler, scenarioProblems } from '#engine/rehearsal';
import { paramProblems } from '#service/params';
import { runTask, type Move } from '#engine/run';
import { compileSource } from '#task/compile';
import { formatTaskError } from '#task/errors';
import { brief, formatOf, readDocument, readSecretLayout, readText, SECRET_LAYOUT_OPTIONS, UsageError, type Command } from './io.ts';

export const usage =
  'mastermind rehearse <task file> [--scenario <file>] [--params <json>] [--trigger <json>] [--secrets-path <path>] [--shared-secrets-path <path>]';

function outcome(move: Move): string {
  if (move.status === 'failed') return `FAILED ${move.error ? `${move.error.name}: ${move.error.message}` : ''}`;
  const result = move.output as { output?: unknown; poll?: { after?: number } } | undefined;
  if (result?.poll) return `waiting: ask again in ${result.poll.after}s`;
  return `ok ${brief(result?.output ?? result)}`;
}

function moveLine(move: Move, origin: number, width: number): string {
  const at = ((move.startedAt.getTime() - origin) / 1000).toFixed(3).padStart(7);
  return `${at}s  ${move.henchman.padEnd(width)}  ${move.phase.padEnd(4)}  ${move.action.padEnd(14)}  ${outcome(move)}\n`;
}

async function objectOption(value: string | undefined, what: string): Promise<Record<string, unknown> | undefined> {
  if (value === undefined) return undefined;
  const doc = await readDocument(value, what);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new UsageError(`${what} must be an object`);
  return doc as Record<string, unknown>;
}

/** Runs the task locally with providers answered from a scenario, printing each move as it happens. */
export const rehearse: Command = async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { scenario: { type: 'string' }, params: { type: 'string' }, trigger: { type: 'string' }, ...SECRET_LAYOUT_OPTIONS },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    io.stderr(`usage: ${usage}\n`);
    return 2;
  }
  const compiled = compileSource(await readText(file, 'task file'), { format: formatOf(file), secrets: readSecretLayout(values) });
  if (!compiled.task || !compiled.definition) {
    for (const error of compiled.errors) io.stderr(`${formatTaskError(error, file)}\n`);
    return 1;
  }
  const scenarioText = values.scenario ? await readText(values.scenario, 'scenario file') : '{}';
  let scenario: ReturnType<typeof loadScenario>;
  try {
    scenario = loadScenario(scenarioText);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const params = await objectOption(values.params, '--params');
  const trigger = await objectOption(values.trigger, '--trigger');
  const task = compiled.task;
  // What the API would refuse (params missing, of the wrong type, unknown) and answers that would never be given.
  const problems = [
    ...paramProblems(task.params ?? {}, params ?? {}).map((p) => `  --params ${p.place}: ${p.message}`),
    ...scenarioProblems(scenarioText, scenario, task.plot.map((h) => h.name)).map(
      (p) => `  ${values.scenario}${p.line !== undefined ? `:${p.line}:${p.column}` : ''} ${p.place}: ${p.message}`,
    ),
  ];
  if (problems.length > 0) {
    io.stderr(`mastermind rehearse: ${problems.length === 1 ? 'this does' : 'these do'} not fit task ${task.task}; nothing was rehearsed:\n${problems.join('\n')}\n`);
    return 2;
  }
  const width = Math.max(...task.plot.map((h) => h.name.length), 8);

  io.stdout(`rehearsing ${task.task}: ${task.plot.length} henchmen${values.scenario ? `, scenario ${values.scenario}` : ''}\n`);
  const origin = Date.now();
  const result = await runTask(compiled.definition, { params: params ?? {}, trigger: trigger ?? { type: 'rehearsal' } }, {
    handler: rehearsalHandler(scenario),
    skipWaits: true,
    executionId: `rehearsal-${task.task}`,
    onMove: (move) => io.stdout(moveLine(move, origin, width)),
  });
  const seconds = ((Date.now() - origin) / 1000).toFixed(2);
  const summary = `${result.status} in ${seconds}s: ${result.moves.length} moves, ${result.transitions} state transitions`;
  if (result.status === 'SUCCEEDED') {
    io.stdout(`${summary}\n`);
    return 0;
  }
  io.stdout(`${summary}${result.error ? ` (${result.error}${result.cause ? `: ${result.cause}` : ''})` : ''}\n`);
  return 1;
};

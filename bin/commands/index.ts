/** The CLI's commands, by name, and how to run one. */
import * as cancel from './cancel.ts';
import * as compile from './compile.ts';
import * as dashboard from './dashboard.ts';
import * as graph from './graph.ts';
import * as history from './history.ts';
import { UsageError, type Command, type Io } from './io.ts';
import * as providers from './providers.ts';
import * as push from './push.ts';
import * as rehearse from './rehearse.ts';
import * as resume from './resume.ts';
import * as schema from './schema.ts';
import * as serve from './serve.ts';
import * as start from './start.ts';
import * as status from './status.ts';
import * as stop from './stop.ts';
import * as validate from './validate.ts';

export const commands: Readonly<Record<string, { run: Command; usage: string; summary: string }>> = {
  validate: { run: validate.validate, usage: validate.usage, summary: 'check a task file: every error with its place' },
  compile: { run: compile.compile, usage: compile.usage, summary: 'print the Amazon States Language definition' },
  graph: { run: graph.graph, usage: graph.usage, summary: 'draw the task (Mermaid or Graphviz DOT)' },
  rehearse: { run: rehearse.rehearse, usage: rehearse.usage, summary: 'run the task locally against a scenario' },
  providers: { run: providers.providers, usage: providers.usage, summary: 'list the providers, their actions, inputs and outputs' },
  schema: { run: schema.schema, usage: schema.usage, summary: 'print the JSON Schema of task files' },
  push: { run: push.push, usage: push.usage, summary: 'store a task through the API (validated and compiled there)' },
  start: { run: start.start, usage: start.usage, summary: 'start an execution of a stored task' },
  status: { run: status.status, usage: status.usage, summary: "an execution's status, and where each henchman stands" },
  history: { run: history.history, usage: history.usage, summary: 'every move of an execution' },
  cancel: { run: cancel.cancel, usage: cancel.usage, summary: 'cancel a running execution: its abort route, rollback included, at the next move boundary' },
  stop: { run: stop.stop, usage: stop.usage, summary: 'stop a running execution at once (the hard stop: nothing is undone)' },
  resume: { run: resume.resume, usage: resume.usage, summary: 'start an ended execution again at its failed move, completed outputs carried over' },
  serve: { run: serve.serve, usage: serve.usage, summary: 'run the API locally: embedded store, local Step Functions, providers in-process' },
  dashboard: { run: dashboard.dashboard, usage: dashboard.usage, summary: 'the dashboard on 127.0.0.1 for a deployed API, its calls signed with SigV4' },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}\n      ${c.usage}`);
  return `mastermind: orchestration as a game of chess\n\ncommands:\n${lines.join('\n')}\n`;
}

/** Runs `mastermind <command> ...args`; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    io.stderr(`mastermind: unknown command ${name}\n\n${helpText()}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`mastermind ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

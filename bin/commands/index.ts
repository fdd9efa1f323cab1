/**
 * The CLI's commands, by name, and how to run one. What every command shares is done here, once:
 * - `--help` (or `-h`) anywhere before `--` prints the command's usage, exit 0;
 * - `--json`, for a command that talks to the API: the command's text is held back and the API's answer (the last
 *   one the command took, remote.ts `ask`) is printed as JSON, and nothing else on stdout; errors still go to stderr;
 * - a usage error prints the usage, exit 2.
 */
import * as cancel from './cancel.ts';
import * as compile from './compile.ts';
import * as remove from './delete.ts';
import * as executions from './executions.ts';
import * as dashboard from './dashboard.ts';
import * as graph from './graph.ts';
import * as history from './history.ts';
import * as hook from './hook.ts';
import { UsageError, type Command, type Io } from './io.ts';
import * as output from './output.ts';
import * as project from './project.ts';
import * as projects from './projects.ts';
import * as providers from './providers.ts';
import * as push from './push.ts';
import * as rehearse from './rehearse.ts';
import * as resume from './resume.ts';
import * as schema from './schema.ts';
import * as serve from './serve.ts';
import * as start from './start.ts';
import * as status from './status.ts';
import * as stop from './stop.ts';
import * as task from './task.ts';
import * as tasks from './tasks.ts';
import * as validate from './validate.ts';
import * as versions from './versions.ts';
import * as watch from './watch.ts';

export interface CommandEntry {
  readonly run: Command;
  readonly usage: string;
  readonly summary: string;
  /** Talks to the API: takes --json and --url. */
  readonly api?: boolean;
  /** More for `--help`: exit codes and the like. */
  readonly help?: string;
}

export const commands: Readonly<Record<string, CommandEntry>> = {
  validate: { run: validate.validate, usage: validate.usage, summary: 'check a task file: every error with its place' },
  compile: { run: compile.compile, usage: compile.usage, summary: 'print the Amazon States Language definition' },
  graph: { run: graph.graph, usage: graph.usage, summary: 'draw the task (Mermaid or Graphviz DOT)' },
  rehearse: { run: rehearse.rehearse, usage: rehearse.usage, summary: 'run the task locally against a scenario' },
  providers: { run: providers.providers, usage: providers.usage, summary: 'list the providers, their actions, inputs and outputs' },
  schema: { run: schema.schema, usage: schema.usage, summary: 'print the JSON Schema of task files' },
  serve: { run: serve.serve, usage: serve.usage, summary: 'run the API locally: embedded store, local Step Functions, providers in-process' },
  projects: { run: projects.projects, usage: projects.usage, summary: 'list the projects', api: true },
  project: { run: project.project, usage: project.usage, summary: "a project's settings; --set creates the project or replaces them", api: true },
  push: { run: push.push, usage: push.usage, summary: 'store a task through the API (validated and compiled there)', api: true },
  tasks: { run: tasks.tasks, usage: tasks.usage, summary: "list a project's tasks (every project's without one)", api: true },
  task: { run: task.task, usage: task.usage, summary: 'a task as stored: version, who, when, state machine, triggers, source', api: true },
  versions: { run: versions.versions, usage: versions.usage, summary: 'every version of a task, newest first', api: true },
  delete: { run: remove.remove, usage: remove.usage, summary: 'delete a task, its versions, hook and state machine', api: true },
  hook: { run: hook.hook, usage: hook.usage, summary: "make a task's hook URL (shown once), rotate or revoke it", api: true },
  start: { run: start.start, usage: start.usage, summary: 'start an execution of a stored task; --wait watches it', api: true, help: start.help },
  executions: { run: executions.executions, usage: executions.usage, summary: "list a task's executions, newest first", api: true },
  watch: { run: watch.watch, usage: watch.usage, summary: 'follow an execution live, move by move, to its end', api: true, help: watch.EXIT_CODES_TEXT },
  status: { run: status.status, usage: status.usage, summary: "an execution's status, and where each henchman stands", api: true, help: 'exit code 0 whenever the execution could be read, whatever its status' },
  history: { run: history.history, usage: history.usage, summary: 'every move of an execution', api: true },
  output: { run: output.output, usage: output.usage, summary: "a henchman's whole output in an execution (every item of an each)", api: true },
  cancel: { run: cancel.cancel, usage: cancel.usage, summary: 'cancel a running execution: its abort route, rollback included, at the next move boundary', api: true },
  stop: { run: stop.stop, usage: stop.usage, summary: 'stop a running execution at once (the hard stop: nothing is undone)', api: true },
  resume: { run: resume.resume, usage: resume.usage, summary: 'start an ended execution again at its failed move, completed outputs carried over', api: true },
  dashboard: { run: dashboard.dashboard, usage: dashboard.usage, summary: 'the dashboard on 127.0.0.1 for a deployed API, its calls signed with SigV4' },
};

const API_HELP = [
  '--json  print the API\'s answer as JSON and nothing else',
  '--url   the API, its stage included (else MASTERMIND_URL; `mastermind serve` prints a local one)',
  'an <execution> is <project>/<task>/<name>, as `mastermind start` prints it, or its ARN',
];

export function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}\n      ${c.usage}`);
  return `mastermind: orchestration as a game of chess\n\ncommands:\n${lines.join('\n')}\n\n${API_HELP.join('\n')}\n\`mastermind <command> --help\` prints one command's usage\n`;
}

/** What `mastermind <command> --help` prints. */
export function commandHelp(name: string): string {
  const c = commands[name]!;
  const more = [...(c.help ? [c.help] : []), ...(c.api ? API_HELP : [])];
  return `mastermind ${name}: ${c.summary}\nusage: ${c.usage}\n${more.map((l) => `  ${l}\n`).join('')}`;
}

/** The arguments before `--` (after it, everything is a value). */
function flagsOf(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
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
  const flags = flagsOf(args);
  if (flags.includes('--help') || flags.includes('-h')) {
    io.stdout(commandHelp(name));
    return 0;
  }
  const json = command.api === true && flags.includes('--json');
  let answered = false;
  let last: unknown;
  const used: Io = json
    ? {
        stdout: () => undefined,
        stderr: io.stderr,
        answer: (body) => {
          answered = true;
          last = body;
        },
      }
    : io;
  const rest = json ? args.filter((a, i) => !(a === '--json' && i < flags.length)) : args;
  try {
    const code = await command.run(rest, used);
    if (answered) io.stdout(`${JSON.stringify(last, null, 2)}\n`);
    return code;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`mastermind ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

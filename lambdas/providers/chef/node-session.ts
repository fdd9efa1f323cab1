/**
 * The SSH side of bootstrap and converge: one session on the node, with helpers that find chef-client,
 * install it, write files as root and turn a failed command into a Failed error with the tail of its output.
 */
import { FailedError, keepTail } from '../contract.ts';
import type { CommandLimit, MoveDeadline } from '../deadline.ts';
import { execWithin, type CommandResult, type SshSession, type SshTarget } from '../ssh/connection.ts';
import { FIND_CHEF_CLIENT, asRoot, withPath, writeFileCommand, type NodeSettings } from './node-setup.ts';

/** How long a small command (find, write a file) may take. */
const SHORT_COMMAND_SECONDS = 60;
/** How much of a failed command's output goes into the error message. */
const MESSAGE_TAIL = 2000;

export class ChefNode {
  constructor(
    private readonly session: SshSession,
    private readonly target: SshTarget,
    private readonly settings: NodeSettings,
  ) {}

  /** The full path of chef-client on the node, or undefined when it is not installed. */
  async findChefClient(): Promise<string | undefined> {
    const found = await this.session.exec(withPath(FIND_CHEF_CLIENT, this.settings), { timeoutSeconds: SHORT_COMMAND_SECONDS });
    const path = found.stdout.trim().split('\n').pop()?.trim();
    return found.exitCode === 0 && path ? path : undefined;
  }

  /** Runs the install command (as the SSH user: the command says itself when it needs sudo) within `limit`. */
  async install(command: string, limit: CommandLimit, deadline?: MoveDeadline): Promise<void> {
    const result = await execWithin(this.session, withPath(command, this.settings), limit, deadline);
    if (result.exitCode !== 0) throw commandFailed(`installing chef-client on ${this.target.host}`, result);
  }

  /** Writes a file as root, with its mode, through stdin (never on a command line). */
  async writeFile(path: string, content: string, mode: number): Promise<void> {
    const result = await this.session.exec(asRoot(writeFileCommand(path, mode), this.target.user), {
      timeoutSeconds: SHORT_COMMAND_SECONDS,
      stdin: content,
    });
    if (result.exitCode !== 0) throw commandFailed(`writing ${path} on ${this.target.host}`, result);
  }

  /** Runs a command as root within `limit` and hands back its result, whatever its exit code. */
  run(command: string, limit: CommandLimit, deadline?: MoveDeadline): Promise<CommandResult> {
    return execWithin(this.session, asRoot(withPath(command, this.settings), this.target.user), limit, deadline);
  }

  /** Runs a command as the SSH user and hands back its standard output, trimmed ('' on a non-zero exit). */
  async read(command: string): Promise<string> {
    const result = await this.session.exec(command, { timeoutSeconds: SHORT_COMMAND_SECONDS });
    return result.exitCode === 0 ? result.stdout.trim() : '';
  }
}

/** A Failed error for a command that exited non-zero: its exit code and the tail of its stderr (or stdout). */
export function commandFailed(what: string, result: CommandResult): FailedError {
  const output = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  const tail = keepTail(output.trim(), MESSAGE_TAIL);
  return new FailedError(`${what} failed with exit code ${result.exitCode}${tail.text === '' ? '' : `: ${tail.truncated ? '…' : ''}${tail.text}`}`);
}

/**
 * An execution as the CLI's commands take it, and where its routes are. Two spellings name one execution:
 * - the short id `<project>/<task>/<name>` that `mastermind start` prints;
 * - its full ARN, arn:<partition>:states:<region>:<account>:execution:<prefix>-<project>_<task>:<name>, as the AWS
 *   console shows it (the prefix is the stack's, `mastermind` unless MASTERMIND_STATE_MACHINE_PREFIX says otherwise).
 * The API reaches an execution only through its project and task (/projects/<p>/tasks/<t>/executions/<name>), so
 * a per-project IAM grant covers it; this module is the one place that turns either spelling into that path.
 *
 * | given                                                        | result                                        |
 * | ------------------------------------------------------------ | --------------------------------------------- |
 * | web/scale-out/run-1                                          | { project: web, task: scale-out, name: run-1 } |
 * | arn:aws:states:eu-west-1:1234:execution:mastermind-web_scale-out:run-1 | the same                           |
 * | an ARN of a state machine not named <prefix>-<project>_<task> (another prefix, a name shortened with a hash, not Mastermind's) | UsageError: give the short id |
 * | anything else                                                | UsageError naming both spellings              |
 */
import { NAME_PATTERN } from '#task/names';
import { UsageError } from './io.ts';

export interface ExecutionId {
  readonly project: string;
  readonly task: string;
  /** The execution's name: the last part of its ARN. */
  readonly name: string;
}

/** The state machine prefix of a stack deployed with defaults. */
export const DEFAULT_PREFIX = 'mastermind';

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** A state machine name the service shortened (lambdas/service/state-machines.ts): 80 characters ending in -<10 hex>. */
const SHORTENED = /^.{69}-[0-9a-f]{10}$/;

const SPELLINGS = 'give an execution as <project>/<task>/<name> (as `mastermind start` prints it) or as its ARN';

function checked(id: ExecutionId, text: string): ExecutionId {
  if (!NAME_PATTERN.test(id.project) || !NAME_PATTERN.test(id.task) || !EXECUTION_NAME.test(id.name)) {
    throw new UsageError(`${text} is not an execution: ${SPELLINGS}`);
  }
  return id;
}

/** Reads a short id or an execution ARN; `prefix` is the stack's state machine prefix. */
export function parseExecutionId(text: string, prefix: string = DEFAULT_PREFIX): ExecutionId {
  if (!text.startsWith('arn:')) {
    const parts = text.split('/');
    if (parts.length !== 3) throw new UsageError(`${text} is not an execution: ${SPELLINGS}`);
    return checked({ project: parts[0]!, task: parts[1]!, name: parts[2]! }, text);
  }
  const parts = text.split(':');
  if (parts.length !== 8 || parts[2] !== 'states' || parts[5] !== 'execution') {
    throw new UsageError(`${text} is not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>): ${SPELLINGS}`);
  }
  const machine = parts[6]!;
  const start = `${prefix}-`;
  const rest = machine.startsWith(start) ? machine.slice(start.length).split('_') : [];
  if (rest.length !== 2 || SHORTENED.test(machine)) {
    throw new UsageError(
      `${text} is not an execution of a Mastermind task: its state machine ${machine} is not named ${prefix}-<project>_<task> ` +
        `(set MASTERMIND_STATE_MACHINE_PREFIX to the stack's prefix, or give the execution as <project>/<task>/<name>)`,
    );
  }
  return checked({ project: rest[0]!, task: rest[1]!, name: parts[7]! }, text);
}

/** The execution given on the command line, with the prefix from the environment. */
export function executionIdOf(text: string, env: NodeJS.ProcessEnv = process.env): ExecutionId {
  return parseExecutionId(text, env.MASTERMIND_STATE_MACHINE_PREFIX || DEFAULT_PREFIX);
}

/** `web/scale-out/run-1`: what `start` prints and every execution command takes. */
export function shortExecutionId(id: ExecutionId): string {
  return `${id.project}/${id.task}/${id.name}`;
}

/** The API path of an execution's routes: /projects/<project>/tasks/<task>/executions/<name>. */
export function executionPath(id: ExecutionId): string {
  return `/projects/${encodeURIComponent(id.project)}/tasks/${encodeURIComponent(id.task)}/executions/${encodeURIComponent(id.name)}`;
}

/**
 * Resume from the failed move: a NEW execution of the same task version (the state machine version the ended one
 * ran) that begins at the move that failed, or at an earlier henchman named by `from`, with the outputs of the moves
 * completed before it carried over, so they are not played again. Its input is the ended execution's params and
 * trigger (defaults already in) and `resume: { of, from, out, count }`, which the definition's "start: resume" and
 * "resume: from?" states take (lambdas/task/compiler/start.ts). Works wherever StartExecution does, local mode too.
 *
 * Where it begins and what it carries come from the ended execution's history (./standing.ts): the henchman whose
 * first state it entered last, and the execution state it held then (`out`: each henchman's record).
 *
 * | what is asked                                                   | answer                                      |
 * | --------------------------------------------------------------- | ------------------------------------------- |
 * | an execution that ended FAILED, TIMED_OUT or ABORTED            | the new execution started (201)             |
 * | one still RUNNING, or one that SUCCEEDED                        | Conflict (409) naming its status            |
 * | its task version is gone (state machine version deleted)        | Conflict (409)                              |
 * | its task version was compiled before resume existed             | Conflict (409): save the task again         |
 * | the moves before the resume point were undone (rollback)        | Conflict (409) naming them                  |
 * | its history holds no state or no move played                    | Conflict (409)                              |
 * | `from` not a henchman of that version, or after the failed one  | BadRequest (400)                            |
 *
 * AWS's own redrive (./executions.ts) stays for what it does well: an execution that failed where no Catch took the
 * error (a Lambda that could not run, a service failure) re-entered at the state that failed.
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { henchmanOfKey, stateKey } from '#task/keys';
import type { ServiceDeps } from './deps.ts';
import { ServiceError } from './errors.ts';
import { consoleUrl, execution, executionArnOf, executionPath, upstream } from './executions.ts';
import type { ExecutionRef } from './executions.ts';
import { definitionFacts, entriesOf, readStanding } from './standing.ts';
import { currentDefinition } from './state-machines.ts';

/** The statuses of an execution that ended badly: only those are resumed. */
const ENDED_BADLY = ['FAILED', 'TIMED_OUT', 'ABORTED'];

export interface ResumeInput {
  /** The ended execution's ARN. */
  readonly of: string;
  /** The henchman the new execution begins at. */
  readonly from: string;
  /** The records of the moves before it (completed: { output }; failed with continue; fired), by state key. */
  readonly out: Record<string, Record<string, unknown>>;
  readonly count: Record<string, unknown>;
}

export interface Resumed {
  readonly project: string;
  readonly task: string;
  readonly version?: number;
  readonly executionArn: string;
  readonly name: string;
  readonly path: string;
  readonly startDate: string;
  readonly consoleUrl: string;
  /** The execution it resumes, where it begins, and the moves whose outputs it carries over (not played again). */
  readonly resumes: {
    readonly executionArn: string;
    readonly name: string;
    readonly path: string;
    readonly failed: string;
    readonly from: string;
    readonly carried: string[];
  };
}

const conflict = (message: string) => new ServiceError('Conflict', message);

/** What a record carries into the new execution: a completed move's output, a recorded failure, a fire; else nothing. */
function carriedRecord(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!record) return undefined;
  if (record.output !== undefined) return { output: record.output };
  if (record.failed === true) return { failed: true, error: record.error ?? null, cause: record.cause ?? null };
  if (record.fired === true) return { fired: true };
  return undefined;
}

export async function resumeExecution(deps: ServiceDeps, ref: ExecutionRef, request: { from?: string } = {}): Promise<Resumed> {
  const executionArn = executionArnOf(deps, ref);
  const id = `${ref.project}/${ref.task}/${ref.name}`;
  const described = await execution('describe the execution', ref, () => deps.sfn.send(new DescribeExecutionCommand({ executionArn })));
  if (!ENDED_BADLY.includes(described.status ?? '')) {
    throw conflict(`Execution ${id} is ${described.status}: only an execution that ended badly (${ENDED_BADLY.join(', ')}) can be resumed.`);
  }
  const versionArn = described.stateMachineVersionArn;
  const definition = versionArn ? await currentDefinition(deps.sfn, versionArn) : undefined;
  if (!versionArn || definition === undefined) {
    throw conflict(`The task version execution ${id} ran is gone (its state machine version ${versionArn ?? '(none)'} no longer exists): start the task again.`);
  }
  const facts = definitionFacts(definition);
  if (!facts.resumable) throw conflict(`The task version execution ${id} ran was saved before executions could be resumed: save the task again and start it.`);

  const standing = await execution('read the execution history', ref, () => readStanding(deps, executionArn, entriesOf(facts)));
  if (!standing.state || standing.henchman === undefined) throw conflict(`Execution ${id} played no move that a resume could begin at: start the task again.`);
  const names = facts.henchmen.map((h) => h.name);
  const failed = standing.henchman;
  const from = request.from ?? failed;
  const at = names.indexOf(from);
  if (at < 0) {
    throw new ServiceError('BadRequest', `${from} is not a henchman of the task version execution ${id} ran.`, [
      { place: 'body.from', message: `must be one of ${names.join(', ')}` },
    ]);
  }
  if (at > names.indexOf(failed)) {
    throw new ServiceError('BadRequest', `${from} comes after ${failed}, the move execution ${id} ended on: resume from ${failed} or an earlier henchman.`, [
      { place: 'body.from', message: `comes after ${failed}` },
    ]);
  }
  const before = names.slice(0, at);
  const { out: held, count, params, trigger } = standing.state;
  // `out` is keyed by state key (find-nodes → find_nodes: lambdas/task/keys.ts), so names are turned into keys here.
  const undone = before.filter((h) => held[stateKey(h)]?.undone === true);
  if (undone.length > 0) {
    throw conflict(
      `The moves before ${from} were undone by the rollback of execution ${id} (${undone.join(', ')}): there is nothing to resume on; start the task again.`,
    );
  }
  const out: Record<string, Record<string, unknown>> = {};
  for (const h of before) {
    const record = carriedRecord(held[stateKey(h)]);
    if (record) out[stateKey(h)] = record;
  }
  const resume: ResumeInput = { of: executionArn, from, out, count };
  const name = randomUUID();
  let started;
  try {
    started = await deps.sfn.send(new StartExecutionCommand({ stateMachineArn: versionArn, name, input: JSON.stringify({ params, trigger, resume }) }));
  } catch (error) {
    throw upstream('start the resumed execution', error);
  }
  const newRef = { project: ref.project, task: ref.task, name };
  return {
    project: ref.project,
    task: ref.task,
    ...(standing.version !== undefined ? { version: standing.version } : {}),
    executionArn: started.executionArn!,
    name,
    path: executionPath(newRef),
    startDate: (started.startDate ?? deps.now()).toISOString(),
    consoleUrl: consoleUrl(started.executionArn!),
    resumes: { executionArn, name: ref.name, path: executionPath(ref), failed, from, carried: Object.keys(out).map(henchmanOfKey) },
  };
}

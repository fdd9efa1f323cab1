/**
 * Cancel with rollback: asks a running execution to take its abort route at its next move boundary or poll round.
 * The request is a record in the store (./cancels.ts); the provider runtime sees it before it plays a do or a poll
 * and throws Mastermind.Cancelled, which every forward move's Catch sends to the abort route (with `rollback: true`,
 * every completed move with an undo is undone, newest first). The execution ends FAILED with Mastermind.Cancelled
 * and a cause naming who cancelled and why. Unlike stop, nothing is cut short: a move under way ends first.
 *
 * | what is asked                                  | answer                                                        |
 * | ---------------------------------------------- | ------------------------------------------------------------- |
 * | a running execution                            | the request recorded; what will happen (rollback, the undos)  |
 * | a running execution already asked to cancel    | the first request stands (requested: false), nothing written  |
 * | an execution that has ended                    | Conflict (409) naming its status                              |
 * | an execution the task has not                  | NotFound (404)                                                |
 */
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { stateKey } from '#task/keys';
import type { ServiceDeps } from './deps.ts';
import { ServiceError } from './errors.ts';
import { chainAdvice, execution, executionArnOf, executionPath } from './executions.ts';
import type { ExecutionRef } from './executions.ts';
import { requestCancel } from './cancels.ts';
import type { CancelRecord } from './cancels.ts';
import { definitionFacts, entriesOf, readStanding } from './standing.ts';
import { currentDefinition } from './state-machines.ts';

export interface Cancelled {
  readonly executionArn: string;
  readonly path: string;
  readonly status: 'RUNNING';
  /** The request that stands (this one, or an earlier one). */
  readonly cancel: CancelRecord;
  /** False when an earlier request stood: nothing new was written. */
  readonly requested: boolean;
  /** Whether the abort route undoes moves (the task's rollback); absent when the task version cannot be read. */
  readonly rollback?: boolean;
  /** The completed moves with an undo so far, newest first: the rollback undoes them (and any that completes before the cancel is seen). */
  readonly undo: string[];
  readonly message: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function cancelExecution(deps: ServiceDeps, ref: ExecutionRef, request: { by: string; reason?: string }): Promise<Cancelled> {
  const executionArn = executionArnOf(deps, ref);
  const id = `${ref.project}/${ref.task}/${ref.name}`;
  const described = await execution('describe the execution', ref, () => deps.sfn.send(new DescribeExecutionCommand({ executionArn })));
  if (described.status !== 'RUNNING') {
    throw new ServiceError('Conflict', `Execution ${id} has already ended (${described.status}): there is nothing to cancel.${chainAdvice(ref, described, 'cancel')}`, [
      { place: 'execution', message: `its status is ${described.status}` },
    ]);
  }
  const { record, created } = await requestCancel(deps.store, {
    executionArn,
    by: request.by,
    at: deps.now().toISOString(),
    ...(request.reason ? { reason: request.reason } : {}),
  });

  const definition = described.stateMachineVersionArn ? await currentDefinition(deps.sfn, described.stateMachineVersionArn) : undefined;
  const facts = definition === undefined ? undefined : definitionFacts(definition);
  let undo: string[] = [];
  if (facts && facts.rollback.length > 0) {
    const standing = await execution('read the execution history', ref, () => readStanding(deps, executionArn, entriesOf(facts)));
    const out = standing.state?.out ?? {};
    undo = facts.rollback.filter((h) => out[stateKey(h)]?.output !== undefined).reverse();
  }

  const earlier = created ? '' : `A cancel was already requested by ${record.by} at ${record.at}; nothing new was recorded. `;
  const next = `Execution ${id} takes its abort route at its next move boundary or poll round (the move under way ends first)`;
  let then: string;
  if (!facts) then = '; its task version cannot be read, so what its rollback undoes is not known here.';
  else if (facts.rollback.length === 0) then = '; the task has no rollback with an undo, so nothing is undone.';
  else if (undo.length === 0) then = '; with rollback, the completed moves that have an undo are undone, newest first: none so far.';
  else then = `; with rollback, ${plural(undo.length, 'completed move')} with an undo ${undo.length === 1 ? 'is' : 'are'} undone, newest first (${undo.join(', ')}), and any that completes before then.`;
  return {
    executionArn,
    path: executionPath(ref),
    status: 'RUNNING',
    cancel: record,
    requested: created,
    ...(facts ? { rollback: facts.rollback.length > 0 } : {}),
    undo,
    message: `${earlier}${next}${then}`,
  };
}

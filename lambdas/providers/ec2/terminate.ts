/**
 * ec2 terminate: TerminateInstances, then wait until every instance is `terminated`. It is launch's undo, so an
 * instance that is already gone is fine. Only instances of the move's project are terminated (ownership.ts).
 *
 * Input: instanceId or instanceIds, region. Output: instanceId (the first), instanceIds, state (terminated).
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | an instance of another project, untagged  | Failed, naming it and its project; nothing terminated    |
 * | an instance EC2 no longer knows           | counts as terminated; not asked for                      |
 * | InvalidInstanceID.NotFound                | that instance counts as terminated (the others go on)    |
 * | anything else                             | as in errors.ts (throttling → Transient, ...)            |
 */
import { TerminateInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2, hasErrorCode } from './errors.ts';
import { stateChangeAction, statesInOrder } from './state-change.ts';

async function terminateInstances(client: EC2Client, ids: readonly string[]): Promise<(string | undefined)[]> {
  try {
    const answer = await callEc2('TerminateInstances', () =>
      client.send(new TerminateInstancesCommand({ InstanceIds: [...ids] })),
    );
    return statesInOrder(ids, answer.TerminatingInstances);
  } catch (error) {
    if (!hasErrorCode(error, 'InvalidInstanceID.NotFound')) throw error;
    if (ids.length === 1) return ['terminated'];
    // One unknown id fails the whole call: terminate each alone, so the ones still there go.
    const states: (string | undefined)[] = [];
    for (const id of ids) states.push(...(await terminateInstances(client, [id])));
    return states;
  }
}

export function terminateAction(clientFor: Ec2ClientFor): Action {
  return stateChangeAction(clientFor, { target: 'terminated', change: terminateInstances, goneIsReached: true });
}

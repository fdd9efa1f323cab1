/**
 * ec2 start: StartInstances, then wait until every instance is `running`. Undone by stop.
 *
 * Input: instanceId or instanceIds, region. Output: instanceId (the first), instanceIds, state (running).
 *
 * | error                                                   | result                                     |
 * | ------------------------------------------------------- | ------------------------------------------ |
 * | another project's, untagged, or gone                    | Failed, naming it; none started            |
 * | InsufficientInstanceCapacity, IncorrectInstanceState    | Failed                                     |
 * | back to stopped for lack of capacity while waiting      | Failed, with the instance's state reason   |
 * | terminated / shutting-down while waiting                | Failed, with the instance's state reason   |
 * | anything else                                           | as in errors.ts                            |
 */
import { StartInstancesCommand } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { stateChangeAction, statesInOrder } from './state-change.ts';

export function startAction(clientFor: Ec2ClientFor): Action {
  return stateChangeAction(clientFor, {
    target: 'running',
    change: async (client, ids) => {
      const answer = await callEc2('StartInstances', () => client.send(new StartInstancesCommand({ InstanceIds: [...ids] })));
      return statesInOrder(ids, answer.StartingInstances);
    },
  });
}

/**
 * ec2 stop: StopInstances, then wait until every instance is `stopped`. Undone by start.
 *
 * Input: instanceId or instanceIds, region. Output: instanceId (the first), instanceIds, state (stopped).
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | another project's, untagged, or gone      | Failed, naming it and its project; none stopped          |
 * | IncorrectInstanceState (e.g. terminated)  | Failed                                                   |
 * | terminated / shutting-down while waiting  | Failed, with the instance's state reason                 |
 * | anything else                             | as in errors.ts (throttling → Transient, ...)            |
 */
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { stateChangeAction, statesInOrder } from './state-change.ts';

export function stopAction(clientFor: Ec2ClientFor): Action {
  return stateChangeAction(clientFor, {
    target: 'stopped',
    change: async (client, ids) => {
      const answer = await callEc2('StopInstances', () => client.send(new StopInstancesCommand({ InstanceIds: [...ids] })));
      return statesInOrder(ids, answer.StoppingInstances);
    },
  });
}

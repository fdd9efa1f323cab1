/**
 * ec2 reboot: RebootInstances, then look again until every instance is `running`. RebootInstances answers nothing
 * about states, so the first look is always a poll.
 *
 * Input: instanceId or instanceIds, region. Output: instanceId (the first), instanceIds, state (running).
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | IncorrectInstanceState (e.g. stopped)     | Failed                                                   |
 * | terminated / shutting-down while waiting  | Failed, with the instance's state reason                 |
 * | anything else                             | as in errors.ts                                          |
 */
import { RebootInstancesCommand } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { stateChangeAction } from './state-change.ts';

export function rebootAction(clientFor: Ec2ClientFor): Action {
  return stateChangeAction(clientFor, {
    target: 'running',
    change: async (client, ids) => {
      await callEc2('RebootInstances', () => client.send(new RebootInstancesCommand({ InstanceIds: [...ids] })));
      return undefined;
    },
  });
}

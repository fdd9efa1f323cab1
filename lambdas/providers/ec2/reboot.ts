/**
 * ec2 reboot: RebootInstances, then wait for the status checks of the rebooted instances (as ec2 wait's `status-ok`).
 *
 * EC2 keeps a rebooting instance `running` (a reboot is an operating system reboot: no `stopping`, no `pending`), so
 * its state cannot tell that the reboot has happened, and a wait for `running` would answer on its first look.
 * RebootInstances only queues the request and answers nothing. What reboot watches instead is the status checks
 * (DescribeInstanceStatus: system and instance status both `ok`), first looked at REBOOT_SETTLE_SECONDS after the
 * request: one status-check period (EC2 runs the checks every minute), so that the checks read are taken after the
 * request rather than before it. The henchman's timeout bounds the wait (EC2 hard-reboots an instance that does not
 * shut down cleanly within a few minutes).
 *
 * Input: instanceId or instanceIds, region. Output: instanceId (the first), instanceIds, state (running).
 * Poll state: { instanceIds, region, state: "status-ok" }.
 *
 * | condition                                   | result                                                   |
 * | ------------------------------------------- | -------------------------------------------------------- |
 * | another project's, untagged, or gone        | Failed, naming it and its project; none rebooted         |
 * | IncorrectInstanceState (e.g. stopped)       | Failed                                                   |
 * | a status check `impaired` after the reboot  | Failed, naming the check                                 |
 * | terminated / shutting-down while waiting    | Failed                                                   |
 * | checks `initializing` / `insufficient-data` | poll again every POLL_SECONDS                            |
 * | anything else                               | as in errors.ts                                          |
 */
import { RebootInstancesCommand } from '@aws-sdk/client-ec2';
import { REBOOT_SETTLE_SECONDS } from '#task/catalog';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { regionOf, targetIds } from './instances.ts';
import { checkOwnedAndThere } from './ownership.ts';
import { readStateWait, stateWait } from './state-wait.ts';
import { checkStatusOk } from './wait.ts';

/** Seconds between the reboot request and the first look at the status checks: one status-check period (catalog). */
export { REBOOT_SETTLE_SECONDS };

export function rebootAction(clientFor: Ec2ClientFor): Action {
  return async (input, call) => {
    if (call.phase === 'poll') {
      const wait = readStateWait(call.poll);
      return checkStatusOk(clientFor(wait.region), { ...wait, state: 'status-ok' });
    }
    const ids = targetIds(input);
    const region = regionOf(input);
    const client = clientFor(region);
    await checkOwnedAndThere(client, ids, call.context.project);
    await callEc2('RebootInstances', () => client.send(new RebootInstancesCommand({ InstanceIds: [...ids] })));
    return { poll: { after: REBOOT_SETTLE_SECONDS, state: stateWait(ids, region, 'status-ok'), waitingFor: `the status checks of ${ids.join(', ')} to be ok after the reboot` } };
  };
}

/**
 * ec2 wait: look at instances until they reach a state, or until their status checks pass (`status-ok`:
 * DescribeInstanceStatus, system and instance status both `ok`). It looks once right away, then every POLL_SECONDS.
 *
 * Input: instanceId or instanceIds, state (default running), region.
 * Output: instanceId (the first), instanceIds, state (the state waited for; `running` for status-ok).
 * Poll state: { instanceIds, region, state }.
 *
 * | condition                                                     | result                                       |
 * | ------------------------------------------------------------- | -------------------------------------------- |
 * | terminated / shutting-down while waiting for another state    | Failed, with the instance's state reason     |
 * | a status check `impaired` (status-ok)                         | Failed, naming the check                     |
 * | InvalidInstanceID.NotFound while waiting for terminated       | that instance counts as terminated           |
 * | an EC2 error                                                  | as in errors.ts                              |
 */
import { DescribeInstanceStatusCommand, type EC2Client, type InstanceStatus } from '@aws-sdk/client-ec2';
import { FailedError, type ProviderResult } from '../contract.ts';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2 } from './errors.ts';
import { regionOf, targetIds, type InstanceStateName } from './instances.ts';
import { checkStates, instancesOutput, pollAgain, readStateWait, stateWait, type StateWait } from './state-wait.ts';

async function describeStatuses(client: EC2Client, ids: readonly string[]): Promise<InstanceStatus[]> {
  const statuses: InstanceStatus[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callEc2('DescribeInstanceStatus', () =>
      client.send(
        new DescribeInstanceStatusCommand({
          InstanceIds: [...ids],
          IncludeAllInstances: true,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      ),
    );
    statuses.push(...(page.InstanceStatuses ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return statuses;
}

/** Output when every instance's system and instance status checks are ok; poll while they are on their way. */
export async function checkStatusOk(client: EC2Client, wait: StateWait): Promise<ProviderResult> {
  const byId = new Map((await describeStatuses(client, wait.instanceIds)).map((s) => [s.InstanceId, s]));
  const failures: string[] = [];
  const waiting: string[] = [];
  for (const id of wait.instanceIds) {
    const status = byId.get(id);
    const state = status?.InstanceState?.Name ?? '';
    const system = status?.SystemStatus?.Status;
    const instance = status?.InstanceStatus?.Status;
    if (state === 'shutting-down' || state === 'terminated') failures.push(`${id} is ${state} while waiting for status-ok`);
    else if (system === 'impaired' || instance === 'impaired') {
      failures.push(`${id} failed its status checks: system ${system ?? 'unknown'}, instance ${instance ?? 'unknown'}`);
    } else if (system !== 'ok' || instance !== 'ok') waiting.push(`${id} (system ${system ?? 'not reported yet'}, instance ${instance ?? 'not reported yet'})`);
  }
  if (failures.length > 0) throw new FailedError(failures.join('; '));
  return waiting.length > 0 ? pollAgain(wait, `the status checks of ${waiting.join(', ')} to be ok`) : instancesOutput(wait.instanceIds, 'running');
}

function check(client: EC2Client, wait: StateWait): Promise<ProviderResult> {
  return wait.state === 'status-ok' ? checkStatusOk(client, wait) : checkStates(client, { ...wait, state: wait.state });
}

export function waitAction(clientFor: Ec2ClientFor): Action {
  return async (input, call) => {
    const wait =
      call.phase === 'poll'
        ? readStateWait(call.poll)
        : stateWait(targetIds(input), regionOf(input), input.state as InstanceStateName | 'status-ok');
    return check(clientFor(wait.region), wait);
  };
}

/**
 * ec2 describe: the instances named by id, or those carrying all the given tags (filters tag:<key>=<value>),
 * optionally only in some states (filter instance-state-name); every page (NextToken) is read.
 *
 * Input: instanceId, instanceIds or tags; states; region.
 * Output: instances (each: instanceId, state, privateIp, publicIp, privateDns, publicDns, availabilityZone, tags),
 * instanceIds, privateIps (of the instances that have one). No instance found by tags is an empty list, not a failure.
 *
 * | error                                     | result                                                   |
 * | ----------------------------------------- | -------------------------------------------------------- |
 * | InvalidInstanceID.NotFound (by id)        | Failed: the instance named does not exist                |
 * | InvalidInstanceID.Malformed               | Invalid                                                  |
 * | anything else                             | as in errors.ts                                          |
 */
import type { DescribeInstancesCommandInput, Filter } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { describeAll, fromTags, instanceFields, regionOf, targetIds } from './instances.ts';

/** The DescribeInstances request for a describe input. */
export function describeRequest(input: Record<string, unknown>): DescribeInstancesCommandInput {
  const tags = (input.tags ?? {}) as Record<string, string>;
  const states = input.states as string[] | undefined;
  const filters: Filter[] = Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
  if (states?.length) filters.push({ Name: 'instance-state-name', Values: [...states] });
  const ids = input.tags === undefined ? targetIds(input) : [];
  return {
    ...(ids.length > 0 ? { InstanceIds: ids } : {}),
    ...(filters.length > 0 ? { Filters: filters } : {}),
  };
}

export function describeAction(clientFor: Ec2ClientFor): Action {
  return async (input) => {
    const found = await describeAll(clientFor(regionOf(input)), describeRequest(input));
    const instances = found.map((instance) => ({ ...instanceFields(instance), tags: fromTags(instance.Tags) }));
    return {
      output: {
        instances,
        instanceIds: instances.map((i) => i.instanceId),
        privateIps: instances.map((i) => i.privateIp).filter((ip) => ip.length > 0),
      },
    };
  };
}

/**
 * What the ec2 actions share about instances: which ids an input names, DescribeInstances across pages, and the
 * instance fields outputs carry. Absent addresses and names are '' rather than missing, so a reference such as
 * `${provision.publicIp}` always resolves in the state machine.
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type EC2Client,
  type Instance,
  type Tag,
} from '@aws-sdk/client-ec2';
import { POLL_EVERY } from '#task/catalog';
import { callEc2 } from './errors.ts';

/** Seconds between two looks at an instance that is still on its way (the Retry of the Task state that polls keeps to the same). */
export const POLL_SECONDS = POLL_EVERY.ec2;

export const INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;

export type InstanceStateName = (typeof INSTANCE_STATES)[number];

/** The instances an input names: `instanceIds`, or `instanceId` alone (the catalog makes sure one is given). */
export function targetIds(input: Record<string, unknown>): string[] {
  if (Array.isArray(input.instanceIds)) return input.instanceIds as string[];
  return typeof input.instanceId === 'string' ? [input.instanceId] : [];
}

/** The region an input names; undefined means the Lambda's own. */
export function regionOf(input: Record<string, unknown>): string | undefined {
  return typeof input.region === 'string' && input.region.length > 0 ? input.region : undefined;
}

/** Every instance a DescribeInstances request matches, following NextToken. */
export async function describeAll(client: EC2Client, request: DescribeInstancesCommandInput): Promise<Instance[]> {
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await callEc2('DescribeInstances', () =>
      client.send(new DescribeInstancesCommand({ ...request, ...(nextToken ? { NextToken: nextToken } : {}) })),
    );
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return instances;
}

export interface InstanceFields {
  readonly instanceId: string;
  readonly state: string;
  readonly privateIp: string;
  readonly publicIp: string;
  readonly privateDns: string;
  readonly publicDns: string;
  readonly availabilityZone: string;
}

/** The fields of an instance that outputs carry. */
export function instanceFields(instance: Instance): InstanceFields {
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? '',
    privateIp: instance.PrivateIpAddress ?? '',
    publicIp: instance.PublicIpAddress ?? '',
    privateDns: instance.PrivateDnsName ?? '',
    publicDns: instance.PublicDnsName ?? '',
    availabilityZone: instance.Placement?.AvailabilityZone ?? '',
  };
}

/** A task's tag map as EC2 tags. */
export function toTags(tags: Readonly<Record<string, string>>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** EC2 tags as a map. */
export function fromTags(tags: readonly Tag[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) map[tag.Key] = tag.Value ?? '';
  return map;
}

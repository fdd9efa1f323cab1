/**
 * What the ec2 provider tests share: a mocked EC2 client, a call context, and EC2 response shapes as the EC2 API
 * reference documents them (RunInstances, DescribeInstances).
 */
import 'aws-sdk-client-mock-vitest/extend';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  EC2Client,
  EC2ServiceException,
  type Instance,
  type InstanceStateName,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { Phase, ProviderContext } from '#providers/contract';
import type { ActionCall } from '#providers/runtime';

export const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web-scale-out:run-1';

export const context: ProviderContext = {
  project: 'web',
  task: 'scale-out',
  version: 3,
  execution: EXECUTION,
  henchman: 'provision',
  attempt: 1,
};

/**
 * An EC2 client whose calls the returned mock answers; `clientFor` hands it out for every region. DescribeTags
 * answers every instance asked for as tagged mastermind:project=web (the project of `context`) unless a test says
 * otherwise ({@link projectTags}).
 */
export function mockedEc2() {
  const client = new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const ec2 = mockClient(client);
  ec2.on(DescribeTagsCommand).callsFake((input: DescribeTagsCommandInput) => {
    const ids = input.Filters?.find((f) => f.Name === 'resource-id')?.Values ?? [];
    return projectTags(Object.fromEntries(ids.map((id) => [id, context.project])));
  });
  const regions: (string | undefined)[] = [];
  const clientFor = (region: string | undefined) => {
    regions.push(region);
    return client;
  };
  return { client, ec2, clientFor, regions };
}

export function actionCall(phase: Phase = 'do', poll?: unknown, callContext: ProviderContext = context): ActionCall {
  return { phase, poll, context: callContext, logger: new Logger({ serviceName: 'ec2-test', logLevel: 'SILENT' }) };
}

const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** An instance as RunInstances / DescribeInstances answer it. */
export function instance(id: string, state: InstanceStateName, extra: Partial<Instance> = {}): Instance {
  const base: Instance = {
    InstanceId: id,
    ImageId: 'ami-0123456789abcdef0',
    InstanceType: 't3.small',
    State: { Code: STATE_CODES[state], Name: state },
    PrivateDnsName: 'ip-10-0-1-23.eu-west-1.compute.internal',
    PrivateIpAddress: '10.0.1.23',
    Placement: { AvailabilityZone: 'eu-west-1a', Tenancy: 'default' },
    SubnetId: 'subnet-0abc',
    VpcId: 'vpc-0abc',
    StateTransitionReason: '',
  };
  if (state === 'running') {
    base.PublicIpAddress = '203.0.113.25';
    base.PublicDnsName = 'ec2-203-0-113-25.eu-west-1.compute.amazonaws.com';
    base.LaunchTime = new Date('2025-01-01T10:00:00Z');
  }
  if (state === 'pending') base.StateReason = { Code: 'pending', Message: 'pending' };
  return { ...base, ...extra };
}

/** A DescribeTags answer (resource-id and key filters): the mastermind:project tag of each instance given. */
export function projectTags(owners: Record<string, string>, NextToken?: string) {
  return {
    Tags: Object.entries(owners).map(([ResourceId, Value]) => ({ Key: 'mastermind:project', ResourceId, ResourceType: 'instance' as const, Value })),
    ...(NextToken ? { NextToken } : {}),
  };
}

/** A DescribeInstances answer holding these instances in one reservation. */
export function reservations(instances: Instance[], NextToken?: string) {
  return {
    Reservations: [{ ReservationId: 'r-0abc', OwnerId: '123456789012', Groups: [], Instances: instances }],
    ...(NextToken ? { NextToken } : {}),
  };
}

/** An error as the SDK throws it for an EC2 error code. */
export function ec2Failure(code: string, message = `${code} happened`, status = 400): EC2ServiceException {
  return new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'req-1' },
    message,
  });
}

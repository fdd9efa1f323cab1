import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { describeAction } from '#providers/ec2/describe';
import { actionCall, ec2Failure, instance, mockedEc2, reservations } from './fixtures.ts';

const A = 'i-0aaaaaaaaaaaaaaaa';
const B = 'i-0bbbbbbbbbbbbbbbb';
const C = 'i-0cccccccccccccccc';

describe('ec2 describe', () => {
  it('finds instances by tags and states with tag filters, reading every page', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations([instance(A, 'running', { Tags: [{ Key: 'role', Value: 'web' }, { Key: 'env', Value: 'prod' }] })], 'page-2'))
      .resolvesOnce(reservations([instance(B, 'stopped', { PrivateIpAddress: '10.0.1.24', Tags: [{ Key: 'role', Value: 'web' }] })]));

    // Act
    const result = await describeAction(clientFor)(
      { tags: { role: 'web', env: 'prod' }, states: ['running', 'stopped'] },
      actionCall('do'),
    );

    // Assess
    const filters = [
      { Name: 'tag:role', Values: ['web'] },
      { Name: 'tag:env', Values: ['prod'] },
      { Name: 'instance-state-name', Values: ['running', 'stopped'] },
    ];
    expect(ec2.commandCalls(DescribeInstancesCommand).map((c) => c.args[0].input)).toStrictEqual([
      { Filters: filters },
      { Filters: filters, NextToken: 'page-2' },
    ]);
    expect(result).toStrictEqual({
      output: {
        instances: [
          {
            instanceId: A,
            state: 'running',
            privateIp: '10.0.1.23',
            publicIp: '203.0.113.25',
            privateDns: 'ip-10-0-1-23.eu-west-1.compute.internal',
            publicDns: 'ec2-203-0-113-25.eu-west-1.compute.amazonaws.com',
            availabilityZone: 'eu-west-1a',
            tags: { role: 'web', env: 'prod' },
          },
          {
            instanceId: B,
            state: 'stopped',
            privateIp: '10.0.1.24',
            publicIp: '',
            privateDns: 'ip-10-0-1-23.eu-west-1.compute.internal',
            publicDns: '',
            availabilityZone: 'eu-west-1a',
            tags: { role: 'web' },
          },
        ],
        instanceIds: [A, B],
        privateIps: ['10.0.1.23', '10.0.1.24'],
      },
    });
  });

  it('describes by ids, leaving instances without a private address out of privateIps', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'running'), instance(C, 'terminated', { PrivateIpAddress: undefined })]));

    // Act
    const result = await describeAction(clientFor)({ instanceIds: [A, C] }, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DescribeInstancesCommand, { InstanceIds: [A, C] });
    expect(result).toMatchObject({ output: { instanceIds: [A, C], privateIps: ['10.0.1.23'] } });
  });

  it('answers empty lists when no instance carries the tags', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    // Act
    const result = await describeAction(clientFor)({ tags: { role: 'none' } }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ output: { instances: [], instanceIds: [], privateIps: [] } });
  });

  it('fails when an instance id does not exist', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`));

    // Act
    const result = describeAction(clientFor)({ instanceId: A }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `DescribeInstances failed: InvalidInstanceID.NotFound: The instance ID '${A}' does not exist`,
    });
  });
});

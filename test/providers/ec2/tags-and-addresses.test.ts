import {
  AssociateAddressCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DisassociateAddressCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { associateAddressAction } from '#providers/ec2/associate-address';
import { disassociateAddressAction } from '#providers/ec2/disassociate-address';
import { tagAction } from '#providers/ec2/tag';
import { actionCall, ec2Failure, mockedEc2 } from './fixtures.ts';

const A = 'i-0aaaaaaaaaaaaaaaa';
const B = 'i-0bbbbbbbbbbbbbbbb';
const ALLOCATION = 'eipalloc-0123456789abcdef0';
const ASSOCIATION = 'eipassoc-0123456789abcdef0';

describe('ec2 tag', () => {
  it('sets the tags on every instance with CreateTags', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(CreateTagsCommand).resolves({});

    // Act
    const result = await tagAction(clientFor)({ instanceIds: [A, B], tags: { role: 'web', pool: 'blue' } }, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(CreateTagsCommand, {
      Resources: [A, B],
      Tags: [
        { Key: 'role', Value: 'web' },
        { Key: 'pool', Value: 'blue' },
      ],
    });
    expect(result).toStrictEqual({ output: { instanceIds: [A, B], tags: { role: 'web', pool: 'blue' } } });
  });

  it('maps an invalid tag key to Invalid', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(CreateTagsCommand).rejects(ec2Failure('InvalidParameterValue', "Tag keys starting with 'aws:' are reserved for internal use"));

    // Act
    const result = tagAction(clientFor)({ instanceId: A, tags: { 'aws:x': 'y' } }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.invalid });
  });
});

describe('ec2 associate-address', () => {
  it('associates a free Elastic IP without allowing reassociation', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: ALLOCATION, PublicIp: '198.51.100.7', Domain: 'vpc' }] });
    ec2.on(AssociateAddressCommand).resolves({ AssociationId: ASSOCIATION });

    // Act
    const result = await associateAddressAction(clientFor)({ instanceId: A, allocationId: ALLOCATION }, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeAddressesCommand, { AllocationIds: [ALLOCATION] });
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(AssociateAddressCommand, {
      InstanceId: A,
      AllocationId: ALLOCATION,
      AllowReassociation: false,
    });
    expect(result).toStrictEqual({ output: { associationId: ASSOCIATION, instanceId: A, publicIp: '198.51.100.7' } });
  });

  it('answers the existing association when the address is already on this instance (a retried move)', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [{ AllocationId: ALLOCATION, AssociationId: ASSOCIATION, InstanceId: A, PublicIp: '198.51.100.7', Domain: 'vpc' }],
    });

    // Act
    const result = await associateAddressAction(clientFor)({ instanceId: A, allocationId: ALLOCATION }, actionCall('do'));

    // Assess
    expect(ec2).not.toHaveReceivedCommand(AssociateAddressCommand);
    expect(result).toStrictEqual({ output: { associationId: ASSOCIATION, instanceId: A, publicIp: '198.51.100.7' } });
  });

  it('fails, naming the holder, when the address is on another instance', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [{ AllocationId: ALLOCATION, AssociationId: ASSOCIATION, InstanceId: B, PublicIp: '198.51.100.7', Domain: 'vpc' }],
    });

    // Act
    const result = associateAddressAction(clientFor)({ instanceId: A, allocationId: ALLOCATION }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `Elastic IP 198.51.100.7 (${ALLOCATION}) is associated with ${B}`,
    });
    expect(ec2).not.toHaveReceivedCommand(AssociateAddressCommand);
  });

  it('maps an unknown allocation id to Invalid', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).rejects(ec2Failure('InvalidAllocationID.NotFound', `The allocation ID '${ALLOCATION}' does not exist`));

    // Act
    const result = associateAddressAction(clientFor)({ instanceId: A, allocationId: ALLOCATION }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.invalid });
  });
});

describe('ec2 disassociate-address', () => {
  /** DescribeAddresses (association-id filter) as EC2 answers it for an address on instance A. */
  const onA = {
    Addresses: [
      {
        AllocationId: ALLOCATION,
        AssociationId: ASSOCIATION,
        Domain: 'vpc' as const,
        InstanceId: A,
        NetworkInterfaceId: 'eni-0123456789abcdef0',
        NetworkInterfaceOwnerId: '123456789012',
        PrivateIpAddress: '10.0.1.23',
        PublicIp: '198.51.100.7',
      },
    ],
  };

  it('takes the address off an instance of the project, after looking the association up', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves(onA);
    ec2.on(DisassociateAddressCommand).resolves({});

    // Act
    const result = await disassociateAddressAction(clientFor)({ associationId: ASSOCIATION }, actionCall('undo'));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(DescribeAddressesCommand, { Filters: [{ Name: 'association-id', Values: [ASSOCIATION] }] });
    expect(ec2).toHaveReceivedCommandExactlyOnceWith(DisassociateAddressCommand, { AssociationId: ASSOCIATION });
    expect(result).toStrictEqual({ output: { associationId: ASSOCIATION } });
  });

  it('is done without a call when the association no longer exists', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });

    // Act
    const result = await disassociateAddressAction(clientFor)({ associationId: ASSOCIATION }, actionCall('undo'));

    // Assess
    expect(result).toStrictEqual({ output: { associationId: ASSOCIATION } });
    expect(ec2).toHaveReceivedCommandTimes(DisassociateAddressCommand, 0);
  });

  it('is done when the association goes between the look and the call (InvalidAssociationID.NotFound)', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves(onA);
    ec2.on(DisassociateAddressCommand).rejects(ec2Failure('InvalidAssociationID.NotFound', `The association ID '${ASSOCIATION}' does not exist`));

    // Act
    const result = await disassociateAddressAction(clientFor)({ associationId: ASSOCIATION }, actionCall('undo'));

    // Assess
    expect(result).toStrictEqual({ output: { associationId: ASSOCIATION } });
  });

  it('passes other errors on, mapped', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeAddressesCommand).resolves(onA);
    ec2.on(DisassociateAddressCommand).rejects(ec2Failure('RequestLimitExceeded', 'Request limit exceeded.', 503));

    // Act
    const result = disassociateAddressAction(clientFor)({ associationId: ASSOCIATION }, actionCall('undo'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.transient });
  });
});

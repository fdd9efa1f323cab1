import { describe, expect, it } from 'vitest';
import { ERROR_NAMES, FailedError, InvalidError } from '#providers/contract';
import { EC2_ERROR_RULES, callEc2, ec2Error, errorCode, hasErrorCode } from '#providers/ec2/errors';
import { ec2Failure } from './fixtures.ts';

const { transient, failed, invalid } = ERROR_NAMES;

/** One line per row of EC2_ERROR_RULES (a code ending in .* is tried with a code of that family). */
const MAPPING: readonly [rule: string, code: string, status: number, expected: string][] = [
  ['RequestLimitExceeded', 'RequestLimitExceeded', 503, transient],
  ['Throttling', 'Throttling', 400, transient],
  ['ThrottlingException', 'ThrottlingException', 400, transient],
  ['InternalError', 'InternalError', 500, transient],
  ['InternalFailure', 'InternalFailure', 500, transient],
  ['Unavailable', 'Unavailable', 503, transient],
  ['ServiceUnavailable', 'ServiceUnavailable', 503, transient],
  ['InsufficientInstanceCapacity', 'InsufficientInstanceCapacity', 500, failed],
  ['InsufficientCapacity', 'InsufficientCapacity', 500, failed],
  ['InsufficientHostCapacity', 'InsufficientHostCapacity', 500, failed],
  ['InsufficientAddressCapacity', 'InsufficientAddressCapacity', 500, failed],
  ['InsufficientVolumeCapacity', 'InsufficientVolumeCapacity', 500, failed],
  ['InsufficientReservedInstanceCapacity', 'InsufficientReservedInstanceCapacity', 500, failed],
  ['InstanceLimitExceeded', 'InstanceLimitExceeded', 400, failed],
  ['VcpuLimitExceeded', 'VcpuLimitExceeded', 400, failed],
  ['AddressLimitExceeded', 'AddressLimitExceeded', 400, failed],
  ['VolumeLimitExceeded', 'VolumeLimitExceeded', 400, failed],
  ['MaxIOPSLimitExceeded', 'MaxIOPSLimitExceeded', 400, failed],
  ['NetworkInterfaceLimitExceeded', 'NetworkInterfaceLimitExceeded', 400, failed],
  ['PrivateIpAddressLimitExceeded', 'PrivateIpAddressLimitExceeded', 400, failed],
  ['AttachmentLimitExceeded', 'AttachmentLimitExceeded', 400, failed],
  ['IncorrectInstanceState', 'IncorrectInstanceState', 400, failed],
  ['IncorrectState', 'IncorrectState', 400, failed],
  ['IdempotentParameterMismatch', 'IdempotentParameterMismatch', 400, failed],
  ['InvalidInstanceID.NotFound', 'InvalidInstanceID.NotFound', 400, failed],
  ['InvalidAssociationID.NotFound', 'InvalidAssociationID.NotFound', 400, failed],
  ['Resource.AlreadyAssociated', 'Resource.AlreadyAssociated', 400, failed],
  ['UnauthorizedOperation', 'UnauthorizedOperation', 403, failed],
  ['AuthFailure', 'AuthFailure', 401, failed],
  ['OptInRequired', 'OptInRequired', 401, failed],
  ['Blocked', 'Blocked', 400, failed],
  ['PendingVerification', 'PendingVerification', 400, failed],
  ['InvalidClientTokenId', 'InvalidClientTokenId', 400, failed],
  ['SignatureDoesNotMatch', 'SignatureDoesNotMatch', 403, failed],
  ['ExpiredToken', 'ExpiredToken', 400, failed],
  ['InvalidAMIID.*', 'InvalidAMIID.NotFound', 400, invalid],
  ['InvalidSubnetID.*', 'InvalidSubnetID.NotFound', 400, invalid],
  ['InvalidSubnet', 'InvalidSubnet', 400, invalid],
  ['InvalidGroup.NotFound', 'InvalidGroup.NotFound', 400, invalid],
  ['InvalidGroupId.Malformed', 'InvalidGroupId.Malformed', 400, invalid],
  ['InvalidSecurityGroupID.NotFound', 'InvalidSecurityGroupID.NotFound', 400, invalid],
  ['InvalidKeyPair.NotFound', 'InvalidKeyPair.NotFound', 400, invalid],
  ['InvalidInstanceID.Malformed', 'InvalidInstanceID.Malformed', 400, invalid],
  ['InvalidAllocationID.*', 'InvalidAllocationID.NotFound', 400, invalid],
  ['InvalidAssociationID.Malformed', 'InvalidAssociationID.Malformed', 400, invalid],
  ['InvalidParameterValue', 'InvalidParameterValue', 400, invalid],
  ['InvalidParameter', 'InvalidParameter', 400, invalid],
  ['InvalidParameterCombination', 'InvalidParameterCombination', 400, invalid],
  ['InvalidParameterDependency', 'InvalidParameterDependency', 400, invalid],
  ['MissingParameter', 'MissingParameter', 400, invalid],
  ['InvalidUserData.Malformed', 'InvalidUserData.Malformed', 400, invalid],
  ['InvalidBlockDeviceMapping', 'InvalidBlockDeviceMapping', 400, invalid],
  ['TagLimitExceeded', 'TagLimitExceeded', 400, invalid],
  ['Unsupported', 'Unsupported', 400, invalid],
  ['UnsupportedOperation', 'UnsupportedOperation', 400, invalid],
];

describe('ec2Error', () => {
  it.each(MAPPING)('maps the row %s (code %s, HTTP %i) to %s, keeping AWS\'s code and message', (_rule, code, status, expected) => {
    // Prepare
    const error = ec2Failure(code, `AWS says ${code}`, status);

    // Act
    const mapped = ec2Error('RunInstances', error);

    // Assess
    expect({ name: mapped.name, message: mapped.message }).toStrictEqual({
      name: expected,
      message: `RunInstances failed: ${code}: AWS says ${code}`,
    });
  });

  it('has a line in this test for every row of the table', () => {
    // Act
    const tested = MAPPING.map(([rule]) => rule);

    // Assess
    expect(tested).toStrictEqual(EC2_ERROR_RULES.map((rule) => rule.code));
  });

  it('keeps the wording of a capacity error, which says what to try', () => {
    // Prepare
    const aws =
      'We currently do not have sufficient t3.small capacity in the Availability Zone you requested (eu-west-1a). ' +
      'Our system will be working on provisioning additional capacity.';

    // Act
    const mapped = ec2Error('RunInstances', ec2Failure('InsufficientInstanceCapacity', aws, 500));

    // Assess
    expect(mapped).toBeInstanceOf(FailedError);
    expect(mapped.message).toBe(`RunInstances failed: InsufficientInstanceCapacity: ${aws}`);
  });

  it('makes an unknown code answered with HTTP 5xx Transient', () => {
    // Act
    const mapped = ec2Error('DescribeInstances', ec2Failure('SomethingNew', 'new trouble', 502));

    // Assess
    expect(mapped.name).toBe(transient);
  });

  it('makes an unknown client code Failed', () => {
    // Act
    const mapped = ec2Error('DescribeInstances', ec2Failure('SomethingNew', 'new trouble', 400));

    // Assess
    expect({ name: mapped.name, message: mapped.message }).toStrictEqual({
      name: failed,
      message: 'DescribeInstances failed: SomethingNew: new trouble',
    });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN'])('makes the network error %s Transient', (code) => {
    // Prepare
    const error = Object.assign(new Error(`connect ${code} 10.0.0.1:443`), { code });

    // Act
    const mapped = ec2Error('RunInstances', error);

    // Assess
    expect(mapped.name).toBe(transient);
  });

  it("makes the SDK's TimeoutError Transient", () => {
    // Prepare
    const error = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

    // Act
    const mapped = ec2Error('RunInstances', error);

    // Assess
    expect(mapped.name).toBe(transient);
  });

  it('lets a provider error through as it is', () => {
    // Prepare
    const error = new InvalidError('bad poll state');

    // Act
    const mapped = ec2Error('RunInstances', error);

    // Assess
    expect(mapped).toBe(error);
  });
});

describe('errorCode', () => {
  it('finds the EC2 code also under a provider error made by callEc2', async () => {
    // Act
    const thrown = await callEc2('DescribeInstances', () => Promise.reject(ec2Failure('InvalidInstanceID.NotFound'))).catch(
      (error: unknown) => error,
    );

    // Assess
    expect([errorCode(thrown), hasErrorCode(thrown, 'InvalidInstanceID.NotFound')]).toStrictEqual([
      'InvalidInstanceID.NotFound',
      true,
    ]);
  });
});

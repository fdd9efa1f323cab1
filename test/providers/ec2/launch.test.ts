import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { launchClientToken } from '#providers/ec2/client-token';
import { launchAction } from '#providers/ec2/launch';
import { actionCall, context, ec2Failure, instance, mockedEc2, reservations } from './fixtures.ts';

const ID = 'i-0123456789abcdef0';

const input = {
  imageId: 'ami-0123456789abcdef0',
  instanceType: 't3.small',
  subnetId: 'subnet-0abc',
  securityGroupIds: ['sg-0aaa', 'sg-0bbb'],
  keyName: 'ops',
  iamInstanceProfile: 'web-profile',
  userData: '#!/bin/sh\necho hello > /tmp/hello\n',
  tags: { role: 'web', 'mastermind:task': 'not-this-one' },
  region: 'eu-west-1',
};

const mastermindTags = [
  { Key: 'role', Value: 'web' },
  { Key: 'mastermind:project', Value: 'web' },
  { Key: 'mastermind:task', Value: 'scale-out' },
  { Key: 'mastermind:execution', Value: context.execution },
  { Key: 'mastermind:henchman', Value: 'provision' },
];

const runningOutput = {
  instanceId: ID,
  state: 'running',
  privateIp: '10.0.1.23',
  publicIp: '203.0.113.25',
  privateDns: 'ip-10-0-1-23.eu-west-1.compute.internal',
  publicDns: 'ec2-203-0-113-25.eu-west-1.compute.amazonaws.com',
  availabilityZone: 'eu-west-1a',
};

describe('ec2 launch', () => {
  it('calls RunInstances with one instance, the client token, merged tags on instance and volumes, and base64 user data', async () => {
    // Prepare
    const { ec2, clientFor, regions } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });

    // Act
    await launchAction(clientFor)(input, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandTimes(RunInstancesCommand, 1);
    expect(ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input).toStrictEqual({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: launchClientToken(context),
      SubnetId: 'subnet-0abc',
      SecurityGroupIds: ['sg-0aaa', 'sg-0bbb'],
      KeyName: 'ops',
      IamInstanceProfile: { Name: 'web-profile' },
      UserData: 'IyEvYmluL3NoCmVjaG8gaGVsbG8gPiAvdG1wL2hlbGxvCg==',
      TagSpecifications: [
        { ResourceType: 'instance', Tags: mastermindTags },
        { ResourceType: 'volume', Tags: mastermindTags },
      ],
    });
    expect(regions).toStrictEqual(['eu-west-1']);
  });

  it('sends the user data base64-encoded, UTF-8 text included', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });
    const userData = '#cloud-config\nruncmd:\n  - echo "héllo wörld"\n';

    // Act
    await launchAction(clientFor)({ imageId: 'ami-1', instanceType: 't3.micro', userData }, actionCall('do'));

    // Assess
    const sent = ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input.UserData!;
    expect(Buffer.from(sent, 'base64').toString('utf8')).toBe(userData);
  });

  it('passes an instance profile ARN as Arn', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });
    const arn = 'arn:aws:iam::123456789012:instance-profile/web-profile';

    // Act
    await launchAction(clientFor)({ imageId: 'ami-1', instanceType: 't3.micro', iamInstanceProfile: arn }, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(RunInstancesCommand, { IamInstanceProfile: { Arn: arn } });
  });

  it('leaves out what the input leaves out, and still tags the instance with the mastermind tags', async () => {
    // Prepare
    const { ec2, clientFor, regions } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });

    // Act
    await launchAction(clientFor)({ imageId: 'ami-1', instanceType: 't3.micro' }, actionCall('do'));

    // Assess
    const tags = [
      { Key: 'mastermind:project', Value: 'web' },
      { Key: 'mastermind:task', Value: 'scale-out' },
      { Key: 'mastermind:execution', Value: context.execution },
      { Key: 'mastermind:henchman', Value: 'provision' },
    ];
    expect(ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input).toStrictEqual({
      ImageId: 'ami-1',
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ClientToken: launchClientToken(context),
      TagSpecifications: [
        { ResourceType: 'instance', Tags: tags },
        { ResourceType: 'volume', Tags: tags },
      ],
    });
    expect(regions).toStrictEqual([undefined]);
  });

  it('sends the same client token when the same move is retried, and a new one after a retreat', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });
    const launch = launchAction(clientFor);

    // Act
    await launch(input, actionCall('do'));
    await launch(input, actionCall('do'));
    await launch(input, actionCall('do', undefined, { ...context, attempt: 2 }));

    // Assess
    const tokens = ec2.commandCalls(RunInstancesCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  it('answers a poll while the instance is pending, then every output field once it runs', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations([instance(ID, 'pending')]))
      .resolvesOnce(reservations([instance(ID, 'running')]));
    const launch = launchAction(clientFor);

    // Act
    const first = await launch(input, actionCall('do'));
    const second = await launch(input, actionCall('poll', { instanceId: ID, region: 'eu-west-1' }));
    const third = await launch(input, actionCall('poll', { instanceId: ID, region: 'eu-west-1' }));

    // Assess
    expect(first).toStrictEqual({ poll: { after: 10, state: { instanceId: ID, region: 'eu-west-1' }, waitingFor: `${ID} to be running (now: ${ID} pending)` } });
    expect(second).toStrictEqual({ poll: { after: 10, state: { instanceId: ID, region: 'eu-west-1' }, waitingFor: `${ID} to be running (now: ${ID} pending)` } });
    expect(third).toStrictEqual({ output: runningOutput });
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: [ID] });
  });

  it("answers the output at once when RunInstances shows the instance running (a retry finding the first call's box)", async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'running')] });

    // Act
    const result = await launchAction(clientFor)(input, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ output: runningOutput });
  });

  it("gives '' for the public address and name of an instance without them", async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves(
      reservations([instance(ID, 'running', { PublicIpAddress: undefined, PublicDnsName: '' })]),
    );

    // Act
    const result = await launchAction(clientFor)(input, actionCall('poll', { instanceId: ID }));

    // Assess
    expect(result).toStrictEqual({ output: { ...runningOutput, publicIp: '', publicDns: '' } });
  });

  it('polls again while DescribeInstances does not know the new instance yet (eventual consistency)', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${ID}' does not exist`));

    // Act
    const result = await launchAction(clientFor)(input, actionCall('poll', { instanceId: ID }));

    // Assess
    expect(result).toStrictEqual({ poll: { after: 10, state: { instanceId: ID }, waitingFor: `${ID} to be running (now: ${ID} not listed yet)` } });
  });

  it.each(['terminated', 'shutting-down'] as const)('fails with the state reason when the instance is %s while waiting', async (state) => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves(
      reservations([
        instance(ID, state, {
          StateReason: { Code: 'Server.InternalError', Message: 'Server.InternalError: Internal error on launch' },
        }),
      ]),
    );

    // Act
    const result = launchAction(clientFor)(input, actionCall('poll', { instanceId: ID, region: 'eu-west-1' }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `the launched instance ${ID} is ${state} while waiting for running: Server.InternalError: Internal error on launch`,
    });
  });

  it.each([
    ['InsufficientInstanceCapacity', 500, ERROR_NAMES.failed],
    ['InvalidAMIID.NotFound', 400, ERROR_NAMES.invalid],
    ['RequestLimitExceeded', 503, ERROR_NAMES.transient],
  ])('maps a RunInstances %s to %s', async (code, status, name) => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).rejects(ec2Failure(code, 'AWS message', status));

    // Act
    const result = launchAction(clientFor)(input, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name, message: `RunInstances failed: ${code}: AWS message` });
  });

  it('rejects a poll state that is not the one launch answered', async () => {
    // Prepare
    const { clientFor } = mockedEc2();

    // Act
    const result = launchAction(clientFor)(input, actionCall('poll', { instanceIds: [ID] }));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.invalid });
  });
});

import { DescribeInstanceStatusCommand, DescribeInstancesCommand, type InstanceStatus } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { waitAction } from '#providers/ec2/wait';
import { actionCall, ec2Failure, instance, mockedEc2, reservations } from './fixtures.ts';

const A = 'i-0aaaaaaaaaaaaaaaa';
const B = 'i-0bbbbbbbbbbbbbbbb';

/** An entry of DescribeInstanceStatus, as the EC2 API reference shows it. */
function status(id: string, system: string, instanceStatus: string, state = 'running'): InstanceStatus {
  return {
    InstanceId: id,
    AvailabilityZone: 'eu-west-1a',
    InstanceState: { Code: state === 'running' ? 16 : 48, Name: state as never },
    SystemStatus: { Status: system as never, Details: [{ Name: 'reachability', Status: 'passed' }] },
    InstanceStatus: { Status: instanceStatus as never, Details: [{ Name: 'reachability', Status: 'passed' }] },
  };
}

describe('ec2 wait', () => {
  it('answers at once when the instances are already in the state', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'stopped')]));

    // Act
    const result = await waitAction(clientFor)({ instanceId: A, state: 'stopped' }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: A, instanceIds: [A], state: 'stopped' } });
  });

  it('polls while the instances are on their way, then answers', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations([instance(A, 'pending'), instance(B, 'running')]))
      .resolvesOnce(reservations([instance(A, 'running'), instance(B, 'running')]));
    const wait = waitAction(clientFor);
    const state = { instanceIds: [A, B], region: 'eu-west-1', state: 'running' };

    // Act
    const first = await wait({ instanceIds: [A, B], state: 'running', region: 'eu-west-1' }, actionCall('do'));
    const second = await wait({ instanceIds: [A, B], state: 'running', region: 'eu-west-1' }, actionCall('poll', state));

    // Assess
    expect([first, second]).toStrictEqual([
      { poll: { after: 10, state, waitingFor: `${A} to be running (now: ${A} pending)` } },
      { output: { instanceId: A, instanceIds: [A, B], state: 'running' } },
    ]);
  });

  it('fails when an instance goes away while waiting for running', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    const reason = { Code: 'Client.InstanceInitiatedShutdown', Message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown' };
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'shutting-down', { StateReason: reason })]));

    // Act
    const result = waitAction(clientFor)({ instanceId: A, state: 'running' }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `${A} is shutting-down while waiting for running: Client.InstanceInitiatedShutdown: Instance initiated shutdown`,
    });
  });

  it('counts an instance EC2 no longer knows as terminated when waiting for terminated', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`));

    // Act
    const result = await waitAction(clientFor)({ instanceId: A, state: 'terminated' }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: A, instanceIds: [A], state: 'terminated' } });
  });

  it('fails when an instance EC2 does not know is awaited in another state', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`));

    // Act
    const result = waitAction(clientFor)({ instanceId: A, state: 'running' }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.failed });
  });

  it('waits for status-ok with DescribeInstanceStatus, across pages, until both checks are ok', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2
      .on(DescribeInstanceStatusCommand)
      .resolvesOnce({ InstanceStatuses: [status(A, 'ok', 'ok')], NextToken: 'page-2' })
      .resolvesOnce({ InstanceStatuses: [status(B, 'ok', 'initializing')] })
      .resolvesOnce({ InstanceStatuses: [status(A, 'ok', 'ok'), status(B, 'ok', 'ok')] });
    const wait = waitAction(clientFor);
    const state = { instanceIds: [A, B], state: 'status-ok' };

    // Act
    const first = await wait({ instanceIds: [A, B], state: 'status-ok' }, actionCall('do'));
    const second = await wait({ instanceIds: [A, B], state: 'status-ok' }, actionCall('poll', state));

    // Assess
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstanceStatusCommand, 1, { InstanceIds: [A, B], IncludeAllInstances: true });
    expect(ec2).toHaveReceivedNthCommandWith(DescribeInstanceStatusCommand, 2, {
      InstanceIds: [A, B],
      IncludeAllInstances: true,
      NextToken: 'page-2',
    });
    expect([first, second]).toStrictEqual([
      { poll: { after: 10, state, waitingFor: `the status checks of ${B} (system ok, instance initializing) to be ok` } },
      { output: { instanceId: A, instanceIds: [A, B], state: 'running' } },
    ]);
  });

  it('fails when a status check is impaired', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [status(A, 'ok', 'impaired')] });

    // Act
    const result = waitAction(clientFor)({ instanceId: A, state: 'status-ok' }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `${A} failed its status checks: system ok, instance impaired`,
    });
  });

  it('fails when an instance is terminated while waiting for status-ok', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [status(A, 'not-applicable', 'not-applicable', 'terminated')] });

    // Act
    const result = waitAction(clientFor)({ instanceId: A, state: 'status-ok' }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.failed, message: `${A} is terminated while waiting for status-ok` });
  });
});

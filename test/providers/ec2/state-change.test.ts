import {
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  type InstanceStatus,
  RebootInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { rebootAction } from '#providers/ec2/reboot';
import { startAction } from '#providers/ec2/start';
import { stopAction } from '#providers/ec2/stop';
import { terminateAction } from '#providers/ec2/terminate';
import { actionCall, ec2Failure, instance, mockedEc2, reservations } from './fixtures.ts';

const A = 'i-0aaaaaaaaaaaaaaaa';
const B = 'i-0bbbbbbbbbbbbbbbb';

function change(id: string, previous: string, current: string) {
  const codes: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
  return {
    InstanceId: id,
    PreviousState: { Code: codes[previous], Name: previous as never },
    CurrentState: { Code: codes[current], Name: current as never },
  };
}

describe('ec2 terminate', () => {
  it('terminates, answers a poll, then the output once the instance is terminated', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(TerminateInstancesCommand).resolves({ TerminatingInstances: [change(A, 'running', 'shutting-down')] });
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations([instance(A, 'shutting-down')]))
      .resolvesOnce(reservations([instance(A, 'terminated')]));
    const terminate = terminateAction(clientFor);
    const wait = { instanceIds: [A], region: 'eu-west-1', state: 'terminated' };

    // Act
    const first = await terminate({ instanceId: A, region: 'eu-west-1' }, actionCall('undo'));
    const second = await terminate({ instanceId: A, region: 'eu-west-1' }, actionCall('poll', wait));
    const third = await terminate({ instanceId: A, region: 'eu-west-1' }, actionCall('poll', wait));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [A] });
    const words = `${A} to be terminated (now: ${A} shutting-down)`;
    expect([first, second, third]).toStrictEqual([
      { poll: { after: 10, state: wait, waitingFor: words } },
      { poll: { after: 10, state: wait, waitingFor: words } },
      { output: { instanceId: A, instanceIds: [A], state: 'terminated' } },
    ]);
  });

  it('is done at once when the instance is already gone (InvalidInstanceID.NotFound): it is an undo', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(TerminateInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`));

    // Act
    const result = await terminateAction(clientFor)({ instanceId: A }, actionCall('undo'));

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: A, instanceIds: [A], state: 'terminated' } });
  });

  it('terminates the instances still there when one of several is gone', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2
      .on(TerminateInstancesCommand)
      .rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance IDs '${A}, ${B}' do not exist`))
      .on(TerminateInstancesCommand, { InstanceIds: [A] })
      .rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`))
      .on(TerminateInstancesCommand, { InstanceIds: [B] })
      .resolves({ TerminatingInstances: [change(B, 'running', 'shutting-down')] });

    // Act
    const result = await terminateAction(clientFor)({ instanceIds: [A, B] }, actionCall('do'));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(TerminateInstancesCommand, { InstanceIds: [B] });
    expect(result).toStrictEqual({ poll: { after: 10, state: { instanceIds: [A, B], state: 'terminated' }, waitingFor: `${B} to be terminated (now: ${B} shutting-down)` } });
  });

  it('counts an instance DescribeInstances no longer knows as terminated while polling', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: [A, B] })
      .rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`))
      .on(DescribeInstancesCommand, { InstanceIds: [A] })
      .rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`))
      .on(DescribeInstancesCommand, { InstanceIds: [B] })
      .resolves(reservations([instance(B, 'terminated')]));

    // Act
    const result = await terminateAction(clientFor)(
      { instanceIds: [A, B] },
      actionCall('poll', { instanceIds: [A, B], state: 'terminated' }),
    );

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: A, instanceIds: [A, B], state: 'terminated' } });
  });

  it('fails on another error, mapped by the table', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(TerminateInstancesCommand).rejects(ec2Failure('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));

    // Act
    const result = terminateAction(clientFor)({ instanceId: A }, actionCall('undo'));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: 'TerminateInstances failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    });
  });
});

describe('ec2 stop', () => {
  it('stops several instances and waits until all are stopped', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [change(A, 'running', 'stopping'), change(B, 'running', 'stopping')] });
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce(reservations([instance(A, 'stopped'), instance(B, 'stopping')]))
      .resolvesOnce(reservations([instance(A, 'stopped'), instance(B, 'stopped')]));
    const stop = stopAction(clientFor);
    const wait = { instanceIds: [A, B], state: 'stopped' };

    // Act
    const first = await stop({ instanceIds: [A, B] }, actionCall('do'));
    const second = await stop({ instanceIds: [A, B] }, actionCall('poll', wait));
    const third = await stop({ instanceIds: [A, B] }, actionCall('poll', wait));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(StopInstancesCommand, { InstanceIds: [A, B] });
    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, { InstanceIds: [A, B] });
    expect([first, second, third]).toStrictEqual([
      { poll: { after: 10, state: wait, waitingFor: `${A}, ${B} to be stopped (now: ${A} stopping, ${B} stopping)` } },
      { poll: { after: 10, state: wait, waitingFor: `${B} to be stopped (now: ${B} stopping)` } },
      { output: { instanceId: A, instanceIds: [A, B], state: 'stopped' } },
    ]);
  });

  it('fails when an instance is terminated while waiting for stopped', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    const reason = { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'terminated', { StateReason: reason })]));

    // Act
    const result = stopAction(clientFor)({ instanceId: A }, actionCall('poll', { instanceIds: [A], state: 'stopped' }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `${A} is terminated while waiting for stopped: Client.UserInitiatedShutdown: User initiated shutdown`,
    });
  });

  it('fails when the instance named does not exist', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(StopInstancesCommand).rejects(ec2Failure('InvalidInstanceID.NotFound', `The instance ID '${A}' does not exist`));

    // Act
    const result = stopAction(clientFor)({ instanceId: A }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.failed });
  });
});

describe('ec2 start', () => {
  it('is done at once when StartInstances shows every instance running', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(StartInstancesCommand).resolves({ StartingInstances: [change(A, 'running', 'running')] });

    // Act
    const result = await startAction(clientFor)({ instanceId: A, region: 'us-east-1' }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: A, instanceIds: [A], state: 'running' } });
    expect(ec2).not.toHaveReceivedCommand(DescribeInstancesCommand);
  });

  it('polls in the region of the input, then answers once running', async () => {
    // Prepare
    const { ec2, clientFor, regions } = mockedEc2();
    ec2.on(StartInstancesCommand).resolves({ StartingInstances: [change(A, 'stopped', 'pending')] });
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'running')]));
    const start = startAction(clientFor);

    // Act
    const first = await start({ instanceId: A, region: 'us-east-1' }, actionCall('do'));
    const wait = { instanceIds: [A], region: 'us-east-1', state: 'running' };
    const second = await start({ instanceId: A, region: 'us-east-1' }, actionCall('poll', wait));

    // Assess
    expect(first).toStrictEqual({ poll: { after: 10, state: { instanceIds: [A], region: 'us-east-1', state: 'running' }, waitingFor: `${A} to be running (now: ${A} pending)` } });
    expect(second).toStrictEqual({ output: { instanceId: A, instanceIds: [A], state: 'running' } });
    expect(regions).toStrictEqual(['us-east-1', 'us-east-1']);
  });

  it('fails when the instance falls back to stopped for lack of capacity', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstancesCommand).resolves(
      reservations([
        instance(A, 'stopped', {
          StateReason: {
            Code: 'Server.InsufficientInstanceCapacity',
            Message: 'Server.InsufficientInstanceCapacity: Insufficient capacity.',
          },
        }),
      ]),
    );

    // Act
    const result = startAction(clientFor)({ instanceId: A }, actionCall('poll', { instanceIds: [A], state: 'running' }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `${A} stopped while waiting for running: Server.InsufficientInstanceCapacity: Insufficient capacity.`,
    });
  });
  it('keeps polling while the instance still shows the reason of an older stop', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    const reason = { Code: 'Server.ScheduledStop', Message: 'Server.ScheduledStop: Stopped due to scheduled retirement' };
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'stopped', { StateReason: reason })]));

    // Act
    const result = await startAction(clientFor)({ instanceId: A }, actionCall('poll', { instanceIds: [A], state: 'running' }));

    // Assess
    expect(result).toStrictEqual({ poll: { after: 10, state: { instanceIds: [A], state: 'running' }, waitingFor: `${A} to be running (now: ${A} stopped)` } });
  });
});

describe('ec2 reboot', () => {
  /** An entry of DescribeInstanceStatus as the EC2 API reference shows it: a rebooting instance stays running. */
  function status(id: string, check: 'ok' | 'initializing' | 'impaired'): InstanceStatus {
    const detail = { ok: 'passed', initializing: 'initializing', impaired: 'failed' }[check] as never;
    return {
      InstanceId: id,
      AvailabilityZone: 'eu-west-1a',
      InstanceState: { Code: 16, Name: 'running' },
      SystemStatus: { Status: 'ok', Details: [{ Name: 'reachability', Status: 'passed' }] },
      InstanceStatus: {
        Status: check,
        Details: [{ Name: 'reachability', Status: detail, ...(check === 'impaired' ? { ImpairedSince: new Date('2025-01-01T10:02:00Z') } : {}) }],
      },
    };
  }

  it('reboots, looks at the status checks a check period later, and answers once they are ok again', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RebootInstancesCommand).resolves({});
    ec2
      .on(DescribeInstanceStatusCommand)
      .resolvesOnce({ InstanceStatuses: [status(A, 'initializing'), status(B, 'ok')] })
      .resolvesOnce({ InstanceStatuses: [status(A, 'ok'), status(B, 'ok')] });
    const reboot = rebootAction(clientFor);
    const wait = { instanceIds: [A, B], region: 'eu-west-1', state: 'status-ok' };

    // Act
    const first = await reboot({ instanceIds: [A, B], region: 'eu-west-1' }, actionCall('do'));
    const second = await reboot({ instanceIds: [A, B], region: 'eu-west-1' }, actionCall('poll', wait));
    const third = await reboot({ instanceIds: [A, B], region: 'eu-west-1' }, actionCall('poll', wait));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(RebootInstancesCommand, { InstanceIds: [A, B] });
    expect(ec2).toHaveReceivedCommandTimes(DescribeInstanceStatusCommand, 2);
    expect(ec2).toHaveReceivedCommandWith(DescribeInstanceStatusCommand, { InstanceIds: [A, B], IncludeAllInstances: true });
    expect(ec2).not.toHaveReceivedCommand(DescribeInstancesCommand);
    expect([first, second, third]).toStrictEqual([
      { poll: { after: 60, state: wait, waitingFor: `the status checks of ${A}, ${B} to be ok after the reboot` } },
      { poll: { after: 10, state: wait, waitingFor: `the status checks of ${A} (system ok, instance initializing) to be ok` } },
      { output: { instanceId: A, instanceIds: [A, B], state: 'running' } },
    ]);
  });

  it('does not answer on its first look, though the instance is running all along', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RebootInstancesCommand).resolves({});
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(A, 'running')]));
    ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [status(A, 'ok')] });

    // Act
    const result = await rebootAction(clientFor)({ instanceId: A }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ poll: { after: 60, state: { instanceIds: [A], state: 'status-ok' }, waitingFor: `the status checks of ${A} to be ok after the reboot` } });
    expect(ec2).not.toHaveReceivedCommand(DescribeInstanceStatusCommand);
    expect(ec2).not.toHaveReceivedCommand(DescribeInstancesCommand);
  });

  it('fails when a status check is impaired after the reboot', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(DescribeInstanceStatusCommand).resolves({ InstanceStatuses: [status(A, 'impaired')] });

    // Act
    const result = rebootAction(clientFor)({ instanceId: A }, actionCall('poll', { instanceIds: [A], state: 'status-ok' }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.failed,
      message: `${A} failed its status checks: system ok, instance impaired`,
    });
  });

  it('maps IncorrectInstanceState to Failed', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    const message = `The instance '${A}' is not in a state from which it can be rebooted.`;
    ec2.on(RebootInstancesCommand).rejects(ec2Failure('IncorrectInstanceState', message));

    // Act
    const result = rebootAction(clientFor)({ instanceId: A }, actionCall('do'));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.failed });
  });

  it('rejects a poll state without instance ids', async () => {
    // Prepare
    const { clientFor } = mockedEc2();

    // Act
    const result = rebootAction(clientFor)({ instanceId: A }, actionCall('poll', { instanceIds: [], state: 'running' }));

    // Assess
    await expect(result).rejects.toMatchObject({ name: ERROR_NAMES.invalid });
  });
});

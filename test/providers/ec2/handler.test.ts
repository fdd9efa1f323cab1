import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { catalog } from '#task/catalog';
import { ERROR_NAMES, type ProviderEvent } from '#providers/contract';
import { createEc2Actions } from '#providers/ec2/actions';
import { handler } from '#providers/ec2/handler';
import { createProviderHandler } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import { marksOf } from '../../support/secret-marks.ts';
import { context, ec2Failure, instance, mockedEc2, reservations } from './fixtures.ts';

const ID = 'i-0123456789abcdef0';
const SECRET = 'pa55-w0rd-that-must-never-be-seen';
const SECRET_NAME = '/mastermind/web/db-password';

/** Everything written to stdout and stderr while a test runs: where Powertools' logger writes. */
function captureOutput(): { text: () => string } {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return { text: () => chunks.join('') };
}

function setUp() {
  const { ec2, clientFor } = mockedEc2();
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand, { Name: SECRET_NAME, WithDecryption: true }).resolves({
    Parameter: { Name: SECRET_NAME, Type: 'SecureString', Value: SECRET, Version: 1 },
  });
  const secrets = new SecretResolver(() => new SSMClient({ region: 'eu-west-1' }));
  const logger = new Logger({ serviceName: 'mastermind-ec2' });
  const ec2Handler = createProviderHandler('ec2', createEc2Actions(clientFor), { logger, secrets });
  return { ec2, ssm, ec2Handler };
}

function launchEvent(input: Record<string, unknown>, phase: ProviderEvent['phase'] = 'do', poll?: unknown): ProviderEvent {
  return { action: 'launch', phase, input, secrets: marksOf(input), context, ...(poll === undefined ? {} : { poll }) };
}

describe('the ec2 provider handler', () => {
  let output: { text: () => string };
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('implements every ec2 action of the catalog, and only those', () => {
    // Act
    const names = Object.keys(createEc2Actions(() => mockedEc2().client));

    // Assess
    expect(names.sort()).toStrictEqual(Object.keys(catalog.ec2.actions).sort());
  });

  it('launches through the runtime: catalog defaults applied, poll, then output', async () => {
    // Prepare
    const { ec2, ec2Handler } = setUp();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(ID, 'pending')] });
    ec2.on(DescribeInstancesCommand).resolves(reservations([instance(ID, 'running')]));
    const input = { imageId: 'ami-0123456789abcdef0' };

    // Act
    const first = await ec2Handler(launchEvent(input));
    const second = await ec2Handler(launchEvent(input, 'poll', { instanceId: ID }));

    // Assess
    expect(ec2).toHaveReceivedCommandWith(RunInstancesCommand, { InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });
    expect(first).toStrictEqual({ poll: { after: 10, state: { instanceId: ID }, waitingFor: `${ID} to be running (now: ${ID} pending)`, for: { execution: context.execution, attempt: context.attempt } } });
    expect(second).toStrictEqual({
      output: {
        instanceId: ID,
        state: 'running',
        privateIp: '10.0.1.23',
        publicIp: '203.0.113.25',
        privateDns: 'ip-10-0-1-23.eu-west-1.compute.internal',
        publicDns: 'ec2-203-0-113-25.eu-west-1.compute.amazonaws.com',
        availabilityZone: 'eu-west-1a',
      },
    });
  });

  it('rejects a bad input with Mastermind.Invalid naming each field, before any EC2 call', async () => {
    // Prepare
    const { ec2, ec2Handler } = setUp();

    // Act
    const result = ec2Handler(launchEvent({ instanceType: 5, tags: { role: 7 } }));

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.invalid,
      message:
        'invalid input for ec2 launch: instanceType must be a string; tags must be a map of strings to strings; imageId is required',
    });
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('rejects terminate given both instanceId and instanceIds', async () => {
    // Prepare
    const { ec2Handler } = setUp();

    // Act
    const result = ec2Handler({ action: 'terminate', phase: 'undo', input: { instanceId: ID, instanceIds: [ID] }, context });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.invalid,
      message: 'invalid input for ec2 terminate: give only one of instanceId, instanceIds',
    });
  });

  it('is the Lambda entry: an unknown action is Mastermind.Invalid listing the actions', async () => {
    // Act
    const result = handler({ action: 'explode', phase: 'do', input: {}, context });

    // Assess
    await expect(result).rejects.toMatchObject({
      name: ERROR_NAMES.invalid,
      message:
        'ec2 has no action explode: it has launch, terminate, stop, start, reboot, describe, wait, tag, associate-address, disassociate-address',
    });
  });

  it('resolves a secret in a tag for the call, and no log line, result or error shows it', async () => {
    // Prepare
    const { ec2, ec2Handler } = setUp();
    ec2
      .on(RunInstancesCommand)
      .resolvesOnce({ Instances: [instance(ID, 'pending')] })
      .rejectsOnce(ec2Failure('InvalidParameterValue', `Tag value '${SECRET}' is not valid for key dbPassword`));
    const input = { imageId: 'ami-0123456789abcdef0', tags: { role: 'web', dbPassword: `\${secret:${SECRET_NAME}}` } };

    // Act
    const success = await ec2Handler(launchEvent(input));
    const failure = await ec2Handler(launchEvent(input)).then(
      () => new Error('the second launch was expected to fail'),
      (error: unknown) => error as Error,
    );

    // Assess
    const sentTags = ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input.TagSpecifications![0]!.Tags;
    expect(sentTags).toContainEqual({ Key: 'dbPassword', Value: SECRET });
    expect(success).toStrictEqual({ poll: { after: 10, state: { instanceId: ID }, waitingFor: `${ID} to be running (now: ${ID} pending)`, for: { execution: context.execution, attempt: context.attempt } } });
    expect({ name: failure.name, message: failure.message }).toStrictEqual({
      name: ERROR_NAMES.invalid,
      message: "RunInstances failed: InvalidParameterValue: Tag value '***' is not valid for key dbPassword",
    });
    const logs = output.text();
    expect(logs).toContain('"message":"move done"');
    expect(logs).toContain('"message":"move failed"');
    expect(logs).not.toContain(SECRET);
    expect(JSON.stringify(success)).not.toContain(SECRET);
    expect(`${failure.message} ${failure.stack ?? ''} ${String(failure.cause ?? '')}`).not.toContain(SECRET);
  });
});

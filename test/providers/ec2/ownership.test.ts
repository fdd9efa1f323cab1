/**
 * Projects are kept apart: no ec2 move changes an instance of another project, or one without a project tag.
 * DescribeTags and DescribeInstances answers are shaped as the EC2 API reference documents them.
 */
import {
  AssociateAddressCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeTagsCommand,
  DisassociateAddressCommand,
  RebootInstancesCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ERROR_NAMES } from '#providers/contract';
import { createEc2Actions } from '#providers/ec2/actions';
import { checkOwnership } from '#providers/ec2/ownership';
import { actionCall, ec2Failure, instance, mockedEc2, projectTags, reservations } from './fixtures.ts';

const OWN = 'i-0aaaaaaaaaaaaaaaa';
const FOREIGN = 'i-0bbbbbbbbbbbbbbbb';
const UNTAGGED = 'i-0cccccccccccccccc';
const GONE = 'i-0dddddddddddddddd';
const ALLOCATION = 'eipalloc-0123456789abcdef0';
const ASSOCIATION = 'eipassoc-0123456789abcdef0';

const STATE_CHANGES = [StartInstancesCommand, StopInstancesCommand, RebootInstancesCommand, TerminateInstancesCommand, CreateTagsCommand, AssociateAddressCommand, DisassociateAddressCommand];

/** EC2 as a world of four instances: one of project web (the move's), one of db, one without the tag, one gone. */
function world() {
  const mocked = mockedEc2();
  mocked.ec2.on(DescribeTagsCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
    const owners: Record<string, string> = { [OWN]: 'web', [FOREIGN]: 'db' };
    const asked = input.Filters?.find((f) => f.Name === 'resource-id')?.Values ?? [];
    return projectTags(Object.fromEntries(asked.filter((id) => id in owners).map((id) => [id, owners[id]!])));
  });
  mocked.ec2.on(DescribeInstancesCommand).callsFake((input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
    const asked = input.Filters?.find((f) => f.Name === 'instance-id')?.Values ?? [];
    const known = [OWN, FOREIGN, UNTAGGED].filter((id) => asked.includes(id));
    return reservations(known.map((id) => instance(id, 'running', id === UNTAGGED ? {} : { Tags: [{ Key: 'mastermind:project', Value: id === OWN ? 'web' : 'db' }] })));
  });
  for (const command of STATE_CHANGES) mocked.ec2.on(command as typeof StopInstancesCommand).rejects(new Error(`${command.name} must not be sent`));
  return { ...mocked, actions: createEc2Actions(mocked.clientFor, []) };
}

const sentStateChanges = (ec2: ReturnType<typeof mockedEc2>['ec2']) => STATE_CHANGES.flatMap((command) => ec2.commandCalls(command as typeof StopInstancesCommand));

const refusal = (problems: string) => ({
  name: ERROR_NAMES.failed,
  message: `${problems}: a move of project web acts only on instances tagged mastermind:project=web`,
});

describe('ec2 actions keep to the move\'s project', () => {
  it.each([
    ['terminate', { instanceIds: [OWN, FOREIGN] }],
    ['stop', { instanceIds: [OWN, FOREIGN] }],
    ['start', { instanceIds: [OWN, FOREIGN] }],
    ['reboot', { instanceIds: [OWN, FOREIGN] }],
    ['tag', { instanceIds: [OWN, FOREIGN], tags: { role: 'web' } }],
    ['associate-address', { instanceId: FOREIGN, allocationId: ALLOCATION }],
  ])('%s fails on an instance of another project, naming it and its project, and changes nothing', async (action, input) => {
    // Prepare
    const { ec2, actions } = world();

    // Act
    const result = actions[action]!(input, actionCall('do')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject(refusal(`instance ${FOREIGN} belongs to project db`));
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it.each(['terminate', 'stop', 'start', 'reboot'])('%s, as an undo too, fails on an instance without the project tag', async (action) => {
    // Prepare
    const { ec2, actions } = world();

    // Act
    const result = actions[action]!({ instanceId: UNTAGGED }, actionCall('undo')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject(refusal(`instance ${UNTAGGED} has no mastermind:project tag`));
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it('names every instance that is not the project\'s in one failure', async () => {
    // Prepare
    const { ec2, actions } = world();

    // Act
    const result = actions.stop!({ instanceIds: [FOREIGN, OWN, UNTAGGED] }, actionCall('do')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject(refusal(`instance ${FOREIGN} belongs to project db; instance ${UNTAGGED} has no mastermind:project tag`));
    expect(ec2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input)).toStrictEqual([
      {
        Filters: [
          { Name: 'resource-id', Values: [FOREIGN, OWN, UNTAGGED] },
          { Name: 'key', Values: ['mastermind:project'] },
        ],
      },
    ]);
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it('acts on the project\'s own instance', async () => {
    // Prepare
    const { ec2, actions } = world();
    ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ InstanceId: OWN, CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } }] });

    // Act
    const result = await actions.stop!({ instanceId: OWN }, actionCall('do'));

    // Assess
    expect(result).toStrictEqual({ poll: { after: 10, state: { instanceIds: [OWN], state: 'stopped' }, waitingFor: `${OWN} to be stopped (now: ${OWN} stopping)` } });
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toStrictEqual([{ InstanceIds: [OWN] }]);
  });

  it('terminate counts an instance EC2 no longer knows as terminated without asking for it, and terminates the rest', async () => {
    // Prepare
    const { ec2, actions } = world();
    ec2.on(TerminateInstancesCommand).resolves({ TerminatingInstances: [{ InstanceId: OWN, CurrentState: { Code: 48, Name: 'terminated' }, PreviousState: { Code: 16, Name: 'running' } }] });

    // Act
    const result = await actions.terminate!({ instanceIds: [GONE, OWN] }, actionCall('undo'));

    // Assess
    expect(result).toStrictEqual({ output: { instanceId: GONE, instanceIds: [GONE, OWN], state: 'terminated' } });
    expect(ec2.commandCalls(TerminateInstancesCommand).map((c) => c.args[0].input)).toStrictEqual([{ InstanceIds: [OWN] }]);
  });

  it('terminate of instances that are all gone is done with no call that changes anything', async () => {
    const { ec2, actions } = world();
    expect(await actions.terminate!({ instanceId: GONE }, actionCall('undo'))).toStrictEqual({ output: { instanceId: GONE, instanceIds: [GONE], state: 'terminated' } });
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it.each(['stop', 'start', 'reboot'])('%s fails on an instance EC2 does not know', async (action) => {
    const { ec2, actions } = world();
    expect(await actions[action]!({ instanceIds: [OWN, GONE] }, actionCall('do')).catch((e: unknown) => e)).toMatchObject({
      name: ERROR_NAMES.failed,
      message: `instance ${GONE} does not exist`,
    });
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it('tag refuses to set mastermind:project, in any case, before any call', async () => {
    // Prepare
    const { ec2, actions } = world();

    // Act
    const result = actions.tag!({ instanceId: OWN, tags: { 'Mastermind:Project': 'db' } }, actionCall('do')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject({
      name: ERROR_NAMES.invalid,
      message: 'tags: Mastermind:Project says which project an instance belongs to; launch sets it, a task cannot change it',
    });
    expect(ec2.calls()).toStrictEqual([]);
  });

  it('disassociate-address fails for an address on another project\'s instance, and takes nothing off', async () => {
    // Prepare
    const { ec2, actions } = world();
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [{ AllocationId: ALLOCATION, AssociationId: ASSOCIATION, Domain: 'vpc', InstanceId: FOREIGN, NetworkInterfaceId: 'eni-0123456789abcdef0', PublicIp: '198.51.100.7' }],
    });

    // Act
    const result = actions['disassociate-address']!({ associationId: ASSOCIATION }, actionCall('undo')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject(refusal(`instance ${FOREIGN} belongs to project db`));
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it('disassociate-address fails for an address on a network interface with no instance', async () => {
    // Prepare
    const { ec2, actions } = world();
    ec2.on(DescribeAddressesCommand).resolves({
      Addresses: [{ AllocationId: ALLOCATION, AssociationId: ASSOCIATION, Domain: 'vpc', NetworkInterfaceId: 'eni-0123456789abcdef0', PublicIp: '198.51.100.7' }],
    });

    // Act
    const result = actions['disassociate-address']!({ associationId: ASSOCIATION }, actionCall('undo')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject({
      name: ERROR_NAMES.failed,
      message: `Elastic IP 198.51.100.7 (association ${ASSOCIATION}) is on network interface eni-0123456789abcdef0, not on an instance of project web`,
    });
    expect(sentStateChanges(ec2)).toStrictEqual([]);
  });

  it('reads every page of DescribeTags', async () => {
    // Prepare
    const { client, ec2 } = mockedEc2();
    ec2.on(DescribeTagsCommand).resolvesOnce(projectTags({ [OWN]: 'web' }, 'page-2')).resolvesOnce(projectTags({ [FOREIGN]: 'db' }));

    // Act
    const result = checkOwnership(client, [OWN, FOREIGN], 'web').catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject(refusal(`instance ${FOREIGN} belongs to project db`));
    expect(ec2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.NextToken)).toStrictEqual([undefined, 'page-2']);
  });
});

describe('ec2 launch keeps instances in the move\'s project', () => {
  it('tags the instance and its volumes with the move\'s project, whatever tags the task gives', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(OWN, 'pending')] });

    // Act
    await createEc2Actions(clientFor, undefined).launch!(
      { imageId: 'ami-1', instanceType: 't3.micro', tags: { 'mastermind:project': 'db', 'MASTERMIND:PROJECT': 'db', 'Mastermind:Task': 'x', role: 'web' } },
      actionCall('do'),
    );

    // Assess
    const specs = ec2.commandCalls(RunInstancesCommand)[0]!.args[0].input.TagSpecifications!;
    const project = specs.map((spec) => spec.Tags!.filter((t) => t.Key!.toLowerCase() === 'mastermind:project'));
    expect(project).toStrictEqual([[{ Key: 'mastermind:project', Value: 'web' }], [{ Key: 'mastermind:project', Value: 'web' }]]);
    expect(specs[0]!.Tags!.map((t) => t.Key)).toStrictEqual(['role', 'mastermind:project', 'mastermind:task', 'mastermind:execution', 'mastermind:henchman']);
  });
});

describe('ec2 launch with an instance profile (iam:PassRole)', () => {
  const input = { imageId: 'ami-1', instanceType: 't3.micro', iamInstanceProfile: 'admin-profile' };

  it('fails before any call when the stack lets no role be passed, naming the prop to set', async () => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();

    // Act
    const result = createEc2Actions(clientFor, []).launch!(input, actionCall('do')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject({
      name: ERROR_NAMES.failed,
      message:
        "launch with instance profile admin-profile: this stack lets the ec2 provider pass no role to instances (iam:PassRole); add its role's ARN to the instanceRoleArns prop of the Mastermind stack (lib/providers.ts) and deploy again",
    });
    expect(ec2.calls()).toStrictEqual([]);
  });

  it('launches without a profile when the stack lets no role be passed', async () => {
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).resolves({ Instances: [instance(OWN, 'pending')] });
    await createEc2Actions(clientFor, []).launch!({ imageId: 'ami-1', instanceType: 't3.micro' }, actionCall('do'));
    expect(ec2.commandCalls(RunInstancesCommand)).toHaveLength(1);
  });

  it.each([
    [
      'says iam:PassRole',
      'You are not authorized to perform this operation. User: arn:aws:sts::123456789012:assumed-role/mastermind-ec2/x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/admin',
      'the stack does not let',
    ],
    ['is encoded', 'You are not authorized to perform this operation. Encoded authorization failure message: AbC123', 'if the cause is that the stack does not let'],
  ])('turns UnauthorizedOperation that %s into a failure naming instanceRoleArns', async (_, message, cause) => {
    // Prepare
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).rejects(ec2Failure('UnauthorizedOperation', message, 403));
    const roles = ['arn:aws:iam::123456789012:role/web-instance'];

    // Act
    const result = createEc2Actions(clientFor, roles).launch!(input, actionCall('do')).catch((e: unknown) => e);

    // Assess
    expect(await result).toMatchObject({
      name: ERROR_NAMES.failed,
      message: `RunInstances failed: UnauthorizedOperation: ${message}; ${cause} the ec2 provider pass the role of instance profile admin-profile (it allows arn:aws:iam::123456789012:role/web-instance): add its role's ARN to the instanceRoleArns prop of the Mastermind stack (lib/providers.ts) and deploy again`,
    });
  });

  it('leaves UnauthorizedOperation as it is when no profile was given', async () => {
    const { ec2, clientFor } = mockedEc2();
    ec2.on(RunInstancesCommand).rejects(ec2Failure('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    expect(await createEc2Actions(clientFor, []).launch!({ imageId: 'ami-1', instanceType: 't3.micro' }, actionCall('do')).catch((e: unknown) => e)).toMatchObject({
      name: ERROR_NAMES.failed,
      message: 'RunInstances failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    });
  });
});

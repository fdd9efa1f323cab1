/**
 * ec2 launch: RunInstances (one instance), then look again every POLL_SECONDS until it is `running`.
 *
 * Input: imageId, instanceType, subnetId, securityGroupIds, keyName, iamInstanceProfile (a name, or an ARN),
 * userData (plain text; sent base64-encoded), tags, region.
 * Output: instanceId, privateIp, publicIp, privateDns, publicDns, availabilityZone, state ('' for what the
 * instance lacks, e.g. publicIp in a private subnet).
 * Poll state: { instanceId, region }.
 *
 * The ClientToken comes from the execution, henchman, attempt and item (client-token.ts): a retried launch finds
 * the instance the first call made; the launch played again after a retreat makes a new one. The instance and its
 * volumes carry the task's tags plus mastermind:project, mastermind:task, mastermind:execution and
 * mastermind:henchman (these four win over a task tag of the same key, in any case: a task cannot launch an
 * instance into another project, see ownership.ts).
 *
 * An instance profile hands the instance a role, which the provider must be allowed to pass (iam:PassRole): the stack
 * allows exactly the roles of its `instanceRoleArns` prop, none by default, and tells the provider which
 * (MASTERMIND_INSTANCE_ROLE_ARNS, comma-separated; unset in local mode, where the caller's own IAM decides).
 *
 * | error                                                        | result                                          |
 * | ------------------------------------------------------------ | ----------------------------------------------- |
 * | InvalidAMIID.*, InvalidSubnetID.*, InvalidKeyPair.NotFound,  | Invalid                                         |
 * | InvalidGroup.NotFound, InvalidParameterValue, ...            |                                                 |
 * | an iamInstanceProfile while the stack allows no role         | Failed, naming instanceRoleArns; nothing called |
 * | UnauthorizedOperation with an iamInstanceProfile             | Failed, naming instanceRoleArns                 |
 * | InsufficientInstanceCapacity, InstanceLimitExceeded,         | Failed, with AWS's message                      |
 * | VcpuLimitExceeded, IdempotentParameterMismatch               |                                                 |
 * | RequestLimitExceeded, 5xx, network errors                    | Transient (the same token: no second instance)  |
 * | InvalidInstanceID.NotFound while waiting                     | look again (EC2 is eventually consistent)       |
 * | terminated / shutting-down while waiting                     | Failed, with the instance's state reason        |
 */
import { RunInstancesCommand, type Instance, type RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { FailedError, InvalidError, type ProviderContext, type ProviderResult } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { launchClientToken } from './client-token.ts';
import type { Ec2ClientFor } from './clients.ts';
import { callEc2, errorCode, hasErrorCode } from './errors.ts';
import { describeAll, instanceFields, regionOf, toTags } from './instances.ts';
import { judgeState, pollAgain, stateWords } from './state-wait.ts';

interface LaunchInput {
  readonly imageId: string;
  readonly instanceType: string;
  readonly subnetId?: string;
  readonly securityGroupIds?: readonly string[];
  readonly keyName?: string;
  readonly iamInstanceProfile?: string;
  readonly userData?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The poll state of a launch. */
export interface LaunchWait {
  readonly instanceId: string;
  readonly region?: string;
}

const OWN_TAGS = ['mastermind:project', 'mastermind:task', 'mastermind:execution', 'mastermind:henchman'];

/** The task's tags with Mastermind's own added: who launched this instance, and in which move. */
export function launchTags(tags: Readonly<Record<string, string>> | undefined, context: ProviderContext) {
  const taskTags = Object.entries(tags ?? {}).filter(([key]) => !OWN_TAGS.includes(key.toLowerCase()));
  return toTags({
    ...Object.fromEntries(taskTags),
    'mastermind:project': context.project,
    'mastermind:task': context.task,
    'mastermind:execution': context.execution,
    'mastermind:henchman': context.henchman,
  });
}

/** The RunInstances request for a launch input. */
export function runInstancesRequest(input: LaunchInput, context: ProviderContext): RunInstancesCommandInput {
  const tags = launchTags(input.tags, context);
  const profile = input.iamInstanceProfile;
  return {
    ImageId: input.imageId,
    InstanceType: input.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ClientToken: launchClientToken(context),
    ...(input.subnetId ? { SubnetId: input.subnetId } : {}),
    ...(input.securityGroupIds?.length ? { SecurityGroupIds: [...input.securityGroupIds] } : {}),
    ...(input.keyName ? { KeyName: input.keyName } : {}),
    ...(profile ? { IamInstanceProfile: profile.startsWith('arn:') ? { Arn: profile } : { Name: profile } } : {}),
    ...(input.userData !== undefined ? { UserData: Buffer.from(input.userData, 'utf8').toString('base64') } : {}),
    TagSpecifications: [
      { ResourceType: 'instance', Tags: tags },
      { ResourceType: 'volume', Tags: tags },
    ],
  };
}

function launchWait(instanceId: string, region: string | undefined): LaunchWait {
  return region ? { instanceId, region } : { instanceId };
}

/** Output when the instance runs, poll while it is pending, Failed when it went away. */
function judgeLaunch(instance: Instance, region: string | undefined): ProviderResult {
  const judgement = judgeState(instance, 'running');
  if (judgement.kind === 'failed') throw new FailedError(`the launched instance ${judgement.reason}`);
  if (judgement.kind === 'waiting') {
    return pollAgain(launchWait(instance.InstanceId!, region), stateWords([instance.InstanceId!], 'running', new Map([[instance.InstanceId!, instance.State?.Name]])));
  }
  return { output: { ...instanceFields(instance) } };
}

function readLaunchWait(poll: unknown): LaunchWait {
  const p = poll as Partial<LaunchWait> | null | undefined;
  if (!p || typeof p !== 'object' || typeof p.instanceId !== 'string' || (p.region !== undefined && typeof p.region !== 'string')) {
    throw new InvalidError('the poll state must be { instanceId, region? } as launch answered it');
  }
  return p as LaunchWait;
}

/**
 * The roles the stack lets launch hand to instances (MASTERMIND_INSTANCE_ROLE_ARNS): none for '', undefined when the
 * variable is not set (local mode).
 */
export function instanceRolesFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] | undefined {
  const text = env.MASTERMIND_INSTANCE_ROLE_ARNS;
  if (text === undefined) return undefined;
  return text.split(',').map((arn) => arn.trim()).filter((arn) => arn.length > 0);
}

const ROLES_PROP = 'add its role\'s ARN to the instanceRoleArns prop of the Mastermind stack (lib/providers.ts) and deploy again';

/** Refuses an instance profile before any call when the stack allows no role at all. */
function checkProfileAllowed(profile: string | undefined, roles: readonly string[] | undefined): void {
  if (profile && roles !== undefined && roles.length === 0) {
    throw new FailedError(`launch with instance profile ${profile}: this stack lets the ec2 provider pass no role to instances (iam:PassRole); ${ROLES_PROP}`);
  }
}

/** RunInstances refused for want of a permission while an instance profile was given: most likely iam:PassRole on its role. */
function passRoleFailure(error: unknown, profile: string | undefined, roles: readonly string[] | undefined): unknown {
  if (!profile || errorCode(error) !== 'UnauthorizedOperation') return error;
  const allowed = roles === undefined ? '' : ` (it allows ${roles.join(', ')})`;
  const cause = /iam:PassRole/i.test((error as Error).message) ? 'the stack does not let' : 'if the cause is that the stack does not let';
  return new FailedError(
    `${(error as Error).message}; ${cause} the ec2 provider pass the role of instance profile ${profile}${allowed}: ${ROLES_PROP}`,
    { cause: error },
  );
}

export function launchAction(clientFor: Ec2ClientFor, instanceRoles: readonly string[] | undefined = instanceRolesFromEnv()): Action {
  return async (input, call) => {
    if (call.phase === 'poll') {
      const wait = readLaunchWait(call.poll);
      const client = clientFor(wait.region);
      let instances: Instance[];
      try {
        instances = await describeAll(client, { InstanceIds: [wait.instanceId] });
      } catch (error) {
        // Right after RunInstances, DescribeInstances may not know the new instance yet.
        if (hasErrorCode(error, 'InvalidInstanceID.NotFound')) return pollAgain(wait, stateWords([wait.instanceId], 'running', new Map()));
        throw error;
      }
      const instance = instances.find((i) => i.InstanceId === wait.instanceId);
      return instance ? judgeLaunch(instance, wait.region) : pollAgain(wait, stateWords([wait.instanceId], 'running', new Map()));
    }
    const region = regionOf(input);
    const launch = input as unknown as LaunchInput;
    checkProfileAllowed(launch.iamInstanceProfile, instanceRoles);
    const request = runInstancesRequest(launch, call.context);
    let answer;
    try {
      answer = await callEc2('RunInstances', () => clientFor(region).send(new RunInstancesCommand(request)));
    } catch (error) {
      throw passRoleFailure(error, launch.iamInstanceProfile, instanceRoles);
    }
    const instance = answer.Instances?.[0];
    if (!instance?.InstanceId) throw new FailedError('RunInstances answered without an instance');
    call.logger.info('instance launched', { instanceId: instance.InstanceId, clientToken: request.ClientToken });
    return judgeLaunch(instance, region);
  };
}

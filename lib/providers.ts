/**
 * The three provider Lambdas (../shared/DESIGN.md "Provider contract"): ec2, ssh and chef. Each may read
 * the secrets under one SSM parameter path; ec2 may act only on instances that carry the
 * `mastermind:project` tag (launch adds it to every instance it makes).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LambdaName } from './bundling.ts';
import { MastermindFunction } from './function.ts';

/** The tag every instance launched by Mastermind carries; the ec2 provider may touch no other instance. */
export const PROJECT_TAG = 'mastermind:project';

/**
 * The default SSM parameter path of the secrets tasks reference: a task of project P names `<secretsPath>P/...`
 * (`${secret:/mastermind/web/ssh-key}`) or the shared path (lambdas/task/secret-layout.ts).
 */
export const DEFAULT_SECRETS_PATH = '/mastermind/';

/** The shared secrets' path below a secrets path: `_shared` is never a project name ([a-z0-9-]). */
export const SHARED_SECRETS_DIRECTORY = '_shared';

export interface ProvidersProps {
  /**
   * SSM parameter path under which each project's secrets lie, one path per project (`<secretsPath><project>/`); the
   * providers may read secrets only there and under `sharedSecretsPath`. @default '/mastermind/'
   */
  readonly secretsPath?: string;
  /** SSM parameter path of the secrets every project may name. @default `<secretsPath>_shared/` */
  readonly sharedSecretsPath?: string;
  /**
   * Roles the ec2 provider may hand to instances it launches (launch's `iamInstanceProfile`: the role of that
   * profile must be listed), passed to ec2.amazonaws.com only. A launch with any other profile fails and names this
   * prop. @default none: launch cannot give an instance a role
   */
  readonly instanceRoleArns?: string[];
  /**
   * Run the ssh and chef providers in this VPC, so they reach private hosts. The ec2 provider stays outside: it talks
   * only to the EC2 API. @default not in a VPC
   */
  readonly vpc?: IVpc;
  /** With `vpc`: the subnets. @default the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  /** With `vpc`: the security groups. @default one new group per function allowing all outbound traffic */
  readonly securityGroups?: ISecurityGroup[];
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: string;
}

/** The SSM parameter ARN pattern of a path: "/mastermind/" → `parameter/mastermind/*`. */
/** A path with a slash at both ends: "ops/mastermind" → "/ops/mastermind/" (what the Lambdas read). */
export function slashed(path: string): string {
  return `/${path.replace(/^\/+|\/+$/g, '')}/`;
}

export function secretsParameterArn(stack: Stack, secretsPath: string): string {
  const path = secretsPath.replace(/^\/+|\/+$/g, '');
  if (path === '') throw new Error('secretsPath must name a path below the root, e.g. "/mastermind/"');
  return stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${path}/*` });
}

export class Providers extends Construct {
  readonly ec2: MastermindFunction;
  readonly ssh: MastermindFunction;
  readonly chef: MastermindFunction;
  /** Where the secrets lie, as every Lambda that checks secret names reads it (lambdas/task/secret-layout.ts). */
  readonly secretsEnvironment: { MASTERMIND_SECRETS_PATH: string; MASTERMIND_SHARED_SECRETS_PATH: string };

  constructor(scope: Construct, id: string, props: ProvidersProps = {}) {
    super(scope, id);
    const secretsPath = slashed(props.secretsPath ?? DEFAULT_SECRETS_PATH);
    const sharedSecretsPath = slashed(props.sharedSecretsPath ?? `${secretsPath}${SHARED_SECRETS_DIRECTORY}/`);
    this.secretsEnvironment = { MASTERMIND_SECRETS_PATH: secretsPath, MASTERMIND_SHARED_SECRETS_PATH: sharedSecretsPath };
    const ids = { ec2: 'Ec2', ssh: 'Ssh', chef: 'Chef' } as const;
    const provider = (name: keyof typeof ids, description: string, timeout: Duration, memorySize: number, inVpc: boolean) =>
      new MastermindFunction(this, ids[name], {
        lambda: `provider-${name}` satisfies LambdaName,
        description,
        timeout,
        memorySize,
        logRetention: props.logRetention,
        logLevel: props.logLevel,
        ...(inVpc ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups } : {}),
        environment: this.secretsEnvironment,
      });

    // ec2 answers "ask me again" while instances change state, so no call waits long. It reaches only the EC2 API,
    // so it stays out of the VPC (no NAT or endpoint needed for it).
    this.ec2 = provider('ec2', 'Mastermind provider: EC2 instances', Duration.minutes(1), 512, false);
    // Commands and Chef runs take as long as they take: Lambda's maximum; ssh2's pure-JS crypto likes CPU.
    this.ssh = provider('ssh', 'Mastermind provider: commands over SSH', Duration.minutes(15), 1024, true);
    this.chef = provider('chef', 'Mastermind provider: Chef server and bootstrap over SSH', Duration.minutes(15), 1024, true);

    const stack = Stack.of(this);
    for (const fn of this.all) this.grantSecrets(fn, stack, secretsPath, sharedSecretsPath);
    this.grantEc2(stack, props.instanceRoleArns);
  }

  get all(): readonly MastermindFunction[] {
    return [this.ec2, this.ssh, this.chef];
  }

  private grantSecrets(fn: MastermindFunction, stack: Stack, secretsPath: string, sharedSecretsPath: string): void {
    // The shared path needs a grant of its own only when it lies outside the secrets path.
    const paths = sharedSecretsPath.startsWith(secretsPath) ? [secretsPath] : [secretsPath, sharedSecretsPath];
    const resources = paths.map((path) => secretsParameterArn(stack, path));
    fn.addPolicy(
      'Secrets',
      [
        new PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:GetParameters'], resources }),
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
        }),
      ],
      `Secrets are SSM SecureStrings under ${paths.join(' and ')} (a project's under ${secretsPath}<project>/, checked by the provider against the move's project); kms:Decrypt only through SSM, on whichever key encrypts them.`,
    );
  }

  private grantEc2(stack: Stack, instanceRoleArns: string[] | undefined): void {
    // A task picks its region (launch's `region`), so EC2 resources are matched in every region.
    const ec2Arn = (resource: string, account = stack.account) =>
      stack.formatArn({ service: 'ec2', region: '*', account, resource, resourceName: '*' });
    // One role serves every project, so IAM can only insist that the project tag is there; that it names the move's
    // own project is checked by the provider before every change (lambdas/providers/ec2/ownership.ts).
    const tagged = { Null: { [`aws:ResourceTag/${PROJECT_TAG}`]: 'false' } };
    const statements = [
      new PolicyStatement({
        sid: 'Describe',
        actions: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'ec2:DescribeAddresses', 'ec2:DescribeTags'],
        resources: ['*'],
      }),
      new PolicyStatement({
        sid: 'LaunchTaggedInstances',
        actions: ['ec2:RunInstances'],
        resources: [ec2Arn('instance')],
        conditions: { Null: { [`aws:RequestTag/${PROJECT_TAG}`]: 'false' } },
      }),
      new PolicyStatement({
        sid: 'LaunchWith',
        actions: ['ec2:RunInstances'],
        resources: [
          ec2Arn('image', ''),
          ec2Arn('subnet'),
          ec2Arn('security-group'),
          ec2Arn('network-interface'),
          ec2Arn('volume'),
          ec2Arn('key-pair'),
        ],
      }),
      new PolicyStatement({
        sid: 'TagOnLaunch',
        actions: ['ec2:CreateTags'],
        resources: [ec2Arn('instance'), ec2Arn('volume'), ec2Arn('network-interface')],
        conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' }, Null: { [`aws:RequestTag/${PROJECT_TAG}`]: 'false' } },
      }),
      new PolicyStatement({
        sid: 'ActOnTaggedInstances',
        actions: [
          'ec2:StartInstances',
          'ec2:StopInstances',
          'ec2:RebootInstances',
          'ec2:TerminateInstances',
          'ec2:AssociateAddress',
          'ec2:DisassociateAddress',
        ],
        resources: [ec2Arn('instance')],
        conditions: tagged,
      }),
      new PolicyStatement({
        // The tag action, on tagged instances, never on the project tag itself: only launch sets it.
        sid: 'TagTaggedInstances',
        actions: ['ec2:CreateTags'],
        resources: [ec2Arn('instance')],
        conditions: { ...tagged, 'ForAllValues:StringNotEqualsIgnoreCase': { 'aws:TagKeys': [PROJECT_TAG] } },
      }),
      new PolicyStatement({
        sid: 'Addresses',
        actions: ['ec2:AssociateAddress', 'ec2:DisassociateAddress'],
        resources: [ec2Arn('elastic-ip'), ec2Arn('network-interface')],
      }),
    ];
    const roles = instanceRoleArns ?? [];
    if (roles.length > 0) {
      statements.push(
        new PolicyStatement({
          sid: 'PassInstanceRole',
          actions: ['iam:PassRole'],
          resources: roles,
          conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        }),
      );
    }
    // launch refuses an instance profile at once when no role may be passed, and names the prop when one is refused.
    this.ec2.lambda.addEnvironment('MASTERMIND_INSTANCE_ROLE_ARNS', roles.join(','));
    this.ec2.addPolicy(
      'Instances',
      statements,
      'Describe* take no resource-level permissions; instances are limited by the mastermind:project tag, the other launch resources (AMI, subnet, groups, volumes, key pair, addresses) are the task\'s choice in any region; instance roles (only those listed) go to EC2 only.',
    );
  }
}

/**
 * One Mastermind Lambda with the defaults every function of the service shares: Node.js 22 on arm64,
 * X-Ray tracing, a log group of its own with retention, an execution role that may write only to that
 * log group, and the esbuild bundle described in ./bundling.ts.
 */
import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { LAMBDA_BUNDLING, PROJECT_ROOT, entryPath, type LambdaName } from './bundling.ts';
import { acknowledge, acknowledgeWildcards } from './nag.ts';

export interface MastermindFunctionProps {
  /** Which Lambda of the service this is; picks its entry file from LAMBDA_ENTRIES. */
  readonly lambda: LambdaName;
  readonly description: string;
  /** POWERTOOLS_SERVICE_NAME. @default `mastermind-<lambda>` */
  readonly serviceName?: string;
  /** POWERTOOLS_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: string;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** How long the function's log group keeps its logs. @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Environment beyond the POWERTOOLS_* variables. @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Run the function in this VPC (hosts it must reach are private). @default not in a VPC */
  readonly vpc?: IVpc;
  /** With `vpc`: the subnets. @default the VPC's private subnets */
  readonly vpcSubnets?: SubnetSelection;
  /** With `vpc`: the security groups. @default one new group allowing all outbound traffic */
  readonly securityGroups?: ISecurityGroup[];
  /** Where asynchronous invocations that failed every attempt go. @default none */
  readonly deadLetterQueue?: IQueue;
  /** Retries of a failed asynchronous invocation. @default 2 (Lambda's own default) */
  readonly retryAttempts?: number;
}

export class MastermindFunction extends Construct {
  readonly lambda: NodejsFunction;
  /** The execution role; grants go here (or through `lambda`, which is its grant principal). */
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: MastermindFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
    // An own role instead of the one Lambda would create with the AWS managed AWSLambdaBasicExecutionRole
    // (logs on every log group of the account): this one writes to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Mastermind ${props.lambda} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.lambda = new NodejsFunction(this, 'Function', {
      entry: entryPath(props.lambda),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? `mastermind-${props.lambda}`,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        // The bundles ship source maps: stack traces in the logs name the TypeScript files and lines.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      vpc: props.vpc,
      vpcSubnets: props.vpc ? props.vpcSubnets : undefined,
      securityGroups: props.vpc ? props.securityGroups : undefined,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      bundling: {
        target: LAMBDA_BUNDLING.target,
        format: OutputFormat.ESM,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        loader: { ...LAMBDA_BUNDLING.loader },
        bundleAwsSDK: LAMBDA_BUNDLING.bundleAwsSDK,
      },
    });

    // Lambda's tracing adds xray:PutTraceSegments/PutTelemetryRecords on "*" to the role's default policy.
    acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords take no resource-level permissions.');
    acknowledge(this.lambda, 'AwsSolutions-L1', 'Node.js 22 is the runtime the bundles target (esbuild node22) and the service is tested on.');

    if (props.vpc) {
      // What AWSLambdaVPCAccessExecutionRole grants, which Lambda would attach to a role it created itself.
      this.addPolicy(
        'VpcAccess',
        [
          new PolicyStatement({
            actions: [
              'ec2:CreateNetworkInterface',
              'ec2:DescribeNetworkInterfaces',
              'ec2:DescribeSubnets',
              'ec2:DeleteNetworkInterface',
              'ec2:AssignPrivateIpAddresses',
              'ec2:UnassignPrivateIpAddresses',
            ],
            resources: ['*'],
          }),
        ],
        'Lambda manages the network interfaces of a VPC function itself; these EC2 calls take no resource-level permissions.',
      );
    }
  }

  get functionArn(): string {
    return this.lambda.functionArn;
  }

  /**
   * Attaches statements to the role as an inline policy of their own, in place before the function is
   * (Lambda checks a VPC function's network permissions when it is created). Statements that need
   * wildcards say why in `wildcardReason`: it acknowledges cdk-nag's AwsSolutions-IAM5 for exactly those
   * wildcards, on this policy only.
   */
  addPolicy(id: string, statements: PolicyStatement[], wildcardReason?: string): Policy {
    const policy = new Policy(this, id, { statements });
    this.role.attachInlinePolicy(policy);
    this.lambda.node.addDependency(policy);
    if (wildcardReason) acknowledgeWildcards(policy, statements, wildcardReason);
    return policy;
  }
}

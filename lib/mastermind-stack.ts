/**
 * The Mastermind service in one stack: the store, the provider Lambdas, the role and log group of every
 * task's state machine, the HTTPS API with its Lambda, and the alarm triggers.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Api, type ProjectGrantOptions, type Throttle } from './api.ts';
import { MastermindFunction } from './function.ts';
import { importNetwork, type NetworkIds } from './network.ts';
import { Providers, type ProvidersProps } from './providers.ts';
import { StateMachineRole, statesPrefixOf } from './state-machine-role.ts';
import { Store } from './store.ts';
import { Triggers } from './triggers.ts';

/**
 * The stack's props: the providers' own (secretsPath, sharedSecretsPath, instanceRoleArns, vpc, vpcSubnets, securityGroups,
 * logRetention and logLevel, which here apply to every Lambda), and these.
 */
export interface MastermindStackProps extends StackProps, ProvidersProps {
  /**
   * First part of every task state machine's name. Two stacks in one account and region need different prefixes.
   * @default the stack name in lower case ('mastermind' for the stack "Mastermind")
   */
  readonly stateMachinePrefix?: string;
  /**
   * Run the ssh and chef providers in existing subnets named by id (the app's `-c vpcId=... -c subnetIds=...
   * -c securityGroupIds=...`); the same as `vpc`, `vpcSubnets` and `securityGroups`, which it must not be given with.
   * @default not in a VPC
   */
  readonly network?: NetworkIds;
  /** Retention of the execution and API access logs. @default RetentionDays.THREE_MONTHS */
  readonly auditLogRetention?: RetentionDays;
  /** API stage throttling. @default { rateLimit: 50, burstLimit: 100 } */
  readonly apiThrottle?: Throttle;
  /** Throttling of `POST /hooks/{token}`. @default { rateLimit: 5, burstLimit: 10 } */
  readonly hookThrottle?: Throttle;
  /** Create the account's API Gateway CloudWatch role (off when the account has one). @default true */
  readonly apiGatewayCloudWatchRole?: boolean;
}

export class MastermindStack extends Stack {
  readonly store: Store;
  readonly providers: Providers;
  readonly stateMachineRole: StateMachineRole;
  readonly apiFunction: MastermindFunction;
  readonly api: Api;
  readonly triggers: Triggers;

  constructor(scope: Construct, id: string, props: MastermindStackProps = {}) {
    super(scope, id, { description: 'Mastermind: serverless orchestration of infrastructure procedures', ...props });
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const auditLogRetention = props.auditLogRetention ?? RetentionDays.THREE_MONTHS;
    const logLevel = props.logLevel;

    if (props.network && (props.vpc || props.vpcSubnets || props.securityGroups)) {
      throw new Error('Give the providers\' network either as `network` (ids) or as `vpc`, `vpcSubnets` and `securityGroups`, not both.');
    }
    const network = props.network ? importNetwork(this, props.network) : {};

    this.store = new Store(this, 'Store');
    this.providers = new Providers(this, 'Providers', { ...props, ...network, logRetention, logLevel });
    // The providers look up cancel requests before every do and poll, and read nothing else of the store.
    for (const fn of this.providers.all) this.store.grantCancelRead(fn);
    this.stateMachineRole = new StateMachineRole(this, 'StateMachines', {
      providers: this.providers.all.map((fn) => fn.lambda),
      prefix: props.stateMachinePrefix ?? statesPrefixOf(this.stackName),
      logRetention: auditLogRetention,
    });

    // What the API and trigger Lambdas read (lambdas/service/config.ts).
    const environment = {
      MASTERMIND_TABLE: this.store.table.tableName,
      MASTERMIND_STATE_MACHINE_ROLE_ARN: this.stateMachineRole.role.roleArn,
      MASTERMIND_EXECUTION_LOG_GROUP_ARN: this.stateMachineRole.executionLogGroup.logGroupArn,
      MASTERMIND_PROVIDER_EC2_ARN: this.providers.ec2.functionArn,
      MASTERMIND_PROVIDER_SSH_ARN: this.providers.ssh.functionArn,
      MASTERMIND_PROVIDER_CHEF_ARN: this.providers.chef.functionArn,
      MASTERMIND_STATE_MACHINE_PREFIX: this.stateMachineRole.prefix,
      ...this.providers.secretsEnvironment,
    };

    this.apiFunction = new MastermindFunction(this, 'ApiFunction', {
      lambda: 'api',
      description: 'Mastermind API: projects, tasks, executions, hooks',
      timeout: Duration.seconds(29), // API Gateway's integration timeout
      memorySize: 1024, // compiles and validates tasks at save time
      environment,
      logRetention,
      logLevel,
    });
    this.store.grantReadWrite(this.apiFunction.lambda);
    this.stateMachineRole.grantManage(this.apiFunction);

    this.api = new Api(this, 'Api', {
      handler: this.apiFunction.lambda,
      throttle: props.apiThrottle,
      hookThrottle: props.hookThrottle,
      logRetention: auditLogRetention,
      cloudWatchRole: props.apiGatewayCloudWatchRole,
    });

    this.triggers = new Triggers(this, 'Triggers', { environment, logRetention, logLevel });
    this.store.grantRead(this.triggers.function.lambda);
    this.stateMachineRole.grantStartExecution(this.triggers.function);

    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the Mastermind API', value: this.api.url });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'SNS topic for CloudWatch alarm actions', value: this.triggers.alarmTopic.topicArn });
    new CfnOutput(this, 'TableName', { description: 'The Mastermind store', value: this.store.table.tableName });
  }

  /** Lets a principal call one project's routes of the API (all methods, or GET only): see {@link Api.grantProject}. */
  grantProject(grantee: IGrantable, project: string, options?: ProjectGrantOptions): Grant {
    return this.api.grantProject(grantee, project, options);
  }
}

/**
 * What Mastermind's state machines are allowed, and who may manage them.
 *
 * Every task compiles to one state machine named `<prefix>-...` (../shared/DESIGN.md "State machines"),
 * created at save time by the API Lambda. They all run as the one role made here: it may invoke the
 * provider Lambdas, start executions of Mastermind's own state machines (the hand-over of a task played as a chain of
 * executions) and nothing else, send traces to X-Ray and deliver logs to the execution log group.
 */
import { ArnFormat, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { MastermindFunction } from './function.ts';
import { acknowledgeWildcards } from './nag.ts';

/** The default first part of every state machine name (MASTERMIND_STATE_MACHINE_PREFIX). */
export const DEFAULT_STATE_MACHINE_PREFIX = 'mastermind';

/** The longest prefix: state machine names (`<prefix>-<project>_<task>`) have at most 80 characters. */
export const MAX_STATE_MACHINE_PREFIX = 24;

/**
 * The state machine prefix a stack gets by default: its name in lower case, every character outside [a-z0-9-]
 * made a dash ("Mastermind" → "mastermind", "Mastermind-Staging" → "mastermind-staging"), so two stacks in one
 * account and region never share state machines.
 */
export function statesPrefixOf(stackName: string): string {
  if (Token.isUnresolved(stackName)) return DEFAULT_STATE_MACHINE_PREFIX;
  const prefix = stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  if (prefix === '' || prefix.length > MAX_STATE_MACHINE_PREFIX) {
    throw new Error(
      `The stack name "${stackName}" gives no usable state machine prefix (at most ${MAX_STATE_MACHINE_PREFIX} characters of [a-z0-9-]): set stateMachinePrefix.`,
    );
  }
  return prefix;
}

/**
 * Setting up a state machine's CloudWatch Logs destination (vended logs): none of these actions takes
 * resource-level permissions. The role needs them, and so does whoever creates or updates the machine.
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

const LOG_DELIVERY_REASON = 'the CloudWatch Logs delivery actions of state machine logging take no resource-level permissions.';

export interface StateMachineRoleProps {
  /** The provider Lambdas the state machines call. */
  readonly providers: readonly IFunction[];
  /** First part of every state machine name. @default 'mastermind' */
  readonly prefix?: string;
  /** How long execution logs are kept. @default RetentionDays.THREE_MONTHS */
  readonly logRetention?: RetentionDays;
}

export class StateMachineRole extends Construct {
  readonly role: Role;
  /** The log group every state machine logs its executions to. */
  readonly executionLogGroup: LogGroup;
  readonly prefix: string;
  /** `arn:...:stateMachine:<prefix>-*`: the state machines and their versions. */
  readonly stateMachinesArn: string;
  /** `arn:...:execution:<prefix>-*:*`: their executions. */
  readonly executionsArn: string;

  constructor(scope: Construct, id: string, props: StateMachineRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.prefix = props.prefix ?? DEFAULT_STATE_MACHINE_PREFIX;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(this.prefix) || this.prefix.length > MAX_STATE_MACHINE_PREFIX) {
      throw new Error(`stateMachinePrefix "${this.prefix}" must be 1 to ${MAX_STATE_MACHINE_PREFIX} characters of [a-z0-9-], starting with a letter or digit.`);
    }
    this.stateMachinesArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${this.prefix}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.executionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${this.prefix}-*:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    // Vended-logs log groups live under /aws/vendedlogs/ so their resource policy stays small. The group is retained
    // when the stack is destroyed (the executions' audit trail), so its name ends with the stack's own id (the UUID
    // of AWS::StackId): a redeploy after destroy, or a second stack, makes a group of its own instead of failing
    // on "already exists".
    const stackUuid = Fn.select(2, Fn.split('/', stack.stackId));
    this.executionLogGroup = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `/aws/vendedlogs/states/${this.prefix}-executions-${stackUuid}`,
      retention: props.logRetention ?? RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Only Step Functions, for Mastermind's own state machines in this account (no confused deputy).
    this.role = new Role(this, 'Role', {
      description: `Role of every Mastermind task state machine (${this.prefix}-*)`,
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': this.stateMachinesArn },
        },
      }),
    });
    const invoke = new PolicyStatement({
      sid: 'InvokeProviders',
      actions: ['lambda:InvokeFunction'],
      resources: props.providers.flatMap((fn) => [fn.functionArn, `${fn.functionArn}:*`]),
    });
    const tracing = new PolicyStatement({
      sid: 'Tracing',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      resources: ['*'],
    });
    const logDelivery = new PolicyStatement({ sid: 'LogDelivery', actions: LOG_DELIVERY_ACTIONS, resources: ['*'] });
    // A task played as a chain of executions hands over to a new execution of its own state machine
    // (lambdas/task/compiler/handover.ts). StartExecution takes the unqualified state machine ARN as its resource, for
    // a version too (Step Functions' IAM for versions and aliases): `<prefix>-*` covers them.
    const handOver = new PolicyStatement({ sid: 'HandOver', actions: ['states:StartExecution'], resources: [this.stateMachinesArn] });
    for (const statement of [invoke, tracing, logDelivery, handOver]) this.role.addToPolicy(statement);
    acknowledgeWildcards(
      this.role,
      [invoke, tracing, logDelivery, handOver],
      `"<provider ARN>:*" are the provider functions' own versions and aliases; "${this.prefix}-*" are Mastermind's own state machines (a task hands over to a new execution of itself); X-Ray and ${LOG_DELIVERY_REASON}`,
    );
  }

  /**
   * Start and list executions of Mastermind's state machines (the trigger function), and describe an
   * execution a redelivered alarm had already started (its name is taken: StartExecution answers
   * ExecutionAlreadyExists and the trigger reads the execution it names).
   */
  grantStartExecution(fn: MastermindFunction): void {
    fn.addPolicy(
      'StartExecutions',
      [
        new PolicyStatement({ actions: ['states:StartExecution', 'states:ListExecutions'], resources: [this.stateMachinesArn] }),
        new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [this.executionsArn] }),
      ],
      `Tasks' state machines and executions are created at run time, all named ${this.prefix}-*; the wildcard stops at that prefix.`,
    );
  }

  /**
   * Everything the API function does with state machines: their life cycle (validated, created, updated,
   * published as versions, tagged, versions and machines deleted), executions, and handing them this role.
   */
  grantManage(fn: MastermindFunction): void {
    fn.addPolicy(
      'StateMachines',
      [
        new PolicyStatement({
          sid: 'Lifecycle',
          actions: [
            'states:CreateStateMachine',
            'states:UpdateStateMachine',
            'states:DeleteStateMachine',
            'states:PublishStateMachineVersion',
            'states:DeleteStateMachineVersion',
            'states:TagResource',
            'states:DescribeStateMachine',
            'states:ListStateMachineVersions',
            'states:StartExecution',
            'states:ListExecutions',
          ],
          resources: [this.stateMachinesArn],
        }),
        new PolicyStatement({
          sid: 'Executions',
          actions: ['states:DescribeExecution', 'states:StopExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
          resources: [this.executionsArn],
        }),
      ],
      `Tasks' state machines and their executions are created at run time, all named ${this.prefix}-*; the wildcard stops at that prefix.`,
    );
    fn.addPolicy(
      'ValidateDefinitions',
      [new PolicyStatement({ actions: ['states:ValidateStateMachineDefinition'], resources: ['*'] })],
      'ValidateStateMachineDefinition checks a definition alone, names no state machine, and has no resource type in the Service Authorization Reference.',
    );
    fn.addPolicy(
      'LogDelivery',
      [new PolicyStatement({ actions: LOG_DELIVERY_ACTIONS, resources: ['*'] })],
      `Creating a state machine with logging on: ${LOG_DELIVERY_REASON}`,
    );
    fn.addPolicy('PassStateMachineRole', [
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
      }),
    ]);
  }
}

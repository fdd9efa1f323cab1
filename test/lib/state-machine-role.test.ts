import { describe, expect, it } from 'vitest';
import { statesPrefixOf } from '../../lib/state-machine-role.ts';
import { ACCOUNT, REGION, arn, policyStatements, synth } from './synth.ts';

const stateMachines = arn(`:states:${REGION}:${ACCOUNT}:stateMachine:mastermind-*`);
const executions = arn(`:states:${REGION}:${ACCOUNT}:execution:mastermind-*:*`);
const logDelivery = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

describe('StateMachineRole', () => {
  const { stack, template } = synth();
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const fnArn = (construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });

  it('may be assumed by Step Functions for Mastermind state machines of this account only', () => {
    expect(template.toJSON().Resources[id(stack.stateMachineRole.role)].Properties.AssumeRolePolicyDocument).toStrictEqual({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': stateMachines } },
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
        },
      ],
      Version: '2012-10-17',
    });
  });

  it('may invoke the three providers, start executions of Mastermind state machines (a hand-over), and nothing else, trace, and deliver logs', () => {
    const providers = stack.providers.all.map((fn) => fn.lambda);
    expect(policyStatements(template, stack, 'StateMachines/Role/DefaultPolicy')).toStrictEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: providers.flatMap((fn) => [fnArn(fn), { 'Fn::Join': ['', [fnArn(fn), ':*']] }]),
        Sid: 'InvokeProviders',
      },
      {
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        Effect: 'Allow',
        Resource: '*',
        Sid: 'Tracing',
      },
      { Action: logDelivery, Effect: 'Allow', Resource: '*', Sid: 'LogDelivery' },
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: stateMachines, Sid: 'HandOver' },
    ]);
  });

  it('comes with a vended-logs group for executions, kept three months, named after the stack\'s own id', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: {
          'Fn::Join': ['', ['/aws/vendedlogs/states/mastermind-executions-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
        },
        RetentionInDays: 90,
      },
      DeletionPolicy: 'Retain',
    });
  });

  it.each([
    ['Mastermind', 'mastermind'],
    ['Mastermind-Staging', 'mastermind-staging'],
    ['Ops2', 'ops2'],
  ])('takes the state machine prefix of stack %s from its name: %s', (stackName, prefix) => {
    expect(statesPrefixOf(stackName)).toBe(prefix);
  });

  it('refuses a stack name too long for a prefix, naming the prop to set', () => {
    expect(() => statesPrefixOf('Mastermind-Staging-Eu-West-1-Blue')).toThrow(
      'The stack name "Mastermind-Staging-Eu-West-1-Blue" gives no usable state machine prefix (at most 24 characters of [a-z0-9-]): set stateMachinePrefix.',
    );
  });

  it('refuses a prefix that is no part of a state machine name', () => {
    expect(() => synth({ stateMachinePrefix: 'Ops_1' })).toThrow(
      'stateMachinePrefix "Ops_1" must be 1 to 24 characters of [a-z0-9-], starting with a letter or digit.',
    );
  });

  it('lets the API function manage mastermind-* state machines and their executions', () => {
    expect(policyStatements(template, stack, 'ApiFunction/StateMachines')).toStrictEqual([
      {
        Action: [
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
        Effect: 'Allow',
        Resource: stateMachines,
        Sid: 'Lifecycle',
      },
      {
        Action: ['states:DescribeExecution', 'states:StopExecution', 'states:GetExecutionHistory', 'states:RedriveExecution'],
        Effect: 'Allow',
        Resource: executions,
        Sid: 'Executions',
      },
    ]);
    expect(policyStatements(template, stack, 'ApiFunction/ValidateDefinitions')).toStrictEqual([
      { Action: 'states:ValidateStateMachineDefinition', Effect: 'Allow', Resource: '*' },
    ]);
    expect(policyStatements(template, stack, 'ApiFunction/LogDelivery')).toStrictEqual([{ Action: logDelivery, Effect: 'Allow', Resource: '*' }]);
  });

  it('lets the API function pass the state machine role, to Step Functions only', () => {
    expect(policyStatements(template, stack, 'ApiFunction/PassStateMachineRole')).toStrictEqual([
      {
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
        Effect: 'Allow',
        Resource: fnArn(stack.stateMachineRole.role),
      },
    ]);
  });

  it('lets the trigger function only start, list and describe executions', () => {
    expect(policyStatements(template, stack, 'Triggers/Trigger/StartExecutions')).toStrictEqual([
      { Action: ['states:StartExecution', 'states:ListExecutions'], Effect: 'Allow', Resource: stateMachines },
      { Action: 'states:DescribeExecution', Effect: 'Allow', Resource: executions },
    ]);
  });

  it('follows a different state machine prefix everywhere', () => {
    const custom = synth({ stateMachinePrefix: 'ops' });

    expect(policyStatements(custom.template, custom.stack, 'Triggers/Trigger/StartExecutions')).toStrictEqual([
      { Action: ['states:StartExecution', 'states:ListExecutions'], Effect: 'Allow', Resource: arn(`:states:${REGION}:${ACCOUNT}:stateMachine:ops-*`) },
      { Action: 'states:DescribeExecution', Effect: 'Allow', Resource: arn(`:states:${REGION}:${ACCOUNT}:execution:ops-*:*`) },
    ]);
    custom.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/vendedlogs/states/ops-executions-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
    });
  });
});

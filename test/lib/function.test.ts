import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { policyStatements, synth, synthInVpc } from './synth.ts';

describe('MastermindFunction', () => {
  const { stack, template } = synth();
  const functions = [
    stack.providers.ec2,
    stack.providers.ssh,
    stack.providers.chef,
    stack.apiFunction,
    stack.triggers.function,
  ];
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

  it.each(functions.map((fn) => [fn.node.path, fn] as const))('%s runs Node.js 22 on arm64, traced, logging to its own log group', (_path, fn) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      Role: { 'Fn::GetAtt': [id(fn.role), 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: id(fn.logGroup) } },
    });
  });

  it('keeps every Lambda log group for a month by default', () => {
    for (const fn of functions) {
      expect(template.toJSON().Resources[id(fn.logGroup)].Properties).toStrictEqual({ RetentionInDays: 30 });
    }
  });

  it('gives each role write access to its own log group only, and no managed policy', () => {
    for (const fn of functions) {
      expect(template.toJSON().Resources[id(fn.role)].Properties.ManagedPolicyArns).toBeUndefined();
      expect(policyStatements(template, stack, `${fn.node.path.split('/').slice(1).join('/')}/Role/DefaultPolicy`)[0]).toStrictEqual({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [id(fn.logGroup), 'Arn'] },
      });
    }
  });

  it('sets each function\'s timeout and memory for its work', () => {
    const settings = Object.fromEntries(
      functions.map((fn) => {
        const props = template.toJSON().Resources[id(fn.lambda)].Properties;
        return [fn.node.id, { Timeout: props.Timeout, MemorySize: props.MemorySize }];
      }),
    );
    expect(settings).toStrictEqual({
      Ec2: { Timeout: 60, MemorySize: 512 },
      Ssh: { Timeout: 900, MemorySize: 1024 },
      Chef: { Timeout: 900, MemorySize: 1024 },
      ApiFunction: { Timeout: 29, MemorySize: 1024 },
      Trigger: { Timeout: 60, MemorySize: 512 },
    });
  });
});

describe('MastermindFunction in a VPC', () => {
  it('runs ssh and chef in the given subnets, with network interface permissions; ec2 and the service functions stay outside', () => {
    // Act
    const { stack, template } = synthInVpc();

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Mastermind provider: commands over SSH',
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: Match.anyValue() },
    });
    expect(policyStatements(template, stack, 'Providers/Ssh/VpcAccess')).toStrictEqual([
      {
        Action: [
          'ec2:CreateNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses',
          'ec2:UnassignPrivateIpAddresses',
        ],
        Effect: 'Allow',
        Resource: '*',
      },
    ]);
    template.hasResource('AWS::Lambda::Function', {
      Properties: { Description: 'Mastermind provider: commands over SSH' },
      DependsOn: Match.arrayWith([stack.getLogicalId(stack.providers.ssh.node.findChild('VpcAccess').node.defaultChild as never)]),
    });
    expect(stack.providers.all.map((fn) => fn.lambda.isBoundToVpc)).toStrictEqual([false, true, true]);
    expect([stack.apiFunction.lambda.isBoundToVpc, stack.triggers.function.lambda.isBoundToVpc]).toStrictEqual([false, false]);
  });

  it('has no network interface permissions outside a VPC', () => {
    const { stack } = synth();

    expect(stack.node.findAll().filter((c) => c.node.id === 'VpcAccess')).toStrictEqual([]);
  });
});

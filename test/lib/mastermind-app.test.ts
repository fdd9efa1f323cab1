import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp, settingsFromContext } from '../../lib/mastermind-app.ts';

/** The app as `cdk synth -c key=value ...` builds it, bundling skipped. */
function appWith(context: Record<string, unknown>): App {
  return new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

function functionsByDescription(template: Template): Record<string, { VpcConfig?: unknown }> {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Description: string; VpcConfig?: unknown } }>;
  return Object.fromEntries(Object.values(functions).map((fn) => [fn.Properties.Description, { VpcConfig: fn.Properties.VpcConfig }]));
}

describe('the CDK app from its context', () => {
  it('makes the one stack "Mastermind" with the providers outside any VPC when given nothing', () => {
    expect(settingsFromContext(appWith({}).node)).toStrictEqual({ stackName: 'Mastermind', props: {} });
  });

  it('puts the ssh and chef providers in the subnets and security groups named by -c vpcId, subnetIds, securityGroupIds', () => {
    // Prepare
    const app = appWith({ vpcId: 'vpc-0123456789abcdef0', subnetIds: 'subnet-0123456789abcdef0, subnet-0fedcba9876543210', securityGroupIds: 'sg-0123456789abcdef0,sg-0fedcba9876543210' });

    // Act
    const stack = buildApp(app);
    const template = Template.fromStack(stack);

    // Assess
    const inSubnets = { VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'], SecurityGroupIds: ['sg-0123456789abcdef0', 'sg-0fedcba9876543210'] } };
    expect(functionsByDescription(template)).toStrictEqual({
      'Mastermind provider: EC2 instances': { VpcConfig: undefined },
      'Mastermind provider: commands over SSH': inSubnets,
      'Mastermind provider: Chef server and bootstrap over SSH': inSubnets,
      'Mastermind API: projects, tasks, executions, hooks': { VpcConfig: undefined },
      'Mastermind: starts the tasks that name an alarm going into ALARM': { VpcConfig: undefined },
    });
  });

  it('leaves cdk-nag nothing unacknowledged with the providers in subnets named by id', () => {
    const app = appWith({ vpcId: 'vpc-0123456789abcdef0', subnetIds: 'subnet-0123456789abcdef0', securityGroupIds: 'sg-0123456789abcdef0' });
    buildApp(app);

    const { violations } = new AwsSolutionsChecks().validateScope(app);
    expect(violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toStrictEqual([]);
  });

  it('gives each function a security group of its own in the VPC when none is named', () => {
    const stack = buildApp(appWith({ vpcId: 'vpc-0123456789abcdef0', subnetIds: 'subnet-0123456789abcdef0' }));

    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup'))).toHaveLength(2);
    expect(template.findResources('AWS::EC2::SecurityGroup', { Properties: { VpcId: 'vpc-0123456789abcdef0' } })).not.toStrictEqual({});
  });

  it('names a second stack, its state machine prefix and its execution log group after -c stackName', () => {
    // Act
    const stack = buildApp(appWith({ stackName: 'Mastermind-Staging' }));
    const template = Template.fromStack(stack);

    // Assess
    expect(stack.stackName).toBe('Mastermind-Staging');
    expect(stack.stateMachineRole.prefix).toBe('mastermind-staging');
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': ['', ['/aws/vendedlogs/states/mastermind-staging-executions-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
      },
    });
  });

  it('takes the state machine prefix, the secrets path and the instance roles from the context', () => {
    const settings = settingsFromContext(
      appWith({ stateMachinePrefix: 'ops', secretsPath: '/ops/', sharedSecretsPath: '/ops-shared/', instanceRoleArns: 'arn:aws:iam::123456789012:role/web,arn:aws:iam::123456789012:role/db' }).node,
    );

    expect(settings).toStrictEqual({
      stackName: 'Mastermind',
      props: {
        stateMachinePrefix: 'ops',
        secretsPath: '/ops/',
        sharedSecretsPath: '/ops-shared/',
        instanceRoleArns: ['arn:aws:iam::123456789012:role/web', 'arn:aws:iam::123456789012:role/db'],
      },
    });
  });

  it.each([
    [{ subnetIds: 'subnet-0123456789abcdef0' }, 'Context: subnetIds and securityGroupIds need vpcId.'],
    [{ vpcId: 'vpc-0123456789abcdef0' }, 'Context: vpcId needs subnetIds (the subnets the ssh and chef providers run in).'],
    [{ stackName: '1-stack' }, 'Context: stackName "1-stack" is not a CloudFormation stack name (a letter, then letters, digits and dashes, at most 128).'],
  ])('refuses an inconsistent context %j', (context, message) => {
    expect(() => settingsFromContext(appWith(context).node)).toThrow(message);
  });

  it('refuses malformed network ids, each named', () => {
    expect(() => buildApp(appWith({ vpcId: 'vpc-x', subnetIds: 'subnet-0123456789abcdef0,web', securityGroupIds: 'default' }))).toThrow(
      'The network is not usable: vpcId "vpc-x" is not a VPC id (vpc-...); subnetIds: "web" is not a subnet id (subnet-...); securityGroupIds: "default" is not a security group id (sg-...).',
    );
  });
});

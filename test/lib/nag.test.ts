import { App, Stack } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { acknowledgeWildcards, wildcardFindings } from '../../lib/nag.ts';

function roleWithPolicy(statements: PolicyStatement[]): { app: App; stack: Stack; policy: Policy } {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  const policy = new Policy(stack, 'Policy', { statements, roles: [role] });
  return { app, stack, policy };
}

const iam5 = (app: App) =>
  new AwsSolutionsChecks().validateScope(app).violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5')).map((v) => v.ruleName);

describe('wildcardFindings', () => {
  it('names each wildcard action and resource the way cdk-nag reports it', () => {
    // Prepare
    const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
    const statements = [
      new PolicyStatement({ actions: ['ec2:Describe*', 'ec2:RunInstances'], resources: ['*'] }),
      new PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: 'mastermind/*' }), 'arn:aws:ssm:eu-west-1:123456789012:parameter/exact'],
      }),
    ];

    // Act
    const findings = wildcardFindings(stack, statements);

    // Assess
    expect(findings).toStrictEqual([
      'Action::ec2:Describe*',
      'Resource::*',
      'Resource::arn:<AWS::Partition>:ssm:eu-west-1:123456789012:parameter/mastermind/*',
    ]);
  });
});

describe('acknowledgeWildcards', () => {
  it('silences exactly the wildcards of the statements it was given', () => {
    // Prepare
    const justified = [new PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] })];
    const { app, policy } = roleWithPolicy([...justified, new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] })]);

    // Act
    acknowledgeWildcards(policy, justified, 'X-Ray takes no resource-level permissions.');

    // Assess
    expect(iam5(app)).toStrictEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]']);
  });

  it('leaves cdk-nag reporting every wildcard when nothing is acknowledged', () => {
    const { app } = roleWithPolicy([new PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] })]);

    expect(iam5(app)).toStrictEqual(['AwsSolutions-IAM5[Resource::*]']);
  });
});

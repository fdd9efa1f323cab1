import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { MastermindStack } from '../../lib/mastermind-stack.ts';
import { synth, synthInVpc, testApp } from './synth.ts';

/** cdk-nag's AwsSolutions findings (errors and warnings) left after acknowledgements, as "rule at path". */
function unacknowledged(app: App): string[] {
  const { violations } = new AwsSolutionsChecks().validateScope(app);
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

describe('MastermindStack', () => {
  const { app, stack, template } = synth();
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const getArn = (construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });

  it.each([
    ['API', () => stack.apiFunction, 'mastermind-api'],
    ['trigger', () => stack.triggers.function, 'mastermind-triggers'],
  ])('gives the %s function exactly the service environment', (_name, fn, serviceName) => {
    expect(template.toJSON().Resources[id(fn().lambda)].Properties.Environment).toStrictEqual({
      Variables: {
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        MASTERMIND_TABLE: { Ref: id(stack.store.table) },
        MASTERMIND_STATE_MACHINE_ROLE_ARN: getArn(stack.stateMachineRole.role),
        MASTERMIND_EXECUTION_LOG_GROUP_ARN: getArn(stack.stateMachineRole.executionLogGroup),
        MASTERMIND_PROVIDER_EC2_ARN: getArn(stack.providers.ec2.lambda),
        MASTERMIND_PROVIDER_SSH_ARN: getArn(stack.providers.ssh.lambda),
        MASTERMIND_PROVIDER_CHEF_ARN: getArn(stack.providers.chef.lambda),
        MASTERMIND_STATE_MACHINE_PREFIX: 'mastermind',
        MASTERMIND_SECRETS_PATH: '/mastermind/',
        MASTERMIND_SHARED_SECRETS_PATH: '/mastermind/_shared/',
      },
    });
  });

  it('gives the providers only their Powertools settings, where the secrets lie, and the table of cancel requests', () => {
    expect(template.toJSON().Resources[id(stack.providers.chef.lambda)].Properties.Environment).toStrictEqual({
      Variables: {
        POWERTOOLS_SERVICE_NAME: 'mastermind-provider-chef',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        MASTERMIND_SECRETS_PATH: '/mastermind/',
        MASTERMIND_SHARED_SECRETS_PATH: '/mastermind/_shared/',
        MASTERMIND_TABLE: { Ref: id(stack.store.table) },
      },
    });
  });

  it('outputs the API URL, the alarm topic ARN and the table name', () => {
    const outputs = template.toJSON().Outputs;
    expect({ ApiUrl: outputs.ApiUrl.Value, AlarmTopicArn: outputs.AlarmTopicArn, TableName: outputs.TableName }).toStrictEqual({
      ApiUrl: stack.resolve(stack.api.url),
      AlarmTopicArn: { Description: 'SNS topic for CloudWatch alarm actions', Value: { Ref: id(stack.triggers.alarmTopic) } },
      TableName: { Description: 'The Mastermind store', Value: { Ref: id(stack.store.table) } },
    });
  });

  it('passes the log level to every function', () => {
    const custom = synth({ logLevel: 'DEBUG' });

    const levels = Object.values(custom.template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL,
    );
    expect(levels).toStrictEqual(['DEBUG', 'DEBUG', 'DEBUG', 'DEBUG', 'DEBUG']);
  });

  describe('cdk-nag AwsSolutions', () => {
    it('finds nothing unacknowledged in the stack as deployed by bin/app.ts', () => {
      expect(unacknowledged(app)).toStrictEqual([]);
    });

    it('finds nothing unacknowledged in an environment-agnostic stack (synth with no account)', () => {
      const agnostic = testApp();
      new MastermindStack(agnostic, 'Mastermind');

      expect(unacknowledged(agnostic)).toStrictEqual([]);
    });

    it('finds nothing unacknowledged with the providers in a VPC', () => {
      const { app: vpcApp } = synthInVpc();

      expect(unacknowledged(vpcApp).filter((finding) => finding.includes(' at Mastermind/'))).toStrictEqual([]);
    });

    it('still reports a wildcard nobody justified', async () => {
      // Prepare
      const { PolicyStatement } = await import('aws-cdk-lib/aws-iam');
      const { app: widened, stack: widenedStack } = synth();

      // Act
      widenedStack.providers.ssh.lambda.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::any-bucket/*'] }));

      // Assess
      expect(unacknowledged(widened)).toStrictEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::any-bucket/*] at Mastermind/Providers/Ssh/Role/DefaultPolicy/Resource']);
    });
  });
});

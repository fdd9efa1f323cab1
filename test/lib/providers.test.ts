import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { MastermindStack } from '../../lib/mastermind-stack.ts';
import { describe, expect, it } from 'vitest';
import { secretsParameterArn } from '../../lib/providers.ts';
import { ACCOUNT, REGION, arn, policyStatements, synth } from './synth.ts';

const ec2 = (resource: string, account: string = ACCOUNT) => arn(`:ec2:*:${account}:${resource}/*`);
const tagged = { Null: { 'aws:ResourceTag/mastermind:project': 'false' } };

/** The environment of the ec2 provider's function. */
function ec2Environment(template: Template, stack: MastermindStack): Record<string, unknown> {
  const id = stack.getLogicalId(stack.providers.ec2.lambda.node.defaultChild as never);
  return (template.toJSON().Resources[id] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}

describe('Providers', () => {
  const { stack, template } = synth();

  it.each(['Ec2', 'Ssh', 'Chef'])('lets the %s provider read secrets under /mastermind/ and decrypt them through SSM only', (name) => {
    expect(policyStatements(template, stack, `Providers/${name}/Secrets`)).toStrictEqual([
      { Action: ['ssm:GetParameter', 'ssm:GetParameters'], Effect: 'Allow', Resource: arn(`:ssm:${REGION}:${ACCOUNT}:parameter/mastermind/*`) },
      {
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': `ssm.${REGION}.amazonaws.com` } },
        Effect: 'Allow',
        Resource: arn(`:kms:${REGION}:${ACCOUNT}:key/*`),
      },
    ]);
  });

  it('reads secrets under the configured path, its shared path below it', () => {
    const custom = synth({ secretsPath: '/ops/mastermind' });

    expect(policyStatements(custom.template, custom.stack, 'Providers/Ssh/Secrets')[0]).toStrictEqual({
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Effect: 'Allow',
      Resource: arn(`:ssm:${REGION}:${ACCOUNT}:parameter/ops/mastermind/*`),
    });
    expect(custom.template.toJSON().Resources[custom.stack.getLogicalId(custom.stack.providers.ssh.lambda.node.defaultChild as never)].Properties.Environment.Variables).toMatchObject({
      MASTERMIND_SECRETS_PATH: '/ops/mastermind/',
      MASTERMIND_SHARED_SECRETS_PATH: '/ops/mastermind/_shared/',
    });
  });

  it('grants a shared path outside the secrets path on its own, and tells every Lambda', () => {
    const custom = synth({ secretsPath: '/ops/mastermind/', sharedSecretsPath: '/ops/shared' });

    expect(policyStatements(custom.template, custom.stack, 'Providers/Chef/Secrets')[0]).toStrictEqual({
      Action: ['ssm:GetParameter', 'ssm:GetParameters'],
      Effect: 'Allow',
      Resource: [arn(`:ssm:${REGION}:${ACCOUNT}:parameter/ops/mastermind/*`), arn(`:ssm:${REGION}:${ACCOUNT}:parameter/ops/shared/*`)],
    });
    const resources = custom.template.toJSON().Resources as Record<string, { Type: string; Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
    const layouts = Object.values(resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables.MASTERMIND_SECRETS_PATH !== undefined)
      .map((r) => [r.Properties.Environment!.Variables.MASTERMIND_SECRETS_PATH, r.Properties.Environment!.Variables.MASTERMIND_SHARED_SECRETS_PATH]);
    expect(layouts).toStrictEqual(Array(5).fill(['/ops/mastermind/', '/ops/shared/']));
  });

  it('lets the ec2 provider launch and act on instances tagged mastermind:project only', () => {
    expect(policyStatements(template, stack, 'Providers/Ec2/Instances')).toStrictEqual([
      { Action: ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus', 'ec2:DescribeAddresses', 'ec2:DescribeTags'], Effect: 'Allow', Resource: '*', Sid: 'Describe' },
      {
        Action: 'ec2:RunInstances',
        Condition: { Null: { 'aws:RequestTag/mastermind:project': 'false' } },
        Effect: 'Allow',
        Resource: ec2('instance'),
        Sid: 'LaunchTaggedInstances',
      },
      {
        Action: 'ec2:RunInstances',
        Effect: 'Allow',
        Resource: [ec2('image', ''), ec2('subnet'), ec2('security-group'), ec2('network-interface'), ec2('volume'), ec2('key-pair')],
        Sid: 'LaunchWith',
      },
      {
        Action: 'ec2:CreateTags',
        Condition: { Null: { 'aws:RequestTag/mastermind:project': 'false' }, StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
        Effect: 'Allow',
        Resource: [ec2('instance'), ec2('volume'), ec2('network-interface')],
        Sid: 'TagOnLaunch',
      },
      {
        Action: [
          'ec2:StartInstances',
          'ec2:StopInstances',
          'ec2:RebootInstances',
          'ec2:TerminateInstances',
          'ec2:AssociateAddress',
          'ec2:DisassociateAddress',
        ],
        Condition: tagged,
        Effect: 'Allow',
        Resource: ec2('instance'),
        Sid: 'ActOnTaggedInstances',
      },
      {
        Action: 'ec2:CreateTags',
        Condition: { ...tagged, 'ForAllValues:StringNotEqualsIgnoreCase': { 'aws:TagKeys': ['mastermind:project'] } },
        Effect: 'Allow',
        Resource: ec2('instance'),
        Sid: 'TagTaggedInstances',
      },
      {
        Action: ['ec2:AssociateAddress', 'ec2:DisassociateAddress'],
        Effect: 'Allow',
        Resource: [ec2('elastic-ip'), ec2('network-interface')],
        Sid: 'Addresses',
      },
    ]);
  });

  it('lets the ec2 provider pass no role by default, and tells it so', () => {
    const everyStatement = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p as { Properties: { PolicyDocument: { Statement: { Action: string | string[]; Condition?: object }[] } } }).Properties.PolicyDocument.Statement,
    );
    const passToEc2 = everyStatement.filter((s) => [s.Action].flat().includes('iam:PassRole') && JSON.stringify(s.Condition ?? {}).includes('ec2.amazonaws.com'));

    expect(passToEc2).toStrictEqual([]);
    expect(ec2Environment(template, stack).MASTERMIND_INSTANCE_ROLE_ARNS).toBe('');
  });

  it('passes exactly the configured instance roles, to EC2 only, and tells the ec2 provider which', () => {
    const roles = [`arn:aws:iam::${ACCOUNT}:role/web-instance`, `arn:aws:iam::${ACCOUNT}:role/db-instance`];
    const custom = synth({ instanceRoleArns: roles });

    const statements = policyStatements(custom.template, custom.stack, 'Providers/Ec2/Instances');
    expect(statements.filter((s) => (s as { Action: unknown }).Action === 'iam:PassRole')).toStrictEqual([
      {
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        Effect: 'Allow',
        Resource: roles,
        Sid: 'PassInstanceRole',
      },
    ]);
    expect(ec2Environment(custom.template, custom.stack).MASTERMIND_INSTANCE_ROLE_ARNS).toBe(roles.join(','));
  });

  it('gives the ssh and chef providers no EC2 permissions', () => {
    const policies = stack.node.findAll().filter((c) => /^Mastermind\/Providers\/(Ssh|Chef)\/[^/]+$/.test(c.node.path) && c.node.id !== 'Function');
    expect(policies.map((c) => c.node.path).sort()).toStrictEqual([
      'Mastermind/Providers/Chef/Logs',
      'Mastermind/Providers/Chef/Role',
      'Mastermind/Providers/Chef/Secrets',
      'Mastermind/Providers/Ssh/Logs',
      'Mastermind/Providers/Ssh/Role',
      'Mastermind/Providers/Ssh/Secrets',
    ]);
  });
});

describe('secretsParameterArn', () => {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });

  it.each([
    ['/mastermind/', 'mastermind/*'],
    ['/mastermind', 'mastermind/*'],
    ['ops/secrets/', 'ops/secrets/*'],
  ])('turns the path %s into the parameter pattern %s', (path, pattern) => {
    expect(stack.resolve(secretsParameterArn(stack, path))).toStrictEqual(arn(`:ssm:${REGION}:${ACCOUNT}:parameter/${pattern}`));
  });

  it('refuses the root, which would open every parameter of the account', () => {
    expect(() => secretsParameterArn(stack, '/')).toThrow('secretsPath must name a path below the root, e.g. "/mastermind/"');
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { CANCEL_KEY_PREFIX as SERVICE_PREFIX } from '#service/cancels';
import { CANCEL_KEY_PREFIX } from '../../lib/store.ts';
import { policyStatements, synth } from './synth.ts';

describe('Store', () => {
  const { stack, template } = synth();
  const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.store.table.node.defaultChild as never), 'Arn'] };

  it('is one on-demand table keyed by pk/sk, with no secondary index, and point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: Match.absent(),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    });
  });

  it('is kept when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lets the API function read, query and write the table', () => {
    expect(policyStatements(template, stack, 'ApiFunction/Role/DefaultPolicy').slice(2)).toStrictEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: tableArn,
      },
      {
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        Effect: 'Allow',
        Resource: tableArn,
      },
    ]);
  });

  it.each(['Ec2', 'Ssh', 'Chef'])('lets the %s provider get the cancel requests and nothing else of the table, named in MASTERMIND_TABLE', (name) => {
    // Prepare
    const fn = stack.providers[name.toLowerCase() as 'ec2' | 'ssh' | 'chef'].lambda;
    // Act
    const statements = policyStatements(template, stack, `Providers/${name}/Role/DefaultPolicy`).filter((s) => JSON.stringify(s).includes('dynamodb:'));
    const environment = template.findResources('AWS::Lambda::Function')[stack.getLogicalId(fn.node.defaultChild as never)]!.Properties.Environment.Variables;
    // Assess
    expect(statements).toStrictEqual([
      {
        Action: 'dynamodb:GetItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CANCEL#*'] } },
        Effect: 'Allow',
        Resource: tableArn,
      },
    ]);
    expect(environment.MASTERMIND_TABLE).toStrictEqual({ Ref: stack.getLogicalId(stack.store.table.node.defaultChild as never) });
    expect(CANCEL_KEY_PREFIX).toBe(SERVICE_PREFIX);
  });

  it('lets the trigger function only read', () => {
    const statements = policyStatements(template, stack, 'Triggers/Trigger/Role/DefaultPolicy');
    const dynamodb = statements.filter((s) => JSON.stringify(s).includes('dynamodb:'));
    expect(dynamodb).toStrictEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: tableArn,
      },
    ]);
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
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

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { policyStatements, synth } from './synth.ts';

describe('Store', () => {
  const { stack, template } = synth();
  const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.store.table.node.defaultChild as never), 'Arn'] };
  const indexArn = (name: string) => ({ 'Fn::Join': ['', [tableArn, `/index/${name}`]] });

  it('is one on-demand table keyed by pk/sk with GSI1 and GSI2 and point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'GSI1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'GSI2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'gsi2sk', AttributeType: 'S' },
      ]),
    });
  });

  it('is kept when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('lets the API function read and write the table and query the two indexes by name', () => {
    expect(policyStatements(template, stack, 'ApiFunction/Role/DefaultPolicy').slice(2)).toStrictEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
        Effect: 'Allow',
        Resource: tableArn,
      },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: [indexArn('GSI1'), indexArn('GSI2')] },
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
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
        Effect: 'Allow',
        Resource: tableArn,
      },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: [indexArn('GSI1'), indexArn('GSI2')] },
    ]);
  });
});

/**
 * The store: one DynamoDB table holding projects, tasks, every task version and hooks
 * (../shared/DESIGN.md "Store"). Items are keyed by `pk`/`sk` (lambdas/service/store.ts); every access pattern,
 * the alarm → tasks index included, is a key lookup or a Query on a partition, so the table needs no secondary index.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The key prefix of cancel requests (lambdas/service/cancels.ts CANCEL_KEY_PREFIX; lib/ stays infrastructure only). */
export const CANCEL_KEY_PREFIX = 'CANCEL#';

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export interface StoreProps {
  /** What happens to the table when the stack is deleted. @default RemovalPolicy.RETAIN (task history is the user's data) */
  readonly removalPolicy?: RemovalPolicy;
}

export class Store extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StoreProps = {}) {
    super(scope, id);
    this.table = new Table(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }

  /** Item reads and queries of the table (what the service calls: GetItem, Query). */
  grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: READ_ACTIONS, resources: [this.table.tableArn] }));
  }

  /**
   * What a provider Lambda reads of the store: GetItem of the cancel requests only (items whose key starts with
   * CANCEL#, lambdas/service/cancels.ts), and the table's name in MASTERMIND_TABLE.
   */
  grantCancelRead(fn: { readonly lambda: LambdaFunction }): void {
    fn.lambda.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${CANCEL_KEY_PREFIX}*`] } },
      }),
    );
    fn.lambda.addEnvironment('MASTERMIND_TABLE', this.table.tableName);
  }

  /** Reads as in grantRead, plus single-item and batch writes of the table. */
  grantReadWrite(grantee: IGrantable): void {
    this.grantRead(grantee);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: WRITE_ACTIONS, resources: [this.table.tableArn] }));
  }
}

/**
 * The store: one DynamoDB table holding projects, tasks, every task version and hooks
 * (../shared/DESIGN.md "Store"). Items are keyed by `pk`/`sk`; two overloaded global secondary indexes
 * (`gsi1pk`/`gsi1sk`, `gsi2pk`/`gsi2sk`) serve the other access patterns.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The index names the service queries by (`IndexName`). */
export const STORE_INDEXES = { gsi1: 'GSI1', gsi2: 'GSI2' } as const;

const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'];
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
    for (const [prefix, indexName] of Object.entries(STORE_INDEXES)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: `${prefix}pk`, type: AttributeType.STRING },
        sortKey: { name: `${prefix}sk`, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Reads of the table and queries of its two indexes, each index named (no `index/*`). */
  grantRead(grantee: IGrantable): void {
    const principal = grantee.grantPrincipal;
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: READ_ACTIONS, resources: [this.table.tableArn] }));
    principal.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: this.indexArns() }));
  }

  /** Reads as in grantRead, plus single-item and batch writes of the table. */
  grantReadWrite(grantee: IGrantable): void {
    this.grantRead(grantee);
    grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: WRITE_ACTIONS, resources: [this.table.tableArn] }));
  }

  private indexArns(): string[] {
    return Object.values(STORE_INDEXES).map((name) => `${this.table.tableArn}/index/${name}`);
  }
}

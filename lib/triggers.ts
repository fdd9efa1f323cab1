/**
 * Alarm triggers (../shared/DESIGN.md "Triggers"): CloudWatch alarms reach the trigger Lambda two ways,
 * through an SNS topic that alarms notify and through EventBridge's "CloudWatch Alarm State Change"
 * events into ALARM. The Lambda starts every task that names the alarm; both paths deliver
 * asynchronously, and whatever cannot be delivered or handled lands in one dead-letter queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MastermindFunction } from './function.ts';

export interface TriggersProps {
  /** The service environment (MASTERMIND_*) the trigger function reads. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** POWERTOOLS_LOG_LEVEL. @default 'INFO' */
  readonly logLevel?: string;
}

export class Triggers extends Construct {
  /** The topic CloudWatch alarms notify. */
  readonly alarmTopic: Topic;
  /** The key that encrypts the topic; CloudWatch may use it to publish. */
  readonly topicKey: Key;
  /** The EventBridge rule for alarms going into ALARM. */
  readonly alarmRule: Rule;
  readonly function: MastermindFunction;
  /** Alarm notifications that could not be delivered or handled. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    const account = Stack.of(this).account;

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.function = new MastermindFunction(this, 'Trigger', {
      lambda: 'triggers',
      description: 'Mastermind: starts the tasks that name an alarm going into ALARM',
      timeout: Duration.seconds(60),
      memorySize: 512,
      environment: props.environment,
      logRetention: props.logRetention,
      logLevel: props.logLevel,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });

    // CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key: a key of our own,
    // which CloudWatch (of this account only) may use.
    this.topicKey = new Key(this, 'TopicKey', {
      description: 'Mastermind alarm topic',
      enableKeyRotation: true,
    });
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Mastermind alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.alarmTopic.addSubscription(new LambdaSubscription(this.function.lambda, { deadLetterQueue: this.deadLetterQueue }));

    this.alarmRule = new Rule(this, 'AlarmRule', {
      description: 'Mastermind: CloudWatch alarms going into ALARM',
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
    });
    this.alarmRule.addTarget(
      new LambdaFunction(this.function.lambda, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
      }),
    );
  }
}

import { describe, expect, it } from 'vitest';
import { ACCOUNT, synth } from './synth.ts';

describe('Triggers', () => {
  const { stack, template } = synth();
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  const ref = (construct: { node: { defaultChild?: unknown } }) => ({ Ref: id(construct) });
  const getArn = (construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [id(construct), 'Arn'] });
  const { alarmTopic, topicKey, alarmRule, deadLetterQueue } = stack.triggers;
  const trigger = stack.triggers.function.lambda;

  it('has an alarm topic encrypted with a rotated key of its own', () => {
    expect(template.toJSON().Resources[id(alarmTopic)].Properties).toStrictEqual({ DisplayName: 'Mastermind alarms', KmsMasterKeyId: getArn(topicKey) });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch of this account use the key and publish to the topic, over TLS only', () => {
    const keyPolicy = template.toJSON().Resources[id(topicKey)].Properties.KeyPolicy.Statement;
    expect(keyPolicy[1]).toStrictEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Resource: '*',
      Sid: 'CloudWatchAlarmsPublish',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Effect: 'Deny',
            Principal: '*',
            Resource: ref(alarmTopic),
            Sid: 'AllowPublishThroughSSLOnly',
          },
          {
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: ref(alarmTopic),
            Sid: 'CloudWatchAlarmsPublish',
          },
        ],
        Version: '2012-10-17',
      },
      Topics: [ref(alarmTopic)],
    });
  });

  it('subscribes the trigger function to the topic, undeliverable messages to the dead-letter queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: getArn(trigger),
      TopicArn: ref(alarmTopic),
      RedrivePolicy: { deadLetterTargetArn: getArn(deadLetterQueue) },
    });
  });

  it('routes CloudWatch alarms going into ALARM to the trigger function through EventBridge', () => {
    expect(template.toJSON().Resources[id(alarmRule)].Properties).toStrictEqual({
      Description: 'Mastermind: CloudWatch alarms going into ALARM',
      EventPattern: { source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM'] } } },
      State: 'ENABLED',
      Targets: [
        {
          Arn: getArn(trigger),
          DeadLetterConfig: { Arn: getArn(deadLetterQueue) },
          Id: 'Target0',
          RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 4 },
        },
      ],
    });
  });

  it('sends failed asynchronous invocations of the trigger function to the dead-letter queue', () => {
    expect(template.toJSON().Resources[id(trigger)].Properties.DeadLetterConfig).toStrictEqual({ TargetArn: getArn(deadLetterQueue) });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: ref(trigger), MaximumRetryAttempts: 2, Qualifier: '$LATEST' });
  });

  it('keeps dead letters encrypted, two weeks, reachable over TLS only, and writable by the topic and the rule only', () => {
    expect(template.toJSON().Resources[id(deadLetterQueue)].Properties).toStrictEqual({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: [
          { Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Effect: 'Deny', Principal: { AWS: '*' }, Resource: getArn(deadLetterQueue) },
          {
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': ref(alarmTopic) } },
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Resource: getArn(deadLetterQueue),
          },
          {
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': getArn(alarmRule) } },
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Resource: getArn(deadLetterQueue),
          },
        ],
        Version: '2012-10-17',
      },
    });
  });
});

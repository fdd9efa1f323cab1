/** Alarm notifications shaped as the CloudWatch and SNS documentation shows them. */
import type { SNSEvent } from 'aws-lambda';

export function alarmJson(alarmName: string, state = 'ALARM', time = '2025-03-04T05:06:07.123+0000'): string {
  return JSON.stringify({
    AlarmName: alarmName,
    AlarmDescription: 'CPU above 80% on the web tier',
    AWSAccountId: '123456789012',
    AlarmConfigurationUpdatedTimestamp: '2025-01-01T00:00:00.000+0000',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 out of the last 1 datapoints [91.5 (04/03/25 05:01:00)] was greater than the threshold (80.0).',
    StateChangeTime: time,
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`,
    OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM',
    OKActions: [],
    AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:mastermind-alarms'],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      StatisticType: 'Statistic',
      Statistic: 'AVERAGE',
      Unit: null,
      Dimensions: [{ value: 'web', name: 'AutoScalingGroupName' }],
      Period: 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 80.0,
      TreatMissingData: 'missing',
    },
  });
}

export function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:eu-west-1:123456789012:mastermind-alarms:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      Sns: {
        Type: 'Notification',
        MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
        TopicArn: 'arn:aws:sns:eu-west-1:123456789012:mastermind-alarms',
        Subject: 'ALARM: "web-cpu-high" in EU (Ireland)',
        Message: message,
        Timestamp: '2025-03-04T05:06:08.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-EXAMPLE.pem',
        UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

export function eventBridgeAlarm(alarmName: string, value = 'ALARM', timestamp = '2025-03-04T05:06:07.123+0000') {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2025-03-04T05:06:08Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: {
        value,
        reason: 'Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (80.0).',
        reasonData: '{"version":"1.0"}',
        timestamp,
      },
      previousState: { value: 'OK', reason: 'Threshold not crossed', timestamp: '2025-03-04T04:00:00.000+0000' },
      configuration: { description: 'CPU above 80% on the web tier', metrics: [] },
    },
  };
}

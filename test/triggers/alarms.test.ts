import { describe, expect, it } from 'vitest';
import { alarmExecutionName, parseAlarmEvent } from '../../lambdas/triggers/alarms.ts';
import { alarmJson, eventBridgeAlarm, snsEvent } from './messages.ts';

const REASON = 'Threshold Crossed: 1 out of the last 1 datapoints [91.5 (04/03/25 05:01:00)] was greater than the threshold (80.0).';

describe('reading alarm changes', () => {
  it('reads the alarm JSON of an SNS notification, with the region code from the alarm ARN', () => {
    expect(parseAlarmEvent(snsEvent(alarmJson('web-cpu-high')))).toStrictEqual({
      changes: [
        {
          alarmName: 'web-cpu-high',
          state: 'ALARM',
          reason: REASON,
          time: '2025-03-04T05:06:07.123+0000',
          region: 'eu-west-1',
          account: '123456789012',
        },
      ],
      malformed: [],
    });
  });

  it('reads an EventBridge alarm state change', () => {
    expect(parseAlarmEvent(eventBridgeAlarm('web-cpu-high'))).toStrictEqual({
      changes: [
        {
          alarmName: 'web-cpu-high',
          state: 'ALARM',
          reason: 'Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold (80.0).',
          time: '2025-03-04T05:06:07.123+0000',
          region: 'eu-west-1',
          account: '123456789012',
        },
      ],
      malformed: [],
    });
  });

  it.each([
    ['an SNS message that is not JSON', snsEvent('ALARM!'), 'the SNS message is not JSON'],
    ['an SNS message that is not an alarm', snsEvent('{"hello":"world"}'), 'the SNS message is not a CloudWatch alarm notification (AlarmName, NewStateValue, StateChangeTime)'],
    ['another EventBridge event', { 'detail-type': 'EC2 Instance State-change Notification', detail: {} }, 'the event is neither an SNS notification nor a CloudWatch alarm state change'],
    ['an alarm event without a name', { 'detail-type': 'CloudWatch Alarm State Change', detail: { state: { value: 'ALARM' } } }, 'the event is not a CloudWatch alarm state change (detail.alarmName, detail.state.value)'],
    ['nothing at all', null, 'the event is neither an SNS notification nor a CloudWatch alarm state change'],
  ])('says why it cannot read %s', (_, event, reason) => {
    expect(parseAlarmEvent(event)).toStrictEqual({ changes: [], malformed: [reason] });
  });
});

describe('execution names', () => {
  it('names one state change the same way whether it came through SNS or EventBridge', () => {
    expect(alarmExecutionName('web-cpu-high', '2025-03-04T05:06:07.123+0000')).toBe('alarm-web-cpu-high-20250304050607123');
    expect(alarmExecutionName('web-cpu-high', '2025-03-04T05:06:07.123Z')).toBe('alarm-web-cpu-high-20250304050607123');
  });

  it('keeps to the allowed characters and 80 characters, hashing names that sanitising or cutting would merge', () => {
    const spaced = alarmExecutionName('Web CPU > 80%', '2025-03-04T05:06:07.123+0000');
    const dashed = alarmExecutionName('Web-CPU---80-', '2025-03-04T05:06:07.123+0000');
    const long = alarmExecutionName('x'.repeat(255), '2025-03-04T05:06:07.123+0000');
    const longer = alarmExecutionName(`${'x'.repeat(255)}y`, '2025-03-04T05:06:07.123+0000');
    for (const name of [spaced, dashed, long, longer]) expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(spaced).toMatch(/^alarm-Web-CPU---80--20250304050607123-[0-9a-f]{12}$/);
    expect(dashed).toBe('alarm-Web-CPU---80--20250304050607123');
    expect(long).not.toBe(longer);
    expect(alarmExecutionName('web-cpu-high', '2025-03-04T05:07:00.000+0000')).not.toBe(alarmExecutionName('web-cpu-high', '2025-03-04T05:06:07.123+0000'));
  });
});

/**
 * CloudWatch alarm state changes, as they arrive: SNS notifications (the alarm JSON in each record's
 * Message) and EventBridge "CloudWatch Alarm State Change" events. Pure parsing; nothing here acts.
 */
import { createHash } from 'node:crypto';

export interface AlarmChange {
  readonly alarmName: string;
  /** ALARM, OK or INSUFFICIENT_DATA. */
  readonly state: string;
  readonly reason: string;
  /** The state change time as CloudWatch wrote it. */
  readonly time: string;
  readonly region: string;
  readonly account: string;
}

export interface ParsedAlarms {
  readonly changes: AlarmChange[];
  /** What could not be read, and why. */
  readonly malformed: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The region code inside an ARN (arn:aws:cloudwatch:<region>:...). */
function regionOfArn(arn: unknown): string | undefined {
  const parts = typeof arn === 'string' ? arn.split(':') : [];
  return parts.length > 4 && parts[0] === 'arn' ? parts[3] || undefined : undefined;
}

/** The alarm JSON CloudWatch sends to SNS. */
export function parseSnsAlarm(message: string): AlarmChange | string {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return 'the SNS message is not JSON';
  }
  const alarm = record(value);
  const alarmName = text(alarm?.AlarmName);
  const state = text(alarm?.NewStateValue);
  const time = text(alarm?.StateChangeTime);
  if (!alarm || !alarmName || !state || !time) return 'the SNS message is not a CloudWatch alarm notification (AlarmName, NewStateValue, StateChangeTime)';
  return {
    alarmName,
    state,
    reason: text(alarm.NewStateReason) ?? '',
    time,
    // "Region" holds the region's display name ("US East (N. Virginia)"); the ARN holds its code.
    region: regionOfArn(alarm.AlarmArn) ?? text(alarm.Region) ?? '',
    account: text(alarm.AWSAccountId) ?? '',
  };
}

/** An EventBridge "CloudWatch Alarm State Change" event. */
export function parseEventBridgeAlarm(event: Record<string, unknown>): AlarmChange | string {
  const detail = record(event.detail);
  const state = record(detail?.state);
  const alarmName = text(detail?.alarmName);
  const value = text(state?.value);
  const time = text(state?.timestamp) ?? text(event.time);
  if (!alarmName || !value || !time) return 'the event is not a CloudWatch alarm state change (detail.alarmName, detail.state.value)';
  return {
    alarmName,
    state: value,
    reason: text(state?.reason) ?? '',
    time,
    region: text(event.region) ?? '',
    account: text(event.account) ?? '',
  };
}

/** One message of a Lambda event: an alarm change, or why it is not one. */
export type AlarmMessage = { readonly change: AlarmChange } | { readonly malformed: string };

/** Each message of a Lambda event from SNS (one per record) or EventBridge (one), in order. */
export function readAlarmMessages(event: unknown): AlarmMessage[] {
  const root = record(event);
  const read = (result: AlarmChange | string): AlarmMessage => (typeof result === 'string' ? { malformed: result } : { change: result });
  if (Array.isArray(root?.Records)) {
    return root.Records.map((item) => {
      const message = text(record(record(item)?.Sns)?.Message);
      return read(message === undefined ? 'an SNS record without a Message' : parseSnsAlarm(message));
    });
  }
  if (root && root['detail-type'] === 'CloudWatch Alarm State Change') return [read(parseEventBridgeAlarm(root))];
  return [{ malformed: 'the event is neither an SNS notification nor a CloudWatch alarm state change' }];
}

/** Every alarm change in a Lambda event from SNS or EventBridge. */
export function parseAlarmEvent(event: unknown): ParsedAlarms {
  const changes: AlarmChange[] = [];
  const malformed: string[] = [];
  for (const message of readAlarmMessages(event)) {
    if ('change' in message) changes.push(message.change);
    else malformed.push(message.malformed);
  }
  return { changes, malformed };
}

const MAX_NAME = 80;

/**
 * The execution name for one state change of one alarm: the same change always gives the same name (so a
 * redelivered message starts nothing new), different changes different names. Only characters Step
 * Functions accepts everywhere ([A-Za-z0-9_-]), at most 80; a hash keeps names apart that sanitising or
 * cutting would have made equal.
 */
export function alarmExecutionName(alarmName: string, time: string): string {
  const parsed = new Date(time);
  const stamp = Number.isNaN(parsed.getTime()) ? time.replace(/[^0-9]/g, '').slice(0, 17) : parsed.toISOString().replace(/[^0-9]/g, '');
  const slug = alarmName.replace(/[^A-Za-z0-9_-]/g, '-');
  const plain = `alarm-${slug}-${stamp}`;
  if (slug === alarmName && plain.length <= MAX_NAME) return plain;
  const hash = createHash('sha256').update(`${alarmName}\n${stamp}`).digest('hex').slice(0, 12);
  const room = MAX_NAME - `alarm--${stamp}-${hash}`.length;
  return `alarm-${slug.slice(0, Math.max(room, 0))}-${stamp}-${hash}`;
}

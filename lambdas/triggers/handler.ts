/**
 * The trigger Lambda: CloudWatch alarm notifications (through SNS) and EventBridge alarm state changes →
 * executions of the tasks that name the alarm.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { readConfig } from '#service/config';
import { createDeps } from '#service/deps';
import type { ServiceDeps } from '#service/deps';
import { handleAlarmEvent } from './start.ts';
import type { AlarmOutcome } from './start.ts';

const logger = new Logger({ serviceName: 'mastermind-triggers' });
let deps: ServiceDeps | undefined;

export async function handler(event: unknown, context?: Context): Promise<AlarmOutcome> {
  if (context) logger.addContext(context);
  deps ??= createDeps(readConfig(), logger);
  return handleAlarmEvent(deps, event);
}

/**
 * Alarm changes → executions: on a change into ALARM, every task whose version in force names the alarm
 * starts, once per state change. Anything else is logged and ignored; only a transient failure of AWS
 * is thrown, so the Lambda's own bounded retries try again (the execution name keeps that safe).
 */
import type { ServiceDeps } from '#service/deps';
import { ServiceError } from '#service/errors';
import { startTriggered } from '#service/executions';
import { getTask, tasksForAlarm } from '#service/store';
import { alarmExecutionName, parseAlarmEvent } from './alarms.ts';
import type { AlarmChange } from './alarms.ts';

export interface AlarmOutcome {
  started: number;
  alreadyStarted: number;
  skippedRunning: number;
  ignored: number;
  failed: number;
}

function isTransient(error: unknown): boolean {
  for (let e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.$retryable || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
    if (e.name === 'ThrottlingException' || e.name === 'TooManyRequestsException' || e.name === 'ProvisionedThroughputExceededException') return true;
  }
  return false;
}

async function startForChange(deps: ServiceDeps, change: AlarmChange, outcome: AlarmOutcome, transient: unknown[]): Promise<void> {
  const name = alarmExecutionName(change.alarmName, change.time);
  const trigger = {
    type: 'alarm',
    alarmName: change.alarmName,
    reason: change.reason,
    time: change.time,
    region: change.region,
    account: change.account,
  };
  const targets = await tasksForAlarm(deps.store, change.alarmName);
  if (targets.length === 0) {
    outcome.ignored += 1;
    deps.log.info('no task names this alarm', { alarmName: change.alarmName });
    return;
  }
  for (const target of targets) {
    const where = { alarmName: change.alarmName, project: target.project, task: target.task, execution: name };
    try {
      const head = await getTask(deps.store, target.project, target.task);
      // The index may name a task whose version in force no longer names the alarm.
      if (!head || !head.alarms.includes(change.alarmName)) {
        outcome.ignored += 1;
        continue;
      }
      const result = await startTriggered(deps, head, { trigger, name });
      if (result.outcome === 'started') outcome.started += 1;
      else if (result.outcome === 'already-started') outcome.alreadyStarted += 1;
      else outcome.skippedRunning += 1;
      deps.log.info(`alarm trigger: ${result.outcome}`, where);
    } catch (error) {
      outcome.failed += 1;
      if (isTransient(error)) transient.push(error);
      const detail = error instanceof ServiceError ? { code: error.code, message: error.message, details: error.details } : { message: (error as Error).message };
      deps.log.error('alarm trigger could not start the task', { ...where, error: detail });
    }
  }
}

export async function handleAlarmEvent(deps: ServiceDeps, event: unknown): Promise<AlarmOutcome> {
  const outcome: AlarmOutcome = { started: 0, alreadyStarted: 0, skippedRunning: 0, ignored: 0, failed: 0 };
  const { changes, malformed } = parseAlarmEvent(event);
  for (const reason of malformed) {
    outcome.ignored += 1;
    deps.log.warn('ignored a message that is not an alarm state change', { reason });
  }
  const transient: unknown[] = [];
  for (const change of changes) {
    if (change.state !== 'ALARM') {
      outcome.ignored += 1;
      deps.log.info('ignored an alarm change out of ALARM', { alarmName: change.alarmName, state: change.state });
      continue;
    }
    await startForChange(deps, change, outcome, transient);
  }
  if (transient.length > 0) {
    throw new Error(`${transient.length} task start(s) failed for a passing reason; the delivery is retried`, { cause: transient[0] });
  }
  return outcome;
}

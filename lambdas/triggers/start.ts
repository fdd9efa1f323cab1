/**
 * Alarm changes → executions: on a change into ALARM, every task whose version in force names the alarm
 * starts, once per state change. Anything else is logged and ignored; only a transient failure of AWS
 * is thrown, so the Lambda's own bounded retries try again (the execution name keeps that safe).
 *
 * The outcome counts what happened and says it per message, in order (`messages`): for a change into ALARM,
 * each task that names the alarm with its outcome and execution; for any other message, why nothing started:
 *
 * | the message                           | ignored                                                         |
 * | ------------------------------------- | --------------------------------------------------------------- |
 * | not an alarm state change             | "not an alarm message: <what is missing>"                       |
 * | a change into OK or INSUFFICIENT_DATA | "the alarm went to OK, not ALARM: only a change into ALARM ..." |
 * | an alarm no task names                | "no task names alarm <name>"                                    |
 */
import type { ServiceDeps } from '#service/deps';
import { ServiceError } from '#service/errors';
import { startTriggered } from '#service/executions';
import { getTask, tasksForAlarm } from '#service/store';
import { alarmExecutionName, readAlarmMessages } from './alarms.ts';
import type { AlarmChange } from './alarms.ts';

export interface AlarmOutcome {
  started: number;
  alreadyStarted: number;
  skippedRunning: number;
  ignored: number;
  failed: number;
  /** Each message of the event, in order: the alarm change it holds, and what it did or why it did nothing. */
  messages: AlarmReport[];
}

export interface AlarmReport {
  readonly alarmName?: string;
  readonly state?: string;
  readonly time?: string;
  /** Why nothing started, when the message started nothing by itself (no task was tried). */
  readonly ignored?: string;
  /** Each task that names the alarm, when it went into ALARM. */
  readonly tasks: TaskReport[];
}

export interface TaskReport {
  readonly project: string;
  readonly task: string;
  readonly outcome: 'started' | 'already-started' | 'skipped-running' | 'failed';
  /** The execution it started, or the one that had started for this change before. */
  readonly execution?: { readonly name: string; readonly executionArn: string; readonly path: string };
  readonly error?: { readonly code?: string; readonly message: string };
}

function isTransient(error: unknown): boolean {
  for (let e = error as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.$retryable || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
    if (e.name === 'ThrottlingException' || e.name === 'TooManyRequestsException' || e.name === 'ProvisionedThroughputExceededException') return true;
  }
  return false;
}

async function startForChange(deps: ServiceDeps, change: AlarmChange, outcome: AlarmOutcome, transient: unknown[]): Promise<AlarmReport> {
  const about = { alarmName: change.alarmName, state: change.state, time: change.time };
  const tasks: TaskReport[] = [];
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
  const nobody = { ...about, ignored: `no task names alarm ${change.alarmName}`, tasks };
  if (targets.length === 0) {
    outcome.ignored += 1;
    deps.log.info('no task names this alarm', { alarmName: change.alarmName });
    return nobody;
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
      const execution = 'started' in result ? { name: result.started.name, executionArn: result.started.executionArn, path: result.started.path } : undefined;
      tasks.push({ project: target.project, task: target.task, outcome: result.outcome, ...(execution ? { execution } : {}) });
      deps.log.info(`alarm trigger: ${result.outcome}`, where);
    } catch (error) {
      outcome.failed += 1;
      if (isTransient(error)) transient.push(error);
      const detail = error instanceof ServiceError ? { code: error.code, message: error.message, details: error.details } : { message: (error as Error).message };
      tasks.push({ project: target.project, task: target.task, outcome: 'failed', error: error instanceof ServiceError ? { code: error.code, message: describe(error) } : { message: (error as Error).message } });
      deps.log.error('alarm trigger could not start the task', { ...where, error: detail });
    }
  }
  // The index named only tasks whose version in force no longer names the alarm.
  return tasks.length === 0 ? nobody : { ...about, tasks };
}

/** A service error's message with each of its details, on one line. */
function describe(error: ServiceError): string {
  return error.details.length === 0 ? error.message : `${error.message} ${error.details.map((d) => `${d.place}: ${d.message}`).join('; ')}`;
}

export async function handleAlarmEvent(deps: ServiceDeps, event: unknown): Promise<AlarmOutcome> {
  const outcome: AlarmOutcome = { started: 0, alreadyStarted: 0, skippedRunning: 0, ignored: 0, failed: 0, messages: [] };
  const transient: unknown[] = [];
  for (const message of readAlarmMessages(event)) {
    if ('malformed' in message) {
      outcome.ignored += 1;
      deps.log.warn('ignored a message that is not an alarm state change', { reason: message.malformed });
      outcome.messages.push({ ignored: `not an alarm message: ${message.malformed}`, tasks: [] });
      continue;
    }
    const { change } = message;
    if (change.state !== 'ALARM') {
      outcome.ignored += 1;
      deps.log.info('ignored an alarm change out of ALARM', { alarmName: change.alarmName, state: change.state });
      outcome.messages.push({
        alarmName: change.alarmName,
        state: change.state,
        time: change.time,
        ignored: `the alarm went to ${change.state}, not ALARM: only a change into ALARM starts tasks`,
        tasks: [],
      });
      continue;
    }
    outcome.messages.push(await startForChange(deps, change, outcome, transient));
  }
  if (transient.length > 0) {
    throw new Error(`${transient.length} task start(s) failed for a passing reason; the delivery is retried`, { cause: transient[0] });
  }
  return outcome;
}

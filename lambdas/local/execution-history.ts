/**
 * The history of a local execution, in Step Functions' event format (GetExecutionHistory's HistoryEvent): built
 * from the local engine's log (states entered, exited, failed; Map iterations) and from the provider calls of its
 * Task states, each linked by previousEventId to the event before it in the same state visit, as
 * lambdas/service/history.ts reads them: a Task state naming the function as its Resource records
 * LambdaFunctionScheduled (the event as `input`), LambdaFunctionStarted, then LambdaFunctionSucceeded (the answer as
 * `output`), LambdaFunctionFailed or LambdaFunctionTimedOut; a fired move's lambda:invoke records TaskScheduled,
 * TaskStarted and TaskSucceeded, as Step Functions does for each.
 *
 * The engine's log is read asynchronously, a little behind the engine; a provider call first lets it catch up
 * (one macrotask: the log is fed by microtasks only), so the call lands on the visit of its own state. A retry
 * is a new TaskScheduled on the same visit, as in Step Functions.
 */
import { setImmediate } from 'node:timers/promises';
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { EngineEvent, TaskCall } from '#engine/run';
import { settlePoll } from '#providers/contract';
import type { ProviderEvent, ProviderResult } from '#providers/contract';

/** How an execution ended, as DescribeExecution shows it. */
export interface ExecutionEnd {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

interface Visit {
  readonly state: string;
  readonly type: string;
  readonly thread: string;
  lastId: number;
  /** A provider call scheduled and not ended. */
  callOpen: boolean;
  /** That call names the function as the state's Resource (LambdaFunction* events). */
  direct?: boolean;
}

const LAMBDA = { resourceType: 'lambda', resource: 'invoke' } as const;

/** States whose visit can be cut short by a stop: Step Functions records `<Type>StateAborted` for them. */
const ABORTABLE = new Set(['Task', 'Wait', 'Map', 'Parallel']);

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export class ExecutionHistory {
  private readonly recorded: HistoryEvent[] = [];
  /** The last event of each thread (the execution itself: "", a Map iteration: its index). */
  private readonly lastOfThread = new Map<string, number>();
  /** The open visit of each state, per thread. */
  private readonly visits = new Map<string, Visit>();
  /**
   * Fired calls (`fire`) not yet recorded, by state and thread: the engine leaves a fired Task state at once, often
   * before its log has caught up with the call, so the call is recorded when the log reaches the state's exit.
   */
  private readonly fired = new Map<string, string>();
  private ended = false;

  constructor(
    private readonly region: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The events so far, oldest first. */
  get events(): readonly HistoryEvent[] {
    return this.recorded;
  }

  private add(type: HistoryEventType, details: Partial<HistoryEvent>, thread: string, previous?: number): number {
    const id = this.recorded.length + 1;
    const previousEventId = previous ?? this.lastOfThread.get(thread) ?? (this.recorded.length > 0 ? this.recorded.length : undefined);
    this.recorded.push({ timestamp: this.now(), type, id, ...(previousEventId !== undefined ? { previousEventId } : {}), ...details });
    this.lastOfThread.set(thread, id);
    return id;
  }

  started(details: { input: string; roleArn: string; stateMachineArn: string; stateMachineVersionArn?: string }): void {
    this.add(
      'ExecutionStarted',
      {
        executionStartedEventDetails: {
          input: details.input,
          inputDetails: { truncated: false },
          roleArn: details.roleArn,
          ...(details.stateMachineVersionArn ? { stateMachineVersionArn: details.stateMachineVersionArn } : {}),
        },
      },
      '',
    );
  }

  /** One event of the engine's log. The execution's own end is recorded by {@link end}. */
  engineEvent(event: EngineEvent): void {
    if (this.ended) return;
    switch (event.type) {
      case 'StateEntered': {
        const thread = event.index === undefined ? '' : String(event.index);
        const type = event.state.type;
        const id = this.add(
          `${type}StateEntered` as HistoryEventType,
          { stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input), inputDetails: { truncated: false } } },
          thread,
        );
        this.visits.set(`${event.state.name}\u0000${thread}`, { state: event.state.name, type, thread, lastId: id, callOpen: false });
        break;
      }
      case 'StateExited': {
        const thread = event.index === undefined ? '' : String(event.index);
        const key = `${event.state.name}\u0000${thread}`;
        const visit = this.visits.get(key);
        this.visits.delete(key);
        if (event.state.type === 'Fail') break;
        const fired = this.fired.get(key);
        if (visit && fired !== undefined) {
          this.fired.delete(key);
          this.recordFired(visit, fired);
        }
        this.add(
          `${event.state.type}StateExited` as HistoryEventType,
          { stateExitedEventDetails: { name: event.state.name, output: json(event.state.output), outputDetails: { truncated: false } } },
          thread,
          visit?.lastId,
        );
        break;
      }
      case 'StateFailed': {
        // A provider call cut short by the engine (the state's TimeoutSeconds): the call ends here.
        const thread = event.index === undefined ? '' : String(event.index);
        const visit = this.visits.get(`${event.state.name}\u0000${thread}`);
        if (!visit?.callOpen) break;
        visit.callOpen = false;
        const cause = typeof event.Cause === 'string' ? event.Cause : json(event.Cause);
        if (visit.direct) {
          const failure = { error: event.Error, cause };
          visit.lastId =
            event.Error === 'States.Timeout'
              ? this.add('LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: failure }, thread, visit.lastId)
              : this.add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: failure }, thread, visit.lastId);
          break;
        }
        const failure = { ...LAMBDA, error: event.Error, cause };
        visit.lastId =
          event.Error === 'States.Timeout'
            ? this.add('TaskTimedOut', { taskTimedOutEventDetails: failure }, thread, visit.lastId)
            : this.add('TaskFailed', { taskFailedEventDetails: failure }, thread, visit.lastId);
        break;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const details = { name: event.parentState.name, index: event.index };
        const key = {
          MapIterationStarted: 'mapIterationStartedEventDetails',
          MapIterationSucceeded: 'mapIterationSucceededEventDetails',
          MapIterationFailed: 'mapIterationFailedEventDetails',
        }[event.type];
        this.add(event.type, { [key]: details }, String(event.index), this.lastOfThread.get(String(event.index)) ?? this.lastOfThread.get(''));
        break;
      }
      default:
        // StateRetried and StateCaught have no event of their own in Step Functions (a retry is the next
        // TaskScheduled); the execution's end is recorded by end().
        break;
    }
  }

  /**
   * Records one provider call of a Task state around `run`: LambdaFunctionScheduled and LambdaFunctionStarted, then
   * LambdaFunctionSucceeded with the answer or LambdaFunctionFailed with the error's name and message (a state that
   * calls through lambda:invoke: TaskScheduled, TaskStarted, then TaskSucceeded with the invoke's output
   * ({ Payload, StatusCode }) or TaskFailed). A poll
   * still waiting is a TaskFailed Mastermind.Waiting, as the provider Lambda throws it. A fired call (`fire`)
   * succeeds with StatusCode 202, recorded when the engine leaves its state; its own outcome is not part of the
   * execution (as on AWS, where Lambda runs an Event invocation on its own).
   */
  async call(call: TaskCall, event: ProviderEvent, run: () => Promise<ProviderResult>): Promise<ProviderResult> {
    const thread = event.context.item === undefined ? '' : String(event.context.item);
    if (call.fired) {
      // Called by the engine before it leaves the state: recorded at the state's exit (see `fired`).
      if (!this.ended) this.fired.set(`${call.state}\u0000${thread}`, json({ FunctionName: call.functionName, Payload: event, InvocationType: 'Event' }));
      return run();
    }
    await setImmediate();
    const visit = this.ended ? undefined : this.visits.get(`${call.state}\u0000${thread}`);
    if (!visit) return run();
    visit.direct = call.direct === true;
    if (visit.direct) {
      const scheduled = { resource: call.functionName, input: json(event), inputDetails: { truncated: false } };
      visit.lastId = this.add('LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: scheduled }, thread, visit.lastId);
      visit.lastId = this.add('LambdaFunctionStarted', {}, thread, visit.lastId);
    } else {
      const parameters = json({ FunctionName: call.functionName, Payload: event });
      visit.lastId = this.add('TaskScheduled', { taskScheduledEventDetails: { ...LAMBDA, region: this.region, parameters } }, thread, visit.lastId);
      visit.lastId = this.add('TaskStarted', { taskStartedEventDetails: { ...LAMBDA } }, thread, visit.lastId);
    }
    visit.callOpen = true;
    const ended = () => {
      const open = visit.callOpen && !this.ended;
      visit.callOpen = false;
      return open;
    };
    let result: ProviderResult;
    try {
      result = await run();
    } catch (error) {
      if (ended()) this.failed(visit, error);
      throw error;
    }
    if (ended()) {
      try {
        settlePoll(event.phase, result);
        visit.lastId = visit.direct
          ? this.add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: json(result), outputDetails: { truncated: false } } }, visit.thread, visit.lastId)
          : this.add(
          'TaskSucceeded',
          { taskSucceededEventDetails: { ...LAMBDA, output: json({ ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 }), outputDetails: { truncated: false } } },
          visit.thread,
          visit.lastId,
        );
      } catch (waiting) {
        this.failed(visit, waiting);
      }
    }
    return result;
  }

  /**
   * Records one call of a Step Functions service integration (the hand-over of a task played as a chain of executions:
   * lambdas/task/compiler/handover.ts): TaskScheduled and TaskStarted, then TaskSucceeded with the call's answer or
   * TaskFailed, as Step Functions records `arn:aws:states:::<resourceType>:<resource>`.
   */
  async serviceCall<T>(state: string, integration: { resourceType: string; resource: string }, parameters: unknown, run: () => Promise<T>): Promise<T> {
    await setImmediate();
    const visit = this.ended ? undefined : this.visits.get(`${state}\u0000`);
    if (!visit) return run();
    visit.lastId = this.add('TaskScheduled', { taskScheduledEventDetails: { ...integration, region: this.region, parameters: json(parameters) } }, '', visit.lastId);
    visit.lastId = this.add('TaskStarted', { taskStartedEventDetails: { ...integration } }, '', visit.lastId);
    let result: T;
    try {
      result = await run();
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      if (!this.ended) visit.lastId = this.add('TaskFailed', { taskFailedEventDetails: { ...integration, error: name, cause: message } }, '', visit.lastId);
      throw error;
    }
    if (!this.ended) {
      visit.lastId = this.add('TaskSucceeded', { taskSucceededEventDetails: { ...integration, output: json(result), outputDetails: { truncated: false } } }, '', visit.lastId);
    }
    return result;
  }

  /** A fired call, as Step Functions records an Event invocation: accepted (202), its own outcome never comes back. */
  private recordFired(visit: Visit, parameters: string): void {
    visit.lastId = this.add('TaskScheduled', { taskScheduledEventDetails: { ...LAMBDA, region: this.region, parameters } }, visit.thread, visit.lastId);
    visit.lastId = this.add('TaskStarted', { taskStartedEventDetails: { ...LAMBDA } }, visit.thread, visit.lastId);
    visit.lastId = this.add(
      'TaskSucceeded',
      { taskSucceededEventDetails: { ...LAMBDA, output: json({ Payload: '', StatusCode: 202 }), outputDetails: { truncated: false } } },
      visit.thread,
      visit.lastId,
    );
  }

  private failed(visit: Visit, error: unknown): void {
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    if (visit.direct) {
      visit.lastId = this.add('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: name, cause: message } }, visit.thread, visit.lastId);
      return;
    }
    visit.lastId = this.add('TaskFailed', { taskFailedEventDetails: { ...LAMBDA, error: name, cause: message } }, visit.thread, visit.lastId);
  }

  /** The execution's end; an aborted execution first closes the states it was in. Later events are dropped. */
  end(end: ExecutionEnd): void {
    if (this.ended) return;
    switch (end.status) {
      case 'SUCCEEDED':
        this.add('ExecutionSucceeded', { executionSucceededEventDetails: { output: end.output ?? 'null', outputDetails: { truncated: false } } }, '', this.recorded.length);
        break;
      case 'FAILED':
        this.add('ExecutionFailed', { executionFailedEventDetails: this.failure(end) }, '', this.recorded.length);
        break;
      case 'TIMED_OUT':
        this.add('ExecutionTimedOut', { executionTimedOutEventDetails: this.failure(end) }, '', this.recorded.length);
        break;
      case 'ABORTED':
        for (const visit of this.visits.values()) {
          if (ABORTABLE.has(visit.type)) this.add(`${visit.type}StateAborted` as HistoryEventType, {}, visit.thread, visit.lastId);
        }
        this.add('ExecutionAborted', { executionAbortedEventDetails: this.failure(end) }, '', this.recorded.length);
        break;
    }
    this.ended = true;
  }

  private failure(end: ExecutionEnd): { error?: string; cause?: string } {
    return { ...(end.error !== undefined ? { error: end.error } : {}), ...(end.cause !== undefined ? { cause: end.cause } : {}) };
  }
}

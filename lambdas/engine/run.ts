/**
 * Runs a compiled definition on the local engine (aws-local-stepfunctions), with every provider Lambda
 * replaced by an in-process handler. Rehearsal (./rehearsal.ts) and local mode plug their handlers in here.
 *
 * The engine needs Promise.withResolvers (Node >= 22): ./polyfill.ts is loaded before it.
 */
import './polyfill.ts';
import { randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import type { ProviderName } from '#task/catalog';
import type { State, StateMachineDefinition } from '#task/compiler/asl';
import { INVOKE } from '#task/compiler/states';
import { joinContext, settleAnswer, settlePoll, settlePollError, waitsInItsTask } from '#providers/contract';
import { resolveLate } from '#providers/late';
import type { ProviderEvent, ProviderResult } from '#providers/contract';
import { START_EXECUTION } from '#task/compiler/handover';

/** Which Task state made a provider call (local mode's Step Functions records it in the execution's history). */
export interface TaskCall {
  /** The Task state's name. */
  readonly state: string;
  /** The function the state invokes (its FunctionName). */
  readonly functionName: string;
  /** Invoked with InvocationType Event (`fire`): the state went on without waiting for the answer. */
  readonly fired: boolean;
  /**
   * The state names the function as its Resource (Step Functions' Lambda task, recorded as LambdaFunctionScheduled,
   * ...), rather than calling it through lambda:invoke (TaskScheduled, ...): every move but a fired one.
   */
  readonly direct?: boolean;
}

export type ProviderHandler = (event: ProviderEvent, provider: ProviderName, call?: TaskCall) => Promise<ProviderResult>;

/** An event of the local engine's log (StateEntered, StateExited, StateFailed, StateRetried, ExecutionFailed, ...). */
export type EngineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** One provider call: a move of a henchman, as the engine saw it. */
export interface Move {
  henchman: string;
  /** The event's phase, as the provider was called. */
  phase: 'do' | 'undo' | 'poll';
  /**
   * With phase "poll": the move it waits on, the henchman's do or its undo ("provision:undo", then polls of
   * the undo, each with action "terminate" and pollOf "undo"). A poll always follows the do or undo call of
   * the same henchman (and `each` item) that asked for it, and the two never overlap, so it is the phase of
   * that henchman's (and item's) last do or undo call.
   */
  pollOf?: 'do' | 'undo';
  action: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: { name: string; message: string };
  startedAt: Date;
  endedAt: Date;
}

export interface RunOptions {
  handler: ProviderHandler;
  executionId?: string;
  /** Waits and retry pauses take no time (rehearsal). */
  skipWaits?: boolean;
  onMove?: (move: Move) => void;
  /** Which provider a function ARN belongs to, when its name does not say (…mastermind-ec2 does). */
  providers?: Partial<Record<ProviderName, string>>;
  /** Aborting it stops the execution (status ABORTED); a provider call under way is not waited for. */
  signal?: AbortSignal;
  /**
   * The state machine the execution runs ($$.StateMachine.Id): a task played as a chain of executions hands over to
   * a new execution of it (lambdas/task/compiler/handover.ts).
   */
  stateMachineArn?: string;
  /**
   * Starts the next execution of a chain (the "task: hand over" state's StartExecution request) and answers as the
   * service integration does. Left out, runTask plays the chain itself: the next execution runs in-process once this
   * one has ended, and the result is the chain's (its moves, its transitions, the last execution's end).
   */
  handOver?: (request: HandOverRequest, state: string) => Promise<{ ExecutionArn: string; StartDate: string }>;
  /** Each event of the engine's log, in order, as it is read. */
  onEvent?: (event: EngineEvent) => void;
}

/** The request of a "task: hand over" state: StartExecution of the same state machine with the next input. */
export interface HandOverRequest {
  readonly StateMachineArn: string;
  readonly Input: { params?: object; trigger?: object; resume?: object };
}

/** The state machine ARN an execution runs when the caller names none (rehearsal, benchmarks). */
export const LOCAL_STATE_MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:mastermind-local';

export type RunStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface RunResult {
  status: RunStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  moves: Move[];
  /** State transitions: every state entered and every retry, inside Map iterations too (what a Standard workflow bills). */
  transitions: number;
  /** The executions a chain handed over to, in order (a task played as a chain of executions played in-process). */
  handedOver?: string[];
}

const PROVIDER_IN_NAME = /(ec2|ssh|chef)/gi;

/** The provider of a function ARN: from the options, else the last provider name inside the function's name. */
export function providerOf(functionName: string, providers: RunOptions['providers'] = {}): ProviderName {
  for (const [provider, arn] of Object.entries(providers)) if (arn === functionName) return provider as ProviderName;
  const found = [...functionName.split(':').pop()!.matchAll(PROVIDER_IN_NAME)].pop();
  if (!found) throw new Error(`no provider is known for the function ${functionName}`);
  return found[1]!.toLowerCase() as ProviderName;
}

/** Every state of the definition with its name, Map processors included. */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) =>
    state.Type === 'Map' ? [[name, state] as [string, State], ...allStates(state.ItemProcessor.States)] : [[name, state] as [string, State]],
  );
}

function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

export async function runTask(
  definition: StateMachineDefinition,
  input: { params?: object; trigger?: object; resume?: object },
  options: RunOptions,
): Promise<RunResult> {
  const moves: Move[] = [];
  const fired: Promise<void>[] = [];
  /** Per henchman and item: the phase of its last do or undo call, which its polls belong to. */
  const polled = new Map<string, 'do' | 'undo'>();

  async function call(request: { FunctionName: string; Payload: ProviderEvent; InvocationType?: string; direct?: boolean }, state: string): Promise<ProviderResult> {
    // As the provider runtime does: the context's two parts (the execution's, the move's) joined into one.
    const inItsTask = waitsInItsTask(request.Payload);
    const { late, ...event } = joinContext(request.Payload);
    const startedAt = new Date();
    const key = `${event.context.henchman}\u0000${event.context.item ?? ''}`;
    if (event.phase !== 'poll') polled.set(key, event.phase);
    const pollOf = event.phase === 'poll' ? { pollOf: polled.get(key) ?? 'do' } : {};
    const record = (move: Omit<Move, 'henchman' | 'phase' | 'pollOf' | 'action' | 'startedAt' | 'endedAt'>) => {
      const full: Move = { henchman: event.context.henchman, phase: event.phase, ...pollOf, action: event.action, ...move, startedAt, endedAt: new Date() };
      moves.push(full);
      options.onMove?.(full);
    };
    let result: ProviderResult;
    try {
      // As the provider runtime does: the values the state machine could not prove present are completed first (a
      // missing one fails the move with Mastermind.Invalid), so every in-process handler gets a complete input.
      const input = resolveLate(event.input, late, event.context.henchman);
      result = await options.handler({ ...event, input }, providerOf(request.FunctionName, options.providers), {
        state,
        functionName: request.FunctionName,
        fired: request.InvocationType === 'Event',
        direct: request.direct === true,
      });
    } catch (error) {
      record({ status: 'failed', error: errorOf(error) });
      // As the provider runtime does: a poll's passing failure is one more round of waiting.
      throw settlePollError(event.phase, error);
    }
    record({ status: 'succeeded', output: result });
    // As the provider runtime does: a poll still waiting (its answer recorded above) is thrown as
    // Mastermind.Waiting, which the polling Task state's Retry takes; and an answer is { output } or { poll } and
    // nothing else (the state machine keeps a done move's answer as its record).
    const settled = settlePoll(event.phase, result);
    return 'output' in settled ? { output: settled.output } : settleAnswer(event, settled, inItsTask);
  }

  const taskHandlers: Record<string, (input: unknown) => Promise<never>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  // A task played as a chain of executions: the next execution's input, when runTask plays the chain itself.
  let next: { arn: string; input: HandOverRequest['Input'] } | undefined;
  const stateMachineArn = options.stateMachineArn ?? LOCAL_STATE_MACHINE;
  for (const [name, state] of allStates(definition.States)) {
    if (state.Type === 'Task' && (state as { Resource?: string }).Resource === START_EXECUTION) {
      taskHandlers[name] = (async (request: HandOverRequest) => {
        if (options.signal?.aborted) throw new ExecutionAbortedError();
        if (options.handOver) return options.handOver(request, name);
        const arn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${randomUUID()}`;
        next = { arn, input: request.Input };
        return { ExecutionArn: arn, StartDate: new Date().toISOString() };
      }) as unknown as (input: unknown) => Promise<never>;
      continue;
    }
    if (state.Type === 'Task') {
      // A Task state names the provider function as its Resource (its Parameters are the event, its result the
      // answer), or calls it through lambda:invoke (a fired move: { FunctionName, Payload, InvocationType: Event }).
      const direct = state.Resource !== INVOKE;
      const resource = state.Resource;
      taskHandlers[name] = (async (input: unknown) => {
        // The engine may still be finishing a retry pause when the execution is aborted: no provider is called then.
        if (options.signal?.aborted) throw new ExecutionAbortedError();
        if (direct) return call({ FunctionName: resource, Payload: input as ProviderEvent, direct: true }, name);
        const request = input as { FunctionName: string; Payload: ProviderEvent; InvocationType?: string };
        if (request.InvocationType === 'Event') {
          fired.push(call(request, name).then(() => undefined, () => undefined));
          return { StatusCode: 202, Payload: '' };
        }
        return { StatusCode: 200, Payload: await call(request, name) };
      }) as unknown as (input: unknown) => Promise<never>;
      if (options.skipWaits) retries[name] = 0;
    }
    if (state.Type === 'Wait' && options.skipWaits) waits[name] = 0;
    if (state.Type === 'Map' && options.skipWaits) retries[name] = 0;
  }

  // A copy: the engine writes into the definition it runs (JsonMerge merges into a Pass state's Result, for one), and
  // the caller's definition must stay as compiled for the next run.
  const machine = new StateMachine(structuredClone(definition) as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const id = options.executionId ?? `local:${randomUUID()}`;
  // Passed as given: the start states fill in what is left out, as they do for a run started from the console.
  const given = {
    ...(input.params ? { params: input.params } : {}),
    ...(input.trigger ? { trigger: input.trigger } : {}),
    ...(input.resume ? { resume: input.resume } : {}),
  };
  const execution = machine.run(given as never, {
    overrides: { taskResourceLocalHandlers: taskHandlers as never, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    context: {
      Execution: { Id: id, Name: id.split(':').pop(), StartTime: new Date().toISOString(), Input: input as never },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() },
    } as never,
  });

  const abort = () => execution.abort();
  if (options.signal?.aborted) abort();
  else options.signal?.addEventListener('abort', abort, { once: true });

  let transitions = 0;
  let failure: { error?: string; cause?: string } = {};
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      options.onEvent?.(event);
      // A retry is billed as a transition too (it is how a poll asks again: ../task/compiler/poll.ts).
      if (event.type === 'StateEntered' || event.type === 'StateRetried') transitions += 1;
      if (event.type === 'ExecutionFailed') failure = { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause) };
    }
  })();

  let status: RunStatus = 'SUCCEEDED';
  let output: unknown;
  let thrown: unknown;
  try {
    output = await execution.result;
  } catch (error) {
    thrown = error;
    status = error instanceof ExecutionTimeoutError ? 'TIMED_OUT' : error instanceof ExecutionAbortedError ? 'ABORTED' : 'FAILED';
  }
  options.signal?.removeEventListener('abort', abort);
  await events;
  // An aborted execution does not wait for the moves it fired.
  if (status !== 'ABORTED') await Promise.all(fired);
  if (status === 'FAILED' && !failure.error) failure = { error: errorOf(thrown).name, cause: errorOf(thrown).message };
  const result: RunResult = { status, ...(status === 'SUCCEEDED' ? { output } : failure), moves, transitions };
  if (status !== 'SUCCEEDED' || !next) return result;
  // The chain goes on in-process: the next execution from where this one handed over.
  const rest = await runTask(definition, next.input, { ...options, executionId: next.arn });
  return { ...rest, moves: [...moves, ...rest.moves], transitions: transitions + rest.transitions, handedOver: [next.arn, ...(rest.handedOver ?? [])] };
}

import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { causeMessage, executionContext, henchmanOfState, summarizeHistory } from '#service/history';
import { definitionFacts } from '#service/standing';

const at = (second: number) => new Date(Date.UTC(2025, 2, 4, 5, 6, second));
const payload = (henchman: string, phase: string, action: string) =>
  JSON.stringify({
    FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:mastermind-ec2',
    Payload: { action, input: {}, phase, context: { project: 'web', task: 'scale-out', version: 3, execution: 'arn:x', henchman, attempt: 1 } },
  });

/** A launch that failed once (transient, retried) then succeeded; a configure that failed; the launch undone. */
const EVENTS: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: at(0), executionStartedEventDetails: { input: '{}', roleArn: 'arn:role' } },
  { id: 2, previousEventId: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision', input: '{}' } },
  { id: 3, previousEventId: 2, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'do', 'launch') } },
  { id: 4, previousEventId: 3, type: 'TaskStarted', timestamp: at(1), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
  { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Transient', cause: 'throttled' } },
  { id: 6, previousEventId: 5, type: 'TaskScheduled', timestamp: at(4), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'do', 'launch') } },
  { id: 7, previousEventId: 6, type: 'TaskStarted', timestamp: at(4), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
  { id: 8, previousEventId: 7, type: 'TaskSucceeded', timestamp: at(5), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ StatusCode: 200, Payload: { output: { instanceId: 'i-0abc' } } }) } },
  { id: 9, previousEventId: 8, type: 'TaskStateExited', timestamp: at(5), stateExitedEventDetails: { name: 'provision', output: '{}' } },
  { id: 10, previousEventId: 9, type: 'TaskStateEntered', timestamp: at(6), stateEnteredEventDetails: { name: 'configure', input: '{}' } },
  { id: 11, previousEventId: 10, type: 'TaskScheduled', timestamp: at(6), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('configure', 'do', 'bootstrap') } },
  { id: 12, previousEventId: 11, type: 'TaskStarted', timestamp: at(6), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
  { id: 13, previousEventId: 12, type: 'TaskFailed', timestamp: at(9), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Failed', cause: 'chef-client exited 1' } },
  { id: 14, previousEventId: 13, type: 'TaskStateEntered', timestamp: at(10), stateEnteredEventDetails: { name: 'provision: undo', input: '{}' } },
  { id: 15, previousEventId: 14, type: 'TaskScheduled', timestamp: at(10), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'undo', 'terminate') } },
  { id: 16, previousEventId: 15, type: 'TaskStarted', timestamp: at(10), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
];

describe('summarizing an execution history per henchman', () => {
  it('lists each move with its phase, attempts, start, end and output or error', () => {
    expect(summarizeHistory(EVENTS)).toStrictEqual([
      {
        henchman: 'provision',
        status: 'running',
        moves: [
          { state: 'provision', phase: 'do', action: 'launch', attempts: 2, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:05.000Z', status: 'succeeded', output: { instanceId: 'i-0abc' } },
          { state: 'provision: undo', phase: 'undo', action: 'terminate', attempts: 1, start: '2025-03-04T05:06:10.000Z', status: 'running' },
        ],
      },
      {
        henchman: 'configure',
        status: 'failed',
        moves: [
          {
            state: 'configure',
            phase: 'do',
            action: 'bootstrap',
            attempts: 1,
            start: '2025-03-04T05:06:06.000Z',
            end: '2025-03-04T05:06:09.000Z',
            status: 'failed',
            error: { error: 'Mastermind.Failed', cause: 'chef-client exited 1' },
          },
        ],
      },
    ]);
  });

  it('shows a move that asked to be polled as waiting', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision' } },
      { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'do', 'launch') } },
      { id: 3, previousEventId: 2, type: 'TaskSucceeded', timestamp: at(2), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"poll":{"after":15,"state":{}}}}' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'provision',
        status: 'waiting',
        moves: [{ state: 'provision', phase: 'do', action: 'launch', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:02.000Z', status: 'waiting', pollAfter: 15 }],
      },
    ]);
  });

  it('counts the rounds of a poll as attempts, waiting while it asks again, succeeded when it answers', () => {
    const waitingFailure = { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Waiting', cause: '{"errorMessage":"not done yet"}' };
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision: poll' } },
      { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'poll', 'launch') } },
      { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: waitingFailure },
      { id: 4, previousEventId: 3, type: 'TaskScheduled', timestamp: at(12), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'poll', 'launch') } },
      { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(13), taskFailedEventDetails: waitingFailure },
    ];
    const answered: HistoryEvent[] = [
      { id: 6, previousEventId: 5, type: 'TaskScheduled', timestamp: at(23), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'poll', 'launch') } },
      { id: 7, previousEventId: 6, type: 'TaskSucceeded', timestamp: at(24), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"output":{"instanceId":"i-1"}}}' } },
      { id: 8, previousEventId: 7, type: 'TaskStateExited', timestamp: at(24), stateExitedEventDetails: { name: 'provision: poll' } },
    ];
    const move = { state: 'provision: poll', phase: 'poll', action: 'launch', start: '2025-03-04T05:06:01.000Z' };
    expect(summarizeHistory(events)).toStrictEqual([
      { henchman: 'provision', status: 'waiting', moves: [{ ...move, attempts: 2, end: '2025-03-04T05:06:13.000Z', status: 'waiting' }] },
    ]);
    expect(summarizeHistory([...events, ...answered])).toStrictEqual([
      { henchman: 'provision', status: 'succeeded', moves: [{ ...move, attempts: 3, end: '2025-03-04T05:06:24.000Z', status: 'succeeded', output: { instanceId: 'i-1' } }] },
    ]);
  });

  it('shows a poll still waiting when it leaves its state (the timeout was up) as failed with States.Timeout', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision: poll' } },
      { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'poll', 'launch') } },
      { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Waiting', cause: '{}' } },
      { id: 4, previousEventId: 3, type: 'TaskStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'provision: poll' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'provision',
        status: 'failed',
        moves: [
          {
            state: 'provision: poll',
            phase: 'poll',
            action: 'launch',
            attempts: 1,
            start: '2025-03-04T05:06:01.000Z',
            end: '2025-03-04T05:06:02.000Z',
            status: 'failed',
            error: { error: 'States.Timeout', cause: "still waiting when the henchman's timeout was up" },
          },
        ],
      },
    ]);
  });

  it('shows the message of a Lambda function error, not its JSON and stack trace, and any other cause as it is', () => {
    // A provider's error as Step Functions records it (lambda:invoke): the function error's JSON.
    const lambdaCause = JSON.stringify({ errorType: 'Mastermind.Failed', errorMessage: 'chef-client exited 1', trace: ['Mastermind.Failed: chef-client exited 1', '    at run (/var/task/index.mjs:1:1)'] });
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'configure' } },
      { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('configure', 'do', 'bootstrap') } },
      { id: 3, previousEventId: 2, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Failed', cause: lambdaCause } },
    ];
    expect(summarizeHistory(events)[0]!.moves[0]!.error).toStrictEqual({ error: 'Mastermind.Failed', cause: 'chef-client exited 1' });
    expect(causeMessage(lambdaCause)).toBe('chef-client exited 1');
    expect(causeMessage('provision was still waiting after 5m')).toBe('provision was still waiting after 5m');
    expect(causeMessage('{"not":"a function error"}')).toBe('{"not":"a function error"}');
    expect(causeMessage(undefined)).toBeUndefined();
  });

  it('shows a move whose execution was stopped while it was under way as stopped', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision: poll' } },
      { id: 2, previousEventId: 1, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('provision', 'poll', 'launch') } },
      { id: 3, previousEventId: 2, type: 'TaskStateAborted', timestamp: at(4), stateExitedEventDetails: { name: 'provision: poll' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'provision',
        status: 'stopped',
        moves: [{ state: 'provision: poll', phase: 'poll', action: 'launch', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:04.000Z', status: 'stopped' }],
      },
    ]);
  });

  it('reads the project, task and version from the first move', () => {
    expect(executionContext(EVENTS)).toStrictEqual({ project: 'web', task: 'scale-out', version: 3 });
    expect(executionContext([])).toStrictEqual({});
  });
});

describe('reading the undo walk of a definition', () => {
  it('names the henchman of a helper state, the undo walk\'s included', () => {
    expect(['configure: retreat?', 'undo: provision', 'undo: provision poll', 'undo: web-2 items', 'replay: web-2 counted', 'walk: step?', 'provision'].map(henchmanOfState)).toStrictEqual([
      'configure',
      'provision',
      'provision',
      'web-2',
      'web-2',
      'walk',
      'provision',
    ]);
  });

  it("finds the henchmen the rollback undoes: each one's undo with \"task: rollback\", or the guards of a definition compiled before the walk", () => {
    const states = (...names: string[]) => JSON.stringify({ States: Object.fromEntries(names.map((n) => [n, { Type: 'Pass' }])) });
    expect(definitionFacts(states('task: rollback', 'walk: step?', 'undo: a', 'undo: a poll?', 'undo: b items', 'replay: c')).rollback).toStrictEqual(['a', 'b']);
    // Undo states without "task: rollback" serve retreats only.
    expect(definitionFacts(states('walk: step?', 'undo: a', 'replay: a')).rollback).toStrictEqual([]);
    expect(definitionFacts(states('rollback: a?', 'rollback: a', 'rollback: a poll?', 'rollback: b?')).rollback).toStrictEqual(['a', 'b']);
  });
});

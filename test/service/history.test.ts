import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { causeMessage, executionContext, henchmanOfState, stateRole, summarizeHistory, unmetExpects } from '#service/history';
import { definitionFacts } from '#service/standing';

const at = (second: number) => new Date(Date.UTC(2025, 2, 4, 5, 6, second));
/** What the state machine hands each move's provider (a poll round is handed `{}` here, so that it shows if read). */
const INPUTS: Readonly<Record<string, { input: object; secrets?: object[] }>> = {
  'provision do': { input: { imageId: 'ami-0123456789abcdef0', instanceType: 't3.small', tags: { role: 'web' } } },
  'provision undo': { input: { instanceId: 'i-0abc' } },
  'configure do': {
    input: { host: '10.0.0.5', user: 'ops', key: '${secret:/mastermind/web/ssh-key}', runList: ['role[web]'] },
    secrets: [{ path: ['key'], text: '${secret:/mastermind/web/ssh-key}' }],
  },
  'reachable do': { input: { host: '10.0.0.5', port: 22 } },
  'notify do': { input: { host: '10.0.0.9', command: 'logger scaled' } },
  'check do': { input: { host: '10.0.0.5', command: 'cat /tmp/state' } },
  'probe do': { input: { command: 'test -e /etc/ready' } },
};
const INPUT = (henchman: string) => INPUTS[`${henchman} do`]!.input;
const payload = (henchman: string, phase: string, action: string, more: object = {}) =>
  JSON.stringify({
    FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:mastermind-ec2',
    Payload: { action, ...(INPUTS[`${henchman} ${phase}`] ?? { input: {} }), phase, context: { project: 'web', task: 'scale-out', version: 3, execution: 'arn:x', henchman, attempt: 1 } },
    ...more,
  });
/** A provider call that threw, as Step Functions records it (lambda:invoke): its cause the JSON of the function's error. */
const failedCall = (id: number, second: number, error: string, message: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: 'TaskFailed',
  timestamp: at(second),
  taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error, cause: JSON.stringify({ errorType: error, errorMessage: message, trace: [] }) },
});
/** A poll round not done yet: Mastermind.Waiting, with the action's words. */
const waiting = (id: number, second: number, words: string): HistoryEvent => failedCall(id, second, 'Mastermind.Waiting', `still waiting for ${words}`);

const scheduled = (id: number, second: number, henchman: string, phase: string, action: string): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  type: 'TaskScheduled',
  timestamp: at(second),
  taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload(henchman, phase, action) },
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
          { state: 'provision', phase: 'do', action: 'launch', attempts: 2, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:05.000Z', status: 'succeeded', input: INPUT('provision'), output: { instanceId: 'i-0abc' } },
          { state: 'provision: undo', phase: 'undo', action: 'terminate', attempts: 1, start: '2025-03-04T05:06:10.000Z', status: 'running', input: { instanceId: 'i-0abc' } },
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
            input: { host: '10.0.0.5', user: 'ops', key: '${secret:/mastermind/web/ssh-key}', runList: ['role[web]'] },
            error: { error: 'Mastermind.Failed', cause: 'chef-client exited 1' },
          },
        ],
      },
    ]);
  });

  it('shows the input each move was handed: a secret as its reference text, the late values filled in as the provider fills them', () => {
    // Prepare: as Step Functions records it on AWS, the event with its late marks (lambdas/providers/contract.ts).
    const handed = (id: number, henchman: string, event: object): HistoryEvent => ({
      id,
      previousEventId: id - 1,
      type: 'TaskScheduled',
      timestamp: at(1),
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        region: 'eu-west-1',
        parameters: JSON.stringify({ FunctionName: 'f', Payload: { action: 'run', phase: 'do', ...event, context: { project: 'web', task: 't', version: 1, execution: 'x', henchman, attempt: 1 } } }),
      },
    });
    const secret = '${secret:/mastermind/web/ssh-key}';
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'connect' } },
      handed(2, 'connect', {
        input: { host: { host: '10.0.0.7', reason: 'cpu' }, key: secret, command: { template: 'add-backend {{0}}', values: [{ host: '10.0.0.7', reason: 'cpu' }] } },
        secrets: [{ path: ['key'], text: secret }],
        late: [
          { path: ['host'], text: '${trigger.body.host}', at: ['host'] },
          { path: ['command', 'values', 0], text: '${trigger.body.host}', at: ['host'] },
        ],
      }),
      { id: 3, type: 'TaskStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'lost' } },
      handed(4, 'lost', { input: { host: { reason: 'cpu' }, key: secret }, late: [{ path: ['host'], text: '${trigger.body.host}', at: ['host'] }] }),
      { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(2), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Invalid', cause: 'lost: ${trigger.body.host} has no value in this execution' } },
    ];

    // Act
    const [connect, lost] = summarizeHistory(events);

    // Assess
    expect(connect!.moves[0]!.input).toStrictEqual({ host: '10.0.0.7', key: secret, command: { template: 'add-backend {{0}}', values: ['10.0.0.7'] } });
    // A value that was not there: the input as it came, beside the error that names the reference.
    expect([lost!.moves[0]!.input, lost!.moves[0]!.error?.error]).toStrictEqual([{ host: { reason: 'cpu' }, key: secret }, 'Mastermind.Invalid']);
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
        moves: [{ state: 'provision', phase: 'do', action: 'launch', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:02.000Z', status: 'waiting', input: INPUT('provision'), pollAfter: 15 }],
      },
    ]);
  });

  it('counts the looks of a poll as the move\'s rounds, says what it waits for, and ends it with the answer', () => {
    // Prepare: the do answers "ask again" (with its words), two rounds throw Mastermind.Waiting (as a Lambda error), the third answers.
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision' } },
      scheduled(2, 1, 'provision', 'do', 'launch'),
      { id: 3, previousEventId: 2, type: 'TaskSucceeded', timestamp: at(2), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ Payload: { poll: { after: 10, state: {}, waitingFor: 'i-1 to be running (now: i-1 pending)' } } }) } },
      { id: 4, previousEventId: 3, type: 'TaskStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'provision' } },
      { id: 5, previousEventId: 4, type: 'ChoiceStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'provision: poll?' } },
      { id: 6, previousEventId: 5, type: 'WaitStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'provision: wait' } },
      { id: 7, previousEventId: 6, type: 'TaskStateEntered', timestamp: at(12), stateEnteredEventDetails: { name: 'provision: poll' } },
      scheduled(8, 12, 'provision', 'poll', 'launch'),
      waiting(9, 13, 'i-1 to be running (now: i-1 pending)'),
    ];
    const more: HistoryEvent[] = [
      scheduled(10, 23, 'provision', 'poll', 'launch'),
      waiting(11, 24, 'i-1 to be running (now: i-1 not listed yet)'),
    ];
    const answered: HistoryEvent[] = [
      scheduled(12, 34, 'provision', 'poll', 'launch'),
      { id: 13, previousEventId: 12, type: 'TaskSucceeded', timestamp: at(35), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"output":{"instanceId":"i-1"}}}' } },
      { id: 14, previousEventId: 13, type: 'TaskStateExited', timestamp: at(35), stateExitedEventDetails: { name: 'provision: poll' } },
    ];
    // Each round is handed `{}` here: the move's input stays the one its do was handed.
    const move = { state: 'provision', phase: 'do', action: 'launch', attempts: 1, start: '2025-03-04T05:06:01.000Z', input: INPUT('provision') };

    // Act
    const first = summarizeHistory(events.slice(0, 4));
    const rounds = summarizeHistory([...events, ...more]);
    const done = summarizeHistory([...events, ...more, ...answered]);

    // Assess
    expect(first).toStrictEqual([
      { henchman: 'provision', status: 'waiting', moves: [{ ...move, waitingFor: 'i-1 to be running (now: i-1 pending)', pollAfter: 10, end: '2025-03-04T05:06:02.000Z', status: 'waiting' }] },
    ]);
    expect(rounds).toStrictEqual([
      { henchman: 'provision', status: 'waiting', moves: [{ ...move, rounds: 2, waitingFor: 'i-1 to be running (now: i-1 not listed yet)', end: '2025-03-04T05:06:24.000Z', status: 'waiting' }] },
    ]);
    expect(done).toStrictEqual([
      {
        henchman: 'provision',
        status: 'succeeded',
        moves: [{ ...move, rounds: 3, waitingFor: 'i-1 to be running (now: i-1 not listed yet)', end: '2025-03-04T05:06:35.000Z', status: 'succeeded', output: { instanceId: 'i-1' } }],
      },
    ]);
  });

  it('shows a poll still waiting when it leaves its state (the timeout was up) as failed with Mastermind.Waiting, and what it waited for', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'reachable' } },
      scheduled(2, 1, 'reachable', 'do', 'wait-reachable'),
      { id: 3, previousEventId: 2, type: 'TaskSucceeded', timestamp: at(1), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ Payload: { poll: { after: 5, state: {} } } }) } },
      { id: 4, previousEventId: 3, type: 'TaskStateExited', timestamp: at(1), stateExitedEventDetails: { name: 'reachable' } },
      { id: 5, previousEventId: 4, type: 'TaskStateEntered', timestamp: at(6), stateEnteredEventDetails: { name: 'reachable: poll' } },
      scheduled(6, 6, 'reachable', 'poll', 'wait-reachable'),
      { id: 7, previousEventId: 6, type: 'TaskFailed', timestamp: at(7), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Waiting', cause: 'still waiting: the action asked to be called again in 5 s' } },
      { id: 8, previousEventId: 7, type: 'TaskStateExited', timestamp: at(7), stateExitedEventDetails: { name: 'reachable: poll' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'reachable',
        status: 'failed',
        moves: [
          {
            state: 'reachable',
            phase: 'do',
            action: 'wait-reachable',
            attempts: 1,
            rounds: 1,
            waitingFor: 'still waiting: the action asked to be called again in 5 s',
            start: '2025-03-04T05:06:01.000Z',
            end: '2025-03-04T05:06:07.000Z',
            status: 'failed',
            input: INPUT('reachable'),
            error: { error: 'Mastermind.Waiting', cause: "still waiting when the henchman's timeout was up" },
          },
        ],
      },
    ]);
  });

  it('reads the poll rounds of a move that waits in its one Task state: its first answer caught (Mastermind.Polled), then the state entered again after its wait', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'reachable' } },
      scheduled(2, 1, 'reachable', 'do', 'wait-reachable'),
      // Its first answer asked to be polled: thrown as Mastermind.Polled, the stamped answer its message, and caught.
      failedCall(3, 1, 'Mastermind.Polled', JSON.stringify({ after: 5, state: {}, waitingFor: 'h-1 to take SSH connections', for: { execution: 'x', attempt: 1 } })),
      { id: 4, previousEventId: 3, type: 'TaskStateExited', timestamp: at(1), stateExitedEventDetails: { name: 'reachable' } },
      { id: 5, previousEventId: 4, type: 'WaitStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'reachable: wait' } },
      { id: 6, previousEventId: 5, type: 'WaitStateExited', timestamp: at(6), stateExitedEventDetails: { name: 'reachable: wait' } },
      { id: 7, previousEventId: 6, type: 'TaskStateEntered', timestamp: at(6), stateEnteredEventDetails: { name: 'reachable' } },
      scheduled(8, 7, 'reachable', 'do', 'wait-reachable'),
      waiting(9, 9, 'h-1 to take SSH connections (it refused)'),
      scheduled(10, 9, 'reachable', 'do', 'wait-reachable'),
      { id: 11, previousEventId: 10, type: 'TaskSucceeded', timestamp: at(11), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify({ Payload: { output: { host: 'h-1' } } }) } },
      { id: 12, previousEventId: 11, type: 'TaskStateExited', timestamp: at(11), stateExitedEventDetails: { name: 'reachable' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'reachable',
        status: 'succeeded',
        moves: [
          {
            state: 'reachable',
            phase: 'do',
            action: 'wait-reachable',
            attempts: 1,
            rounds: 2,
            waitingFor: 'h-1 to take SSH connections (it refused)',
            start: '2025-03-04T05:06:01.000Z',
            end: '2025-03-04T05:06:11.000Z',
            status: 'succeeded',
            input: INPUT('reachable'),
            output: { host: 'h-1' },
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
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'provision' } },
      scheduled(2, 1, 'provision', 'do', 'launch'),
      { id: 3, previousEventId: 2, type: 'TaskStateAborted', timestamp: at(4), stateExitedEventDetails: { name: 'provision' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      {
        henchman: 'provision',
        status: 'stopped',
        moves: [{ state: 'provision', phase: 'do', action: 'launch', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:04.000Z', status: 'stopped', input: INPUT('provision') }],
      },
    ]);
  });

  it('shows what was still under way when the execution ended (failed elsewhere) as stopped, never running', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'notify' } },
      scheduled(2, 1, 'notify', 'do', 'run'),
      { id: 3, previousEventId: 1, type: 'ExecutionFailed', timestamp: at(3), executionFailedEventDetails: { error: 'States.Runtime', cause: 'x' } },
    ];
    expect(summarizeHistory(events)[0]).toMatchObject({ henchman: 'notify', status: 'stopped', moves: [{ status: 'stopped', end: '2025-03-04T05:06:03.000Z' }] });
  });

  it('shows a fired move as fired: the invoke was accepted and its result never comes back', () => {
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'notify' } },
      { ...scheduled(2, 1, 'notify', 'do', 'run'), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: payload('notify', 'do', 'run', { InvocationType: 'Event' }) } },
      { id: 3, previousEventId: 2, type: 'TaskStarted', timestamp: at(1), taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } },
      { id: 4, previousEventId: 3, type: 'TaskSucceeded', timestamp: at(1), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":"","StatusCode":202}' } },
      { id: 5, previousEventId: 4, type: 'TaskStateExited', timestamp: at(1), stateExitedEventDetails: { name: 'notify' } },
      { id: 6, previousEventId: 5, type: 'ExecutionSucceeded', timestamp: at(2), executionSucceededEventDetails: { output: '{}' } },
    ];
    expect(summarizeHistory(events)).toStrictEqual([
      { henchman: 'notify', status: 'fired', moves: [{ state: 'notify', phase: 'do', action: 'run', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:01.000Z', status: 'fired', input: INPUT('notify') }] },
    ]);
  });

  it('fails a move whose expect was not met, saying which condition failed and the value seen (or the output when it cannot say)', () => {
    // Prepare
    const events: HistoryEvent[] = [
      { id: 1, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'check' } },
      scheduled(2, 1, 'check', 'do', 'run'),
      { id: 3, previousEventId: 2, type: 'TaskSucceeded', timestamp: at(2), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"output":{"exitCode":3}}}' } },
      { id: 4, previousEventId: 3, type: 'TaskStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'check' } },
      { id: 5, previousEventId: 4, type: 'ChoiceStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'check: check' } },
      { id: 6, previousEventId: 5, type: 'ChoiceStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'check: check' } },
      { id: 7, previousEventId: 6, type: 'PassStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'check: unexpected' } },
    ];
    const explain = (henchman: string, output: unknown) => `${henchman} exitCode equals 0 (saw ${(output as { exitCode: number }).exitCode})`;

    // Act
    const explained = summarizeHistory(events, { explain });
    const unexplained = summarizeHistory(events);

    // Assess
    const move = { state: 'check', phase: 'do', action: 'run', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:02.000Z', status: 'failed', input: INPUT('check'), output: { exitCode: 3 } };
    expect(explained).toStrictEqual([
      { henchman: 'check', status: 'failed', moves: [{ ...move, error: { error: 'Mastermind.Unexpected', cause: 'the output of check does not meet its expect: check exitCode equals 0 (saw 3)' } }] },
    ]);
    expect(unexplained[0]!.moves[0]!.error).toStrictEqual({ error: 'Mastermind.Unexpected', cause: 'the output of check does not meet its expect: its output was {"exitCode":3}' });
    expect(unmetExpects(events)).toStrictEqual(['check']);
    expect(unmetExpects(EVENTS)).toStrictEqual([]);
  });

  it('lists the items of each by index, each with its value, host and own state, in whatever order their events interleave', () => {
    // Prepare: as Step Functions records an inline Map: each item's events chain back to its MapIterationStarted.
    const item = (index: number, host: string) => JSON.stringify({ event: {}, value: host });
    const itemPayload = (host: string, index: number) =>
      JSON.stringify({ FunctionName: 'f', Payload: { action: 'run', input: { host }, phase: 'do', context: { project: 'web', task: 't', version: 1, execution: 'x', henchman: 'restart', attempt: 1, item: index } } });
    const events: HistoryEvent[] = [
      { id: 1, type: 'MapStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'restart' } },
      { id: 2, previousEventId: 1, type: 'MapStateStarted', timestamp: at(1), mapStateStartedEventDetails: { length: 3 } },
      { id: 3, previousEventId: 2, type: 'MapIterationStarted', timestamp: at(1), mapIterationStartedEventDetails: { name: 'restart', index: 0 } },
      { id: 4, previousEventId: 2, type: 'MapIterationStarted', timestamp: at(1), mapIterationStartedEventDetails: { name: 'restart', index: 1 } },
      { id: 5, previousEventId: 2, type: 'MapIterationStarted', timestamp: at(1), mapIterationStartedEventDetails: { name: 'restart', index: 2 } },
      { id: 6, previousEventId: 4, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'restart: item', input: item(1, 'web-2') } },
      { id: 7, previousEventId: 3, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'restart: item', input: item(0, 'web-1') } },
      { id: 8, previousEventId: 5, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'restart: item', input: item(2, 'web-3') } },
      { id: 9, previousEventId: 7, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: itemPayload('web-1', 0) } },
      { id: 10, previousEventId: 6, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: itemPayload('web-2', 1) } },
      { id: 11, previousEventId: 8, type: 'TaskScheduled', timestamp: at(1), taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'eu-west-1', parameters: itemPayload('web-3', 2) } },
      { id: 12, previousEventId: 10, type: 'TaskFailed', timestamp: at(3), taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Mastermind.Failed', cause: 'exit 1' } },
      { id: 13, previousEventId: 12, type: 'TaskStateExited', timestamp: at(3), stateExitedEventDetails: { name: 'restart: item' } },
      { id: 14, previousEventId: 13, type: 'PassStateEntered', timestamp: at(3), stateEnteredEventDetails: { name: 'restart: item failed' } },
      { id: 15, previousEventId: 14, type: 'MapIterationSucceeded', timestamp: at(3), mapIterationSucceededEventDetails: { name: 'restart', index: 1 } },
      { id: 16, previousEventId: 9, type: 'TaskSucceeded', timestamp: at(4), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"output":{"exitCode":0}}}' } },
      { id: 17, previousEventId: 16, type: 'TaskStateExited', timestamp: at(4), stateExitedEventDetails: { name: 'restart: item' } },
      { id: 18, previousEventId: 17, type: 'MapIterationSucceeded', timestamp: at(4), mapIterationSucceededEventDetails: { name: 'restart', index: 0 } },
    ];
    const running = summarizeHistory(events);
    const ended = summarizeHistory([
      ...events,
      { id: 19, previousEventId: 18, type: 'ExecutionFailed', timestamp: at(9), executionFailedEventDetails: { error: 'Mastermind.Failed', cause: 'x' } },
    ]);

    // Assess
    const items = [
      { index: 0, item: 'web-1', host: 'web-1', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:04.000Z', status: 'succeeded', input: { host: 'web-1' }, output: { exitCode: 0 } },
      { index: 1, item: 'web-2', host: 'web-2', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:03.000Z', status: 'failed', input: { host: 'web-2' }, error: { error: 'Mastermind.Failed', cause: 'exit 1' } },
    ];
    const move = { state: 'restart', phase: 'do', action: 'run', attempts: 1, start: '2025-03-04T05:06:01.000Z' };
    const error = { error: 'Mastermind.Failed', cause: '1 of 3 items failed: [1] web-2: exit 1' };
    expect(running).toStrictEqual([
      {
        henchman: 'restart',
        status: 'failed',
        moves: [{ ...move, status: 'failed', error, items: [...items, { index: 2, item: 'web-3', host: 'web-3', attempts: 1, start: '2025-03-04T05:06:01.000Z', status: 'running', input: { host: 'web-3' } }] }],
      },
    ]);
    expect(ended[0]!.moves[0]!.items![2]).toStrictEqual({ index: 2, item: 'web-3', host: 'web-3', attempts: 1, start: '2025-03-04T05:06:01.000Z', end: '2025-03-04T05:06:09.000Z', status: 'stopped', input: { host: 'web-3' } });
    expect(ended[0]!.moves[0]!.end).toBe('2025-03-04T05:06:09.000Z');
  });

  it('fails an item of each whose output did not meet the expect, naming the item', () => {
    // Prepare: one item; its Task answered, its check routed to "<h>: item unexpected".
    const events: HistoryEvent[] = [
      { id: 1, type: 'MapStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'probe' } },
      { id: 2, previousEventId: 1, type: 'MapIterationStarted', timestamp: at(1), mapIterationStartedEventDetails: { name: 'probe', index: 0 } },
      { id: 3, previousEventId: 2, type: 'TaskStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'probe: item', input: '{"event":{},"value":{"name":"web-1"}}' } },
      scheduled(4, 1, 'probe', 'do', 'run'),
      { id: 5, previousEventId: 4, type: 'TaskSucceeded', timestamp: at(2), taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: '{"Payload":{"output":{"exitCode":2}}}' } },
      { id: 6, previousEventId: 5, type: 'TaskStateExited', timestamp: at(2), stateExitedEventDetails: { name: 'probe: item' } },
      { id: 7, previousEventId: 6, type: 'ChoiceStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'probe: item check' } },
      { id: 8, previousEventId: 7, type: 'PassStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'probe: item unexpected' } },
      { id: 9, previousEventId: 8, type: 'PassStateEntered', timestamp: at(2), stateEnteredEventDetails: { name: 'probe: item failed' } },
      { id: 10, previousEventId: 9, type: 'MapIterationSucceeded', timestamp: at(2), mapIterationSucceededEventDetails: { name: 'probe', index: 0 } },
      { id: 11, previousEventId: 1, type: 'MapStateExited', timestamp: at(3), stateExitedEventDetails: { name: 'probe' } },
    ];

    // Act
    const [henchman] = summarizeHistory(events, { explain: () => 'exitCode equals 0 (saw 2)' });

    // Assess
    const cause = 'the output of probe for item [0] does not meet its expect: exitCode equals 0 (saw 2)';
    expect(henchman).toStrictEqual({
      henchman: 'probe',
      status: 'failed',
      moves: [
        {
          state: 'probe',
          phase: 'do',
          action: 'run',
          attempts: 1,
          start: '2025-03-04T05:06:01.000Z',
          end: '2025-03-04T05:06:03.000Z',
          status: 'failed',
          error: { error: 'Mastermind.Unexpected', cause: `1 of 1 items failed: [0] {"name":"web-1"}: ${cause}` },
          items: [
            {
              index: 0,
              item: { name: 'web-1' },
              attempts: 1,
              start: '2025-03-04T05:06:01.000Z',
              end: '2025-03-04T05:06:02.000Z',
              status: 'failed',
              input: INPUT('probe'),
              output: { exitCode: 2 },
              error: { error: 'Mastermind.Unexpected', cause },
            },
          ],
        },
      ],
    });
    expect(unmetExpects(events)).toStrictEqual(['probe']);
  });

  it('maps state names to henchmen and meanings in one place', () => {
    expect([stateRole('check: unexpected'), stateRole('hosts: item unexpected'), stateRole('check: check'), stateRole('provision')]).toStrictEqual([
      { henchman: 'check', role: 'unexpected' },
      { henchman: 'hosts', role: 'item-unexpected' },
      { henchman: 'check', role: 'other' },
      { henchman: 'provision', role: 'other' },
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

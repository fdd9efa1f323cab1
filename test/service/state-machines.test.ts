import { describe, expect, it } from 'vitest';
import { loggingConfiguration, stateMachineName, stateMachineNameOf } from '#service/state-machines';
import { CONFIG } from './fixtures.ts';

describe('state machine names', () => {
  it('joins prefix, project and task so that no two tasks share a name', () => {
    expect(stateMachineName('mastermind', 'a-b', 'c')).toBe('mastermind-a-b_c');
    expect(stateMachineName('mastermind', 'a', 'b-c')).toBe('mastermind-a_b-c');
  });

  it('keeps long names within 80 characters, apart by a hash', () => {
    const one = stateMachineName('mastermind', 'p'.repeat(60), 'task-one');
    const two = stateMachineName('mastermind', 'p'.repeat(60), 'task-two');
    expect([one.length, two.length]).toStrictEqual([80, 80]);
    expect(one).not.toBe(two);
    expect(one).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('finds the state machine name in state machine, version and execution ARNs only', () => {
    expect(stateMachineNameOf('arn:aws:states:eu-west-1:1:stateMachine:mastermind-a_b:3')).toBe('mastermind-a_b');
    expect(stateMachineNameOf('arn:aws:states:eu-west-1:1:execution:mastermind-a_b:run-1')).toBe('mastermind-a_b');
    expect(stateMachineNameOf('arn:aws:lambda:eu-west-1:1:function:x')).toBeUndefined();
  });

  it('logs every event without execution data to the log group, adding the :* the API wants', () => {
    expect(loggingConfiguration({ ...CONFIG, executionLogGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:g' })).toStrictEqual({
      level: 'ALL',
      includeExecutionData: false,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:eu-west-1:1:log-group:g:*' } }],
    });
  });
});

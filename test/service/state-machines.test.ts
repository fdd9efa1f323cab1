import 'aws-sdk-client-mock-vitest/extend';
import { ListStateMachineVersionsCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  loggingConfiguration,
  publishStateMachine,
  pruneStateMachineVersions,
  stateMachineName,
  stateMachineNameOf,
  versionNumberOf,
} from '#service/state-machines';
import { ACCOUNT, CONFIG, fakeStepFunctions, REGION } from './fixtures.ts';

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

describe('pruning published versions', () => {
  const ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:mastermind-web_prune`;

  async function machineWith(versions: number) {
    const fake = fakeStepFunctions();
    const { stateMachineVersionArn } = await publishStateMachine(fake.sfn, CONFIG, { project: 'web', task: 'prune', version: 1, definition: '{}' });
    for (let v = 2; v <= versions; v++) {
      await publishStateMachine(fake.sfn, CONFIG, { project: 'web', task: 'prune', version: v, definition: `{"v":${v}}` });
    }
    fake.mock.resetHistory();
    return { fake, first: stateMachineVersionArn };
  }

  it('reads the number of a state machine version ARN, and nothing else', () => {
    expect(versionNumberOf(`${ARN}:42`)).toBe(42);
    expect(versionNumberOf(ARN)).toBeUndefined();
    expect(versionNumberOf(`${ARN}:latest`)).toBeUndefined();
    expect(versionNumberOf(`arn:aws:states:${REGION}:${ACCOUNT}:execution:mastermind-web_prune:42`)).toBeUndefined();
  });

  it('deletes nothing while the version in force is among the first 50', async () => {
    // Prepare
    const { fake } = await machineWith(50);

    // Act
    const deleted = await pruneStateMachineVersions(fake.sfn, ARN, `${ARN}:50`);

    // Assess
    expect(deleted).toStrictEqual([]);
    expect(fake.mock.calls()).toHaveLength(0);
  });

  it('deletes the versions 50 or more behind the one in force, oldest first, at most 25 a time', async () => {
    // Prepare
    const { fake } = await machineWith(100);

    // Act
    const first = await pruneStateMachineVersions(fake.sfn, ARN, `${ARN}:100`);
    const second = await pruneStateMachineVersions(fake.sfn, ARN, `${ARN}:100`);

    // Assess
    expect(first).toStrictEqual(Array.from({ length: 25 }, (_, i) => `${ARN}:${i + 1}`));
    expect(second).toStrictEqual(Array.from({ length: 25 }, (_, i) => `${ARN}:${i + 26}`));
    expect(fake.stateMachines.get(ARN)!.versions.map((v) => v.arn)).toStrictEqual(Array.from({ length: 50 }, (_, i) => `${ARN}:${i + 51}`));
    expect(fake.mock).toHaveReceivedCommandWith(ListStateMachineVersionsCommand, { stateMachineArn: ARN, maxResults: 1000 });
  });

  it('leaves versions newer than the one in force to the saves that published them', async () => {
    // Prepare
    const { fake } = await machineWith(60);

    // Act
    const deleted = await pruneStateMachineVersions(fake.sfn, ARN, `${ARN}:52`);

    // Assess
    expect(deleted).toStrictEqual([`${ARN}:1`, `${ARN}:2`]);
    expect(fake.stateMachines.get(ARN)!.versions).toHaveLength(58);
  });
});

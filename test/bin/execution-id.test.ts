import { describe, expect, it } from 'vitest';
import { executionIdOf, executionPath, parseExecutionId, shortExecutionId } from '../../bin/commands/execution-id.ts';
import { UsageError } from '../../bin/commands/io.ts';
import { stateMachineName } from '#service/state-machines';

const RUN = { project: 'web', task: 'scale-out', name: 'run-1' };
const SPELLINGS = 'give an execution as <project>/<task>/<name> (as `mastermind start` prints it) or as its ARN';

describe('an execution on the command line', () => {
  it.each([
    ['the short id start prints', 'web/scale-out/run-1'],
    ['its ARN', 'arn:aws:states:eu-west-1:123456789012:execution:mastermind-web_scale-out:run-1'],
    ['its ARN in another partition', 'arn:aws-cn:states:cn-north-1:123456789012:execution:mastermind-web_scale-out:run-1'],
  ])('reads %s', (_, text) => {
    expect(parseExecutionId(text)).toStrictEqual(RUN);
  });

  it('reads an ARN of a stack with another prefix, given that prefix (MASTERMIND_STATE_MACHINE_PREFIX)', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:execution:ops-mm-web_scale-out:run-1';
    expect(parseExecutionId(arn, 'ops-mm')).toStrictEqual(RUN);
    expect(executionIdOf(arn, { MASTERMIND_STATE_MACHINE_PREFIX: 'ops-mm' })).toStrictEqual(RUN);
  });

  it.each([
    ['a bare name', 'run-1', `run-1 is not an execution: ${SPELLINGS}`],
    ['a task only', 'web/scale-out', `web/scale-out is not an execution: ${SPELLINGS}`],
    ['a short id with a bad project name', 'Web/scale-out/run-1', `Web/scale-out/run-1 is not an execution: ${SPELLINGS}`],
    ['a short id with an empty name', 'web/scale-out/', `web/scale-out/ is not an execution: ${SPELLINGS}`],
    ['a short id with a name Step Functions would not give', 'web/scale-out/a:b', `web/scale-out/a:b is not an execution: ${SPELLINGS}`],
    [
      'a state machine ARN',
      'arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out',
      `arn:aws:states:eu-west-1:123456789012:stateMachine:mastermind-web_scale-out is not an execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>): ${SPELLINGS}`,
    ],
    [
      'an ARN of another prefix',
      'arn:aws:states:eu-west-1:123456789012:execution:other-web_scale-out:run-1',
      'arn:aws:states:eu-west-1:123456789012:execution:other-web_scale-out:run-1 is not an execution of a Mastermind task: its state machine other-web_scale-out is not named mastermind-<project>_<task> (set MASTERMIND_STATE_MACHINE_PREFIX to the stack\'s prefix, or give the execution as <project>/<task>/<name>)',
    ],
  ])('refuses %s with a usage error', (_, text, message) => {
    expect(() => parseExecutionId(text)).toThrow(new UsageError(message));
  });

  it('refuses an ARN whose state machine name the service shortened with a hash: its task cannot be read from it', () => {
    const machine = stateMachineName('mastermind', 'p'.repeat(40), 't'.repeat(40));
    const arn = `arn:aws:states:eu-west-1:123456789012:execution:${machine}:run-1`;
    expect(machine).toHaveLength(80);
    expect(() => parseExecutionId(arn)).toThrow(
      new UsageError(
        `${arn} is not an execution of a Mastermind task: its state machine ${machine} is not named mastermind-<project>_<task> (set MASTERMIND_STATE_MACHINE_PREFIX to the stack's prefix, or give the execution as <project>/<task>/<name>)`,
      ),
    );
  });

  it('prints the short id and builds the API path, escaping each part', () => {
    expect(shortExecutionId(RUN)).toBe('web/scale-out/run-1');
    expect(executionPath(RUN)).toBe('/projects/web/tasks/scale-out/executions/run-1');
  });
});

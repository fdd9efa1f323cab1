/**
 * What the compiler makes of a move's time (lambdas/task/compiler/deadline.ts): a plain command stays one Task state,
 * its TimeoutSeconds the henchman's timeout and the grace, the timeout in the event's context; a command beyond one
 * invocation (or with detach: true) becomes a poll loop bounded by its limit and the grace.
 */
import { describe, expect, it } from 'vitest';
import { compileTask } from '#task/compile';
import { aslErrors, CONTEXT, MOVE_CATCH, LAMBDA_RETRY, SSH, task, TRANSIENT_RETRY } from './support.ts';

const INPUT = { host: 'web-1', user: 'ops', key: '${secret:/mastermind/default/ssh-key}' };
/** The place of the ssh key, marked as the task's own secret. */
const SECRETS = ['key'];

function compiled(henchman: string) {
  const definition = compileTask(
    task(`
task: t
plot:
  - name: run
    provider: ssh
    action: run
${henchman}
`),
  );
  const {
    ['start: input?']: _c,
    ['start: input']: _i,
    ['start: params']: _p,
    ['start: resume']: _r,
    ['resume: from?']: _f,
    ['resume: no such henchman']: _u,
    ...states
  } = definition.States;
  return { definition, states };
}

describe('compiling a move\'s time', () => {
  it('keeps a plain run at one Task state, without TimeoutSeconds when the henchman gives no timeout', async () => {
    // Act
    const { definition, states } = compiled('    with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: uptime }');

    // Assess
    expect(states).toStrictEqual({
      run: {
        Type: 'Task',
        Resource: SSH,
        Parameters: { action: 'run', input: { ...INPUT, command: 'uptime' }, secrets: SECRETS, ...CONTEXT('run') },
        ResultPath: '$.out.run',
        Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: MOVE_CATCH('task: aborted'),
        End: true,
      },
      'task: aborted': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('gives a run with a henchman timeout one Task state whose TimeoutSeconds is the timeout and the 30 s grace, the timeout in the context', async () => {
    // Act
    const { definition, states } = compiled('    with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: "sleep 60" }\n    timeout: 2s');

    // Assess
    expect(states.run).toStrictEqual({
      Type: 'Task',
      Resource: SSH,
      Parameters: { action: 'run', input: { ...INPUT, command: 'sleep 60' }, secrets: SECRETS, ...CONTEXT('run', { timeout: 2 }) },
      ResultPath: '$.out.run',
      TimeoutSeconds: 32,
      Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
      Catch: MOVE_CATCH('task: aborted'),
      End: true,
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles a 2h command to a detached move: one Task state polled until 2h and the grace, each invocation at most 14m and the grace', async () => {
    // Act
    const { definition, states } = compiled('    with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: "make world", timeout: 2h }');

    // Assess
    const payload = { action: 'run', input: { ...INPUT, command: 'make world', timeout: '2h' }, secrets: SECRETS, ...CONTEXT('run', { detach: true }), 'was.$': '$.out.run' };
    expect(states).toStrictEqual({
      run: {
        Type: 'Task',
        Resource: SSH,
        Parameters: payload,
        ResultPath: '$.out.run',
        TimeoutSeconds: 870,
        // The first look after 2 s; 2h and the 30 s grace would be 1446 rounds at 5 s, so the polls back off: 5 s,
        // 7.5 s, ... below 5 min (11 growing intervals, 855 s in all), then 5 min each: 11 + ⌈(7228 − 855) / 300⌉ = 33 rounds.
        Retry: [{ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 5, MaxAttempts: 33, BackoffRate: 1.5, MaxDelaySeconds: 300 }, LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: [{ ErrorEquals: ['Mastermind.Polled'], ResultPath: '$.out.run', Next: 'run: wait' }, ...MOVE_CATCH('task: aborted')],
        End: true,
      },
      // The first look after 2 s (the catalog's first wait of a detached command).
      'run: wait': { Type: 'Wait', Seconds: 2, Next: 'run' },
      'task: aborted': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles detach: true to the same loop, bounded by the smaller of the henchman timeout and the command timeout, the henchman timeout in the context', async () => {
    // Act
    const { states } = compiled('    with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: "make", timeout: 1h, detach: true }\n    timeout: 20s');

    // Assess
    expect(states.run).toMatchObject({
      TimeoutSeconds: 50,
      Parameters: CONTEXT('run', { timeout: 20, detach: true }),
      Retry: [{ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 5, MaxAttempts: 10, BackoffRate: 1 }, LAMBDA_RETRY, TRANSIENT_RETRY],
    });
  });

  it('keeps a command whose limit fits one invocation attached, even with a henchman timeout beyond it', () => {
    // Act
    const { states } = compiled('    with: { host: web-1, user: ops, key: "${secret:/mastermind/default/ssh-key}", command: make, timeout: 10m }\n    timeout: 2h');

    // Assess
    expect(Object.keys(states)).toStrictEqual(['run', 'task: aborted']);
    expect(states.run).toMatchObject({ TimeoutSeconds: 870, Parameters: CONTEXT('run', { timeout: 7200 }) });
  });
});

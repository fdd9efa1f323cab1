import { describe, expect, it } from 'vitest';
import { compileSource, compileTask } from '#task/compile';
import { aslErrors, CATCH_TO, CHEF, CONTEXT, EC2, SHARED_CONTEXT, LAMBDA_RETRY, MOVE_CATCH, RESUME_NAMES, RESUME_STATES, SSH, START_NAMES, task, TRANSIENT_RETRY } from './support.ts';

describe('compileTask', () => {
  it('compiles a plain henchman to the two start states and one Task state that retries transient errors by default', async () => {
    // Prepare
    const t = task(`
task: t
params:
  host: { type: string, default: web-1 }
plot:
  - name: hello
    provider: ssh
    action: run
    with: { host: "\${params.host}", user: u, key: "\${secret:/keys/u}", command: uptime }
`);
    // Act
    const definition = compileTask(t);
    // Assess
    expect(definition).toStrictEqual({
      Comment: 't',
      StartAt: 'start: input?',
      States: {
        'start: input?': {
          Type: 'Choice',
          Choices: [
            {
              And: ['of', 'from', 'out', 'count'].map((field) => ({ Variable: `$.resume.${field}`, IsPresent: true })),
              Next: 'start: resume',
            },
            { Variable: '$.resume', IsPresent: true, Next: 'resume: no such henchman' },
            { Or: [{ Not: { Variable: '$.params', IsPresent: true } }, { Not: { Variable: '$.trigger', IsPresent: true } }], Next: 'start: input' },
          ],
          Default: 'start: params',
        },
        'start: input': {
          Type: 'Pass',
          Parameters: { 'input.$': "States.JsonMerge(States.StringToJson(States.Format('\\{\"params\":\\{\\},\"trigger\":\\{\\}\\}')), $, false)" },
          OutputPath: '$.input',
          Next: 'start: params',
        },
        'start: params': {
          Type: 'Pass',
          Parameters: {
            'params.$': "States.JsonMerge(States.StringToJson(States.Format('\\{\"host\":\"web-1\"\\}')), $.params, false)",
            'trigger.$':
              "States.JsonMerge(States.StringToJson(States.Format('\\{\"type\":\"console\",\"alarmName\":\"\",\"reason\":\"\",\"time\":\"\",\"region\":\"\",\"account\":\"\",\"body\":\\{\\}\\}')), $.trigger, false)",
            // What every provider event's context shares, written once; each event merges its own part in.
            context: SHARED_CONTEXT(),
            out: {},
            count: { pass: 1 },
          },
          Next: 'hello',
        },
        hello: {
          Type: 'Task',
          Resource: SSH,
          Parameters: {
            action: 'run',
            input: { 'host.$': '$.params.host', user: 'u', key: '${secret:/keys/u}', command: 'uptime' },
            secrets: ['key'],
            ...CONTEXT('hello'),
          },
          ResultPath: '$.out.hello',
          Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
          Catch: MOVE_CATCH('task: aborted'),
          End: true,
        },
        'task: aborted': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
        ...RESUME_STATES({ hello: 'hello' }),
      },
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('uses the given provider ARNs, project, version, retry (in place of the default one), timeouts and next', async () => {
    const t = task(`
task: t
timeout: 1h
plot:
  - name: a
    provider: chef
    action: deregister
    with: { nodeName: n }
    retry: { attempts: 4, interval: 5s, backoff: 3, maxDelay: 1m, jitter: true }
    timeout: 90s
    next: end
  - name: b
    provider: chef
    action: deregister
    with: { nodeName: m }
`);
    const definition = compileTask(t, {
      providers: { chef: 'arn:aws:lambda:eu-west-1:123456789012:function:chef' },
      project: { name: 'web', chefServerUrl: 'https://chef', chefClientName: 'mm', chefClientKey: '${secret:/chef/key}' },
      version: 7,
    });
    // The task's timeout (1h) and the grace in which a provider ends the move under way (30 s): nothing to roll back.
    expect(definition.TimeoutSeconds).toBe(3630);
    // b is never reached (a ends the task): it is left out, from the resume states too.
    expect(Object.keys(definition.States)).toStrictEqual([...START_NAMES, 'a', 'task: aborted', ...RESUME_NAMES]);
    expect(definition.States['resume: from?']).toStrictEqual(RESUME_STATES({ a: 'a' })['resume: from?']);
    expect(definition.States.a).toStrictEqual({
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-west-1:123456789012:function:chef',
      Parameters: {
        action: 'deregister',
        input: { nodeName: 'n', chefServerUrl: 'https://chef', chefClientName: 'mm', chefClientKey: '${secret:/chef/key}' },
        secrets: ['chefClientKey'],
        // The henchman's timeout: the provider ends its remote work within it (lambdas/task/compiler/deadline.ts).
        // And the task's: its timeout and the execution's start, so that the provider knows the task's deadline.
        ...CONTEXT('a', { timeout: 90 }),
      },
      ResultPath: '$.out.a',
      // 90 s and the grace (30 s) in which the provider reports its own end first.
      TimeoutSeconds: 120,
      Retry: [
        LAMBDA_RETRY,
        { ErrorEquals: ['Mastermind.Transient'], IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 3, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
      ],
      // A cancel and the task's deadline go to the abort route; here the henchman's own failure route is the same, so
      // one catcher takes every error there.
      Catch: CATCH_TO('task: aborted'),
      End: true,
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it("sends the task's timeout to the abort route from every henchman whatever its onFailure, and keeps the machine's timeout as a last net", async () => {
    const t = task(`
task: t
timeout: 10m
rollback: true
plot:
  - name: a
    provider: chef
    action: deregister
    with: { nodeName: n }
    undo: { action: deregister, with: { nodeName: n } }
    timeout: 1m
  - name: b
    provider: chef
    action: deregister
    with: { nodeName: m }
    onFailure: { retreat: a, times: 1 }
  - name: c
    provider: chef
    action: deregister
    with: { nodeName: o }
    onFailure: continue
`);
    const definition = compileTask(t);
    // 600 s, the grace (30 s), and the rollback: the undo of a, 60 s and its grace.
    expect(definition.TimeoutSeconds).toBe(600 + 30 + 90);
    const toAbort = { ErrorEquals: ['Mastermind.Cancelled', 'Mastermind.TaskTimeout'], ResultPath: '$.failure', Next: 'task: rollback' };
    expect((definition.States.a as { Catch: unknown }).Catch).toStrictEqual(CATCH_TO('task: rollback'));
    expect((definition.States.b as { Catch: unknown }).Catch).toStrictEqual([toAbort, ...CATCH_TO('b: retreat?')]);
    expect((definition.States.c as { Catch: unknown }).Catch).toStrictEqual([toAbort, ...CATCH_TO('c: failed')]);
    // The undo's event shares the context of every move (the task's timeout included, which the providers ignore in
    // phase undo: lambdas/providers/deadline.ts), and adds its own timeout.
    const undo = definition.States['undo: a'] as unknown as { Parameters: Record<string, unknown> };
    const { 'context.$': context, henchman, 'attempt.$': attempt, timeout } = undo.Parameters;
    expect({ 'context.$': context, henchman, 'attempt.$': attempt, timeout }).toStrictEqual(CONTEXT('a', { timeout: 60 }));
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles a polling action to one Task state: a first answer that asks to be polled is caught into its record, then a wait, then the state again, retried while waiting up to the henchman timeout', async () => {
    const t = task(`
task: t
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    timeout: 5m
`);
    const definition = compileTask(t);
    const payload = { action: 'launch', input: { imageId: 'ami-1' }, ...CONTEXT('provision'), 'was.$': '$.out.provision' };
    const { ['start: input?']: _s, ['start: input']: _i, ['start: params']: params, ['start: resume']: resume, ['resume: from?']: _f, ['resume: no such henchman']: _n, ...states } = definition.States;
    expect(states).toStrictEqual({
      provision: {
        Type: 'Task',
        Resource: EC2,
        Parameters: payload,
        ResultPath: '$.out.provision',
        TimeoutSeconds: 300,
        // ec2 polls every 10 s: after the first wait (10 s), 5m allows 29 retries.
        Retry: [{ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 29, BackoffRate: 1 }, LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: [{ ErrorEquals: ['Mastermind.Polled'], ResultPath: '$.out.provision', Next: 'provision: wait' }, ...MOVE_CATCH('task: aborted')],
        End: true,
      },
      'provision: wait': { Type: 'Wait', Seconds: 10, Next: 'provision' },
      'task: aborted': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    });
    // Its record is there from the start (its `was` at the first call), and a resume keeps the outputs carried over on it.
    expect((params as unknown as { Parameters: { out: unknown } }).Parameters.out).toStrictEqual({ provision: {} });
    expect((resume as unknown as { Parameters: Record<string, unknown> }).Parameters['out.$']).toBe(
      "States.JsonMerge(States.StringToJson(States.Format('\\{\"provision\":\\{\\}\\}')), $.resume.out, false)",
    );
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles expect to a check Choice whose default is the failure route', async () => {
    const t = task(`
task: t
plot:
  - name: probe
    provider: ssh
    action: run
    with: { host: h, user: u, key: "\${secret:/k}", command: "true" }
    expect: { exitCode: 0 }
  - name: after
    provider: chef
    action: deregister
    with: { nodeName: n, chefServerUrl: u, chefClientName: c, chefClientKey: "\${secret:/c}" }
`);
    const definition = compileTask(t);
    expect(definition.States.probe).toMatchObject({ Next: 'probe: check' });
    expect(definition.States['probe: check']).toStrictEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.out.probe.output.exitCode', IsPresent: true },
            { Variable: '$.out.probe.output.exitCode', IsNumeric: true },
            { Variable: '$.out.probe.output.exitCode', NumericEquals: 0 },
          ],
          Next: 'after',
        },
      ],
      Default: 'probe: unexpected',
    });
    expect(definition.States['probe: unexpected']).toStrictEqual({
      Type: 'Pass',
      Result: { Error: 'Mastermind.Unexpected', Cause: 'the output of probe does not meet its expect' },
      ResultPath: '$.failure',
      Next: 'task: aborted',
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  const twoMoves = (onFailure: string, extra = '') => `
task: t
${extra}
plot:
  - name: provision
    provider: ec2
    action: tag
    with: { instanceId: i-1, tags: { a: b } }
  - name: configure
    provider: chef
    action: deregister
    with: { nodeName: n, chefServerUrl: u, chefClientName: c, chefClientKey: "\${secret:/c}" }
    onFailure: ${onFailure}
  - name: notify
    provider: ec2
    action: tag
    with: { instanceId: i-1, tags: { failed: "yes" } }
`;

  it('compiles continue to a record of the failure in out.<name>, then the next henchman', async () => {
    const definition = compileTask(task(twoMoves('continue')));
    expect(definition.States.configure).toMatchObject({ Catch: MOVE_CATCH('configure: failed'), Next: 'notify' });
    expect(definition.States['configure: failed']).toStrictEqual({
      Type: 'Pass',
      Parameters: { failed: true, 'error.$': '$.failure.Error', 'cause.$': '$.failure.Cause' },
      ResultPath: '$.out.configure',
      Next: 'notify',
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles goto to a Catch leading to the target henchman', async () => {
    const definition = compileTask(task(twoMoves('{ goto: notify }')));
    expect(definition.States.configure).toMatchObject({ Catch: MOVE_CATCH('notify') });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles a retreat to a mark in the retreats taken, the next pass and an undo walk: each completed move back to the target undone (polling like the move), then the target', async () => {
    // Prepare
    const t = task(`
task: t
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1, region: eu-west-1 }
    undo: terminate
    timeout: 5m
  - name: configure
    provider: chef
    action: deregister
    with: { nodeName: n, chefServerUrl: u, chefClientName: c, chefClientKey: "\${secret:/c}" }
    onFailure: { retreat: provision, times: 2 }
`);
    // Act
    const definition = compileTask(t);
    // Assess
    const { ['start: input?']: _s, ['start: input']: _i, ['start: params']: params, ['start: resume']: _r, ['resume: from?']: _f, ['resume: no such henchman']: _n, provision: _p, ['provision: wait']: _w, configure, ...rest } = definition.States;
    expect(params).toMatchObject({ Parameters: { count: { pass: 1, retreats: '' } } });
    expect(configure).toMatchObject({ Catch: MOVE_CATCH('configure: retreat?') });
    const terminate = { action: 'terminate', input: { 'instanceId.$': '$.out.provision.output.instanceId', region: 'eu-west-1' }, phase: 'undo', ...CONTEXT('provision') };
    const at = (place: number) => ({ Variable: '$.walk.at', NumericEquals: place });
    const past = { Variable: '$.walk.at', NumericLessThanPath: '$.walk.stop' };
    expect(rest).toStrictEqual({
      'configure: retreat?': {
        Type: 'Choice',
        // Taken twice already: configure's mark twice in the retreats taken.
        Choices: [{ Not: { Variable: '$.count.retreats', StringMatches: '*(configure)*(configure)*' }, Next: 'configure: retreat' }],
        Default: 'task: aborted',
      },
      // One Pass starts the walk, whatever the length of the plot. The walk's places are the henchmen with an undo:
      // from the newest at or before configure (provision, place 0) down to the first at or after provision (0).
      'configure: retreat': {
        Type: 'Pass',
        Parameters: {
          at: 0,
          stop: 0,
          mode: 'retreat',
          then: 'provision',
          'retreats.$': "States.Format('{}(configure)', $.count.retreats)",
          'pass.$': 'States.MathAdd($.count.pass, 1)',
        },
        ResultPath: '$.walk',
        Next: 'walk: next pass',
      },
      // The retreat begins the next pass over the plot (every move's attempt from there on), its mark kept.
      'walk: next pass': { Type: 'Pass', Parameters: { 'pass.$': '$.walk.pass', 'retreats.$': '$.walk.retreats' }, ResultPath: '$.count', Next: 'walk: step?' },
      'walk: step?': {
        Type: 'Choice',
        Choices: [
          { And: [past, { Variable: '$.walk.then', StringEquals: 'provision' }], Next: 'provision' },
          { ...past, Next: 'task: aborted' },
          // A completed move is undone; a henchman without an undo (configure) is passed over by the Default.
          { And: [at(0), { Variable: '$.out.provision.output', IsPresent: true }], Next: 'undo: provision' },
        ],
        Default: 'walk: next',
      },
      'walk: next': {
        Type: 'Pass',
        Parameters: { 'at.$': 'States.MathAdd($.walk.at, -1)', 'stop.$': '$.walk.stop', 'then.$': '$.walk.then', 'mode.$': '$.walk.mode' },
        ResultPath: '$.walk',
        Next: 'walk: step?',
      },
      'walk: abort': { Type: 'Pass', InputPath: '$.walk.error', ResultPath: '$.failure', Next: 'task: aborted' },
      'undo: provision': {
        Type: 'Task',
        Resource: EC2,
        // The walk is its `was`: a first answer that asks to be polled is caught into the walk's undoing (which every
        // step of the walk drops), then the wait.
        Parameters: { ...terminate, 'was.$': '$.walk' },
        ResultPath: '$.walk.undoing',
        TimeoutSeconds: 300,
        Retry: [{ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 29, BackoffRate: 1 }, LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: [
          { ErrorEquals: ['Mastermind.Polled'], ResultPath: '$.walk.undoing', Next: 'undo: provision wait' },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.walk.error', Next: 'walk: abort' },
        ],
        Next: 'undo: provision output',
      },
      'undo: provision wait': { Type: 'Wait', Seconds: 10, Next: 'undo: provision' },
      'undo: provision output': { Type: 'Pass', Result: { undone: true }, ResultPath: '$.out.provision', Next: 'walk: next' },
      'task: aborted': { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles abort with rollback to a walk over the henchmen with an undo, newest first: each completed move undone, a failing undo recorded, then the Fail state', async () => {
    const t = task(`
task: t
rollback: true
plot:
  - name: first
    provider: chef
    action: bootstrap
    with: { host: h, user: u, key: "\${secret:/k}", nodeName: n, chefServerUrl: u, chefClientName: c, chefClientKey: "\${secret:/c}" }
    undo: deregister
  - name: second
    provider: ec2
    action: associate-address
    with: { instanceId: i-1, allocationId: eipalloc-1 }
    undo: { action: disassociate-address, with: { associationId: "\${second.associationId}" } }
  - name: third
    provider: ec2
    action: tag
    with: { instanceId: i-1, tags: { a: b } }
`);
    const definition = compileTask(t, { project: { region: 'eu-west-1' } });
    expect(definition.States.third).toMatchObject({ Catch: MOVE_CATCH('task: rollback', 'task: rollback') });
    const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, definition.States[n]]));
    // The walk's places are the henchmen with an undo, in plot order: first at 0, second at 1 (third has none).
    const at = (place: number, h: string) => ({ And: [{ Variable: '$.walk.at', NumericEquals: place }, { Variable: `$.out.${h}.output`, IsPresent: true }], Next: `undo: ${h}` });
    // A failing undo: the rollback goes on (the failed undo is in the history; the move keeps its output).
    expect(pick('task: rollback', 'walk: step?', 'walk: next', 'undo: second', 'undo: first')).toStrictEqual({
      'task: rollback': { Type: 'Pass', Result: { at: 1, stop: 0, mode: 'rollback', then: 'task: aborted' }, ResultPath: '$.walk', Next: 'walk: step?' },
      'walk: step?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.walk.at', NumericLessThanPath: '$.walk.stop', Next: 'task: aborted' }, at(1, 'second'), at(0, 'first')],
        Default: 'walk: next',
      },
      'walk: next': {
        Type: 'Pass',
        Parameters: { 'at.$': 'States.MathAdd($.walk.at, -1)', 'stop.$': '$.walk.stop', 'then.$': '$.walk.then', 'mode.$': '$.walk.mode' },
        ResultPath: '$.walk',
        Next: 'walk: step?',
      },
      'undo: second': {
        Type: 'Task',
        Resource: EC2,
        Parameters: {
          action: 'disassociate-address',
          input: { 'associationId.$': '$.out.second.output.associationId', region: 'eu-west-1' },
          phase: 'undo',
          ...CONTEXT('second'),
        },
        ResultSelector: { undone: true },
        ResultPath: '$.out.second',
        Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.walk.error', Next: 'walk: next' }],
        Next: 'walk: next',
      },
      'undo: first': {
        Type: 'Task',
        Resource: CHEF,
        Parameters: {
          action: 'deregister',
          input: { 'nodeName.$': '$.out.first.output.nodeName', chefServerUrl: 'u', chefClientName: 'c', chefClientKey: '${secret:/c}' },
          secrets: ['chefClientKey'],
          phase: 'undo',
          ...CONTEXT('first'),
        },
        ResultSelector: { undone: true },
        ResultPath: '$.out.first',
        Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.walk.error', Next: 'walk: next' }],
        Next: 'walk: next',
      },
    });
    // Nothing of the retreats: no henchman retreats.
    expect(Object.keys(definition.States).filter((n) => n.startsWith('replay: ') || n === 'walk: abort' || n.endsWith(' failed'))).toStrictEqual([]);
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles each to a check of the list length, then an inline Map whose items are the list reference and whose output is the list of outputs, a failed item in its place; then a check for failed items', async () => {
    const t = task(`
task: t
params:
  hosts: { type: list }
plot:
  - name: restart
    provider: ssh
    action: run
    each: \${params.hosts}
    concurrency: 2
    with: { host: "\${item}", user: u, key: "\${secret:/k}", command: "systemctl restart app" }
`);
    const definition = compileTask(t);
    expect(definition.States.restart).toStrictEqual({
      Type: 'Map',
      ItemsPath: '$.params.hosts',
      ItemSelector: {
        event: {
          action: 'run',
          input: { 'host.$': '$$.Map.Item.Value', user: 'u', key: '${secret:/k}', command: 'systemctl restart app' },
          secrets: ['key'],
          ...CONTEXT('restart', { item: true }),
        },
        'value.$': '$$.Map.Item.Value',
      },
      MaxConcurrency: 2,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'restart: item',
        States: {
          'restart: item': {
            Type: 'Task',
            InputPath: '$.event',
            Resource: SSH,
            OutputPath: '$.output',
            Retry: [LAMBDA_RETRY, TRANSIENT_RETRY],
            Catch: [
              { ErrorEquals: ['Mastermind.Cancelled'], ResultPath: '$.failure', Next: 'restart: item aborted' },
              { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'restart: item failed' },
            ],
            End: true,
          },
          // A failed item answers in its place, with every output field of ssh run (null): the undo can read them.
          'restart: item failed': {
            Type: 'Pass',
            Parameters: {
              exitCode: null,
              stdout: null,
              stderr: null,
              truncated: null,
              failed: true,
              aborted: false,
              'index.$': '$.event.move.item',
              'item.$': '$.value',
              'error.$': '$.failure.Error',
              'cause.$': '$.failure.Cause',
            },
            End: true,
          },
          // A cancel is recorded the same way, marked aborted: after the Map it takes the abort route.
          'restart: item aborted': {
            Type: 'Pass',
            Parameters: {
              exitCode: null,
              stdout: null,
              stderr: null,
              truncated: null,
              failed: true,
              aborted: true,
              'index.$': '$.event.move.item',
              'item.$': '$.value',
              'error.$': '$.failure.Error',
              'cause.$': '$.failure.Cause',
            },
            End: true,
          },
        },
      },
      ResultSelector: { 'output.$': '$' },
      ResultPath: '$.out.restart',
      Catch: MOVE_CATCH('task: aborted'),
      Next: 'restart: failed items?',
    });
    // One Choice after the Map finds a failed record, precisely (one IsPresent per possible place); only a failure pays
    // the helpers that gather the failed records (a filter in a Parameters path, never inside an intrinsic function).
    expect(definition.States['restart: failed items?']).toStrictEqual({
      Type: 'Choice',
      Choices: [{ Or: Array.from({ length: 100 }, (_, i) => ({ Variable: `$.out.restart.output[${i}].failed`, IsPresent: true })), Next: 'restart: items failed' }],
      Default: 'task: done',
    });
    const failed = '$.out.restart.output[?(@.failed == true)]';
    expect(definition.States['restart: items failed']).toStrictEqual({
      Type: 'Pass',
      Parameters: { 'index.$': `${failed}.index`, 'item.$': `${failed}.item`, 'error.$': `${failed}.error`, 'cause.$': `${failed}.cause`, 'aborted.$': `${failed}.aborted` },
      ResultPath: '$.failure',
      Next: 'restart: item failure',
    });
    expect(definition.States['restart: item failure']).toStrictEqual({
      Type: 'Pass',
      Parameters: {
        'Error.$': 'States.ArrayGetItem($.failure.error, 0)',
        'Cause.$':
          "States.Format('restart: {} of {} items failed, at {} ({}); the first: {}', States.ArrayLength($.failure.index), States.ArrayLength($.out.restart.output), States.JsonToString($.failure.index), States.JsonToString($.failure.item), States.ArrayGetItem($.failure.cause, 0))",
        'aborted.$': 'States.ArrayContains($.failure.aborted, true)',
      },
      ResultPath: '$.failure',
      Next: 'restart: aborted?',
    });
    expect(definition.States['restart: aborted?']).toStrictEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.failure.aborted', BooleanEquals: true, Next: 'restart: items aborted' }],
      Default: 'task: aborted',
    });
    const aborted = '$.out.restart.output[?(@.aborted == true)]';
    expect(definition.States['restart: items aborted']).toStrictEqual({
      Type: 'Pass',
      Parameters: { 'error.$': `${aborted}.error`, 'cause.$': `${aborted}.cause` },
      ResultPath: '$.failure',
      Next: 'restart: item abort',
    });
    expect(definition.States['restart: item abort']).toStrictEqual({
      Type: 'Pass',
      Parameters: { 'Error.$': 'States.ArrayGetItem($.failure.error, 0)', 'Cause.$': 'States.ArrayGetItem($.failure.cause, 0)' },
      ResultPath: '$.failure',
      Next: 'task: aborted',
    });
    expect(definition.States['start: params']).toMatchObject({ Next: 'restart: items?' });
    expect(definition.States['restart: items?']).toStrictEqual({
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.params.hosts', IsPresent: true }, Next: 'restart: no list' },
        {
          Or: [
            { Variable: '$.params.hosts', IsNull: true },
            { Variable: '$.params.hosts', IsString: true },
            { Variable: '$.params.hosts', IsNumeric: true },
            { Variable: '$.params.hosts', IsBoolean: true },
          ],
          Next: 'restart: not a list',
        },
        { Variable: '$.params.hosts[100]', IsPresent: true, Next: 'restart: too many items' },
      ],
      // A param declared a list is checked by the API before a start: no check of its JSON text (see the test below).
      // A list param is a list when the start came through the API; a start from the console may give an object.
      Default: 'restart: list',
    });
    expect(definition.States['restart: no list']).toStrictEqual({
      Type: 'Pass',
      Result: { Error: 'Mastermind.Invalid', Cause: 'restart: ${params.hosts} has no value in this execution' },
      ResultPath: '$.failure',
      Next: 'task: aborted',
    });
    expect(definition.States['restart: not a list']).toStrictEqual({
      Type: 'Pass',
      Result: { Error: 'Mastermind.Invalid', Cause: 'restart: ${params.hosts} is not a list in this execution' },
      ResultPath: '$.failure',
      Next: 'task: aborted',
    });
    expect(definition.States['restart: too many items']).toStrictEqual({
      Type: 'Pass',
      Result: {
        Error: 'Mastermind.Invalid',
        Cause: 'restart: the list ${params.hosts} holds more than 100 items, the most one each henchman plays over (the execution state is limited to 256 KB); split the list over several henchmen',
      },
      ResultPath: '$.failure',
      Next: 'task: aborted',
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('tells an object from a list by its JSON text before the Map, for a list the compiler cannot prove one', async () => {
    const t = task(`
task: t
plot:
  - name: restart-web
    provider: ssh
    action: run
    each: \${trigger.body.hosts}
    with: { host: "\${item}", user: u, key: "\${secret:/k}", command: "systemctl restart app" }
`);
    const definition = compileTask(t);
    expect(definition.States['restart-web: items?']).toMatchObject({ Default: 'restart-web: list' });
    expect(definition.States['restart-web: list']).toStrictEqual({
      Type: 'Pass',
      InputPath: '$.trigger.body.hosts',
      Parameters: { 'list.$': 'States.JsonToString($)' },
      ResultPath: '$.out.restart_web',
      Next: 'restart-web: list?',
    });
    expect(definition.States['restart-web: list?']).toStrictEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.out.restart_web.list', StringMatches: '[*', Next: 'restart-web' }],
      Default: 'restart-web: not a list',
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('undoes an each henchman item by item on rollback, skipping the items that failed', async () => {
    // Prepare
    const t = task(`
task: t
rollback: true
params:
  hosts: { type: list, default: [a, b] }
plot:
  - name: join
    provider: chef
    action: deregister
    each: \${params.hosts}
    with: { nodeName: "\${item}", chefServerUrl: c, chefClientName: m, chefClientKey: "\${secret:/k}" }
    undo: { action: deregister, with: { nodeName: "\${item.nodeName}", chefServerUrl: c, chefClientName: m, chefClientKey: "\${secret:/k}" } }
  - name: boom
    provider: ssh
    action: run
    with: { host: h, user: u, key: "\${secret:/k}", command: "false" }
`);
    // Act
    const definition = compileTask(t);
    // Assess
    const undo = definition.States['undo: join items'] as unknown as { ItemSelector: Record<string, unknown>; ItemProcessor: { StartAt: string; States: Record<string, unknown> }; Next: string };
    expect(undo.ItemSelector['value.$']).toBe('$$.Map.Item.Value');
    expect(undo.ItemProcessor.StartAt).toBe('undo: join skip?');
    expect(undo.ItemProcessor.States['undo: join skip?']).toStrictEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.value.failed', IsPresent: true, Next: 'undo: join skipped' }],
      Default: 'undo: join',
    });
    expect(undo.ItemProcessor.States['undo: join skipped']).toStrictEqual({ Type: 'Succeed' });
    expect(Object.keys(undo.ItemProcessor.States['undo: join'] as object)).toContain('Resource');
    expect(undo.Next).toBe('walk: next');
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('enters an each henchman through its list check from the start, an advance, a goto and a retreat', async () => {
    // Prepare
    const run = (name: string, extra: string) => `
  - name: ${name}
    provider: ssh
    action: run
    with: { host: h, user: u, key: "\${secret:/k}", command: "true" }
${extra}`;
    const t = task(`
task: t
params:
  hosts: { type: list }
plot:${run('first', '    each: ${trigger.body.hosts}\n    onFailure: { goto: third }')}${run('second', '    onFailure: { retreat: first, times: 1 }')}${run('third', '    each: ${params.hosts}')}
`);
    // Act
    const definition = compileTask(t);
    // Assess
    const pick = (name: string, ...fields: string[]) => Object.fromEntries(fields.map((f) => [f, (definition.States[name] as unknown as Record<string, unknown>)[f]]));
    expect({
      start: pick('start: params', 'Next'),
      first: pick('first', 'Next', 'Catch'),
      firstFailedItems: pick('first: failed items?', 'Default'),
      firstItemsFailed: pick('first: aborted?', 'Default'),
      firstNotAList: pick('first: list?', 'Default'),
      firstTooMany: pick('first: too many items', 'Next'),
      second: pick('second', 'Next'),
      // The walk of the retreat ends at its target's first state.
      secondRetreat: { Next: (definition.States['walk: step?'] as { Choices: { Next: string }[] }).Choices[0]!.Next },
    }).toStrictEqual({
      start: { Next: 'first: items?' },
      first: { Next: 'first: failed items?', Catch: MOVE_CATCH('third: items?') },
      firstFailedItems: { Default: 'second' },
      firstItemsFailed: { Default: 'third: items?' },
      firstNotAList: { Default: 'first: not a list' },
      firstTooMany: { Next: 'third: items?' },
      second: { Next: 'third: items?' },
      secondRetreat: { Next: 'first: items?' },
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });

  it('compiles fire to an Event invocation that advances without waiting', async () => {
    const t = task(`
task: t
plot:
  - name: announce
    provider: ec2
    action: tag
    fire: true
    with: { instanceId: i-1, tags: { a: b } }
`);
    const definition = compileTask(t);
    expect(definition.States.announce).toStrictEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: EC2,
        InvocationType: 'Event',
        Payload: { action: 'tag', input: { instanceId: 'i-1', tags: { a: 'b' } }, ...CONTEXT('announce') },
      },
      ResultSelector: { fired: true },
      ResultPath: '$.out.announce',
      Retry: [LAMBDA_RETRY],
      Catch: MOVE_CATCH('task: aborted'),
      End: true,
    });
    expect(await aslErrors(definition)).toStrictEqual([]);
  });
});

describe('the asl-validator check of these tests', () => {
  it('rejects a definition with a transition to a missing state', async () => {
    const definition = compileTask(task('task: t\nplot:\n  - { name: a, provider: ec2, action: tag, with: { instanceId: i-1, tags: { a: b } } }\n'));
    const broken = { ...definition, States: { ...definition.States, a: { ...definition.States.a!, Next: 'nowhere' } } };
    expect((await aslErrors(broken as typeof definition)).length).toBeGreaterThan(0);
  });
});

describe('compileSource', () => {
  it('checks the source, then compiles it', () => {
    const result = compileSource(`
task: t
plot:
  - { name: a, provider: ec2, action: tag, with: { instanceId: i-1, tags: { a: b } } }
`);
    expect(result.errors).toStrictEqual([]);
    expect(Object.keys(result.definition!.States)).toStrictEqual([...START_NAMES, 'a', 'task: aborted', ...RESUME_NAMES]);
  });

  it('returns the errors of an invalid task and no definition', () => {
    const result = compileSource('task: t\nplot: []\n');
    expect(result.definition).toBeUndefined();
    expect(result.errors.length).toBeGreaterThan(0);
  });
});

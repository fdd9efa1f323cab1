import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TransientError, type ProviderEvent } from '#providers/contract';
import { createProviderHandler, type Action, type ActionCall } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';

const ssm = mockClient(SSMClient);

afterEach(() => {
  ssm.reset();
});

const context = { project: 'web', task: 'scale-out', version: 3, execution: 'exec-1', henchman: 'connect', attempt: 2 };
const input = { host: 'lb-1', user: 'ops', key: '${secret:/mastermind/web/lb-key}', command: 'add-backend' };
const secrets = [{ path: ['key'], text: '${secret:/mastermind/web/lb-key}' }];

function event(change: Partial<ProviderEvent> = {}): ProviderEvent {
  return { action: 'run', input, secrets, phase: 'do', context, ...change };
}

/** A handler for the ssh provider whose only action is `run`; captures the log lines it writes. */
function handlerWith(run: Action) {
  ssm.on(GetParameterCommand, { Name: '/mastermind/web/lb-key' }).resolves({ Parameter: { Value: 'PRIVATE-KEY-TEXT-1234567890' } });
  const lines: string[] = [];
  const logger = new Logger({ serviceName: 'mastermind-ssh', logLevel: 'INFO' });
  const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const handler = createProviderHandler('ssh', { run }, {
    logger,
    secrets: new SecretResolver(() => new SSMClient({ region: 'eu-west-1' })),
  });
  return { handler, logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

describe('createProviderHandler', () => {
  it('hands the action the move\'s deadline: context.timeout from the start of a do or undo, none in phase poll or without a timeout', async () => {
    // Prepare
    const deadlines: unknown[] = [];
    const { handler } = handlerWith(async (_given, call) => {
      deadlines.push(call.deadline);
      return { output: { exitCode: 0 } };
    });
    const before = Date.now();

    // Act
    await handler(event({ context: { ...context, timeout: 90 } }));
    const after = Date.now();
    await handler(event({ phase: 'undo', context: { ...context, timeout: 90 } }));
    await handler(event({ phase: 'poll', poll: {}, context: { ...context, timeout: 90 } }));
    await handler(event());

    // Assess
    const first = deadlines[0] as { at: number; seconds: number; henchman: string };
    expect({ ...first, at: 0 }).toStrictEqual({ at: 0, seconds: 90, henchman: 'connect' });
    expect(first.at >= before + 90_000 && first.at <= after + 90_000).toBe(true);
    expect(deadlines.slice(1).map((d) => (d === undefined ? undefined : 'set'))).toStrictEqual(['set', undefined, undefined]);
  });

  it('joins the context the state machine sends in two parts (the execution\'s, the move\'s) before anything reads it', async () => {
    // Prepare
    const contexts: unknown[] = [];
    const { handler, logs } = handlerWith(async (_given, call) => {
      contexts.push(call.context);
      return { output: { exitCode: 0 } };
    });
    const shared = { project: 'web', task: 'scale-out', version: 3, execution: 'exec-1', taskTimeout: 600, started: new Date().toISOString() };

    // Act
    await handler({ ...event(), context: shared as never, move: { henchman: 'connect', attempt: 2, item: 1, timeout: 90 } });

    // Assess
    expect(contexts).toStrictEqual([{ ...shared, henchman: 'connect', attempt: 2, item: 1, timeout: 90 }]);
    expect(logs()[0]).toMatchObject({ henchman: 'connect', play: 2, execution: 'exec-1' });
  });

  it('calls the action with the checked input, secrets resolved, and logs one line', async () => {
    // Prepare
    const calls: [Record<string, unknown>, Omit<ActionCall, 'logger'>][] = [];
    const { handler, logs } = handlerWith(async (given, { logger: _logger, ...call }) => {
      calls.push([given, call]);
      return { output: { exitCode: 0 } };
    });

    // Act
    const result = await handler(event({ phase: 'poll', poll: { tries: 1 } }));

    // Assess
    // The runtime completes the output with the catalog's other output fields.
    expect(result).toStrictEqual({ output: { exitCode: 0, stdout: null, stderr: null, truncated: null } });
    expect(calls).toStrictEqual([
      [
        { ...input, key: 'PRIVATE-KEY-TEXT-1234567890', port: 22, timeout: '5m', allowExitCodes: [0] },
        { phase: 'poll', poll: { tries: 1 }, context },
      ],
    ]);
    expect(logs()).toMatchObject([
      {
        level: 'INFO',
        message: 'move done',
        provider: 'ssh',
        action: 'run',
        phase: 'poll',
        henchman: 'connect',
        execution: 'exec-1',
        play: 2,
        outcome: 'output',
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('redacts secret values from the result and from error messages', async () => {
    // Prepare
    const leaky = handlerWith(async (given) => ({ output: { stdout: `key is ${given.key as string}` } }));
    const failing = handlerWith(async (given) => {
      throw new Error(`could not use ${given.key as string}`);
    });

    // Act
    const result = await leaky.handler(event());
    const error = await outcome(failing.handler(event()));

    // Assess
    expect(result).toStrictEqual({ output: { stdout: 'key is ***', exitCode: null, stderr: null, truncated: null } });
    expect(error).toStrictEqual({ name: 'Mastermind.Failed', message: 'could not use ***' });
    expect(JSON.stringify(failing.logs())).not.toContain('PRIVATE-KEY-TEXT');
  });

  it('hands the action a logger whose lines carry the move\'s keys', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async (_given, { logger }) => {
      logger.info('connecting', { host: 'lb-1' });
      return { output: { exitCode: 0 } };
    });

    // Act
    await handler(event());

    // Assess
    const line = logs().find((l) => l.message === 'connecting');
    expect(line).toStrictEqual({
      level: 'INFO',
      message: 'connecting',
      timestamp: expect.any(String),
      service: 'mastermind-ssh',
      sampling_rate: 0,
      provider: 'ssh',
      action: 'run',
      phase: 'do',
      henchman: 'connect',
      execution: 'exec-1',
      play: 2,
      host: 'lb-1',
    });
  });

  it('writes *** for a secret value an action logs, in the message, attributes and errors', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async (given, { logger }) => {
      const key = given.key as string;
      logger.info(`using ${key}`, { key, nested: { list: [`a ${key} b`] } });
      logger.warn('could not connect', new Error(`refused ${key}`));
      return { output: { exitCode: 0 } };
    });

    // Act
    await handler(event());

    // Assess
    const written = logs();
    expect(JSON.stringify(written)).not.toContain('PRIVATE-KEY-TEXT');
    const keys = { provider: 'ssh', action: 'run', phase: 'do', henchman: 'connect', execution: 'exec-1', play: 2 };
    const common = { timestamp: expect.any(String), service: 'mastermind-ssh', sampling_rate: 0, ...keys };
    expect(written.find((l) => l.message === 'using ***')).toStrictEqual({
      level: 'INFO',
      message: 'using ***',
      ...common,
      key: '***',
      nested: { list: ['a *** b'] },
    });
    expect(written.find((l) => l.message === 'could not connect')).toStrictEqual({
      level: 'WARN',
      message: 'could not connect',
      ...common,
      error: { name: 'Error', location: expect.any(String), message: 'refused ***', stack: expect.stringMatching(/^Error: refused \*\*\*\n/) },
    });
  });

  it('keeps the name of a provider error, so the state machine can route on it', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async () => {
      throw new TransientError('connection refused');
    });

    // Act
    const error = await outcome(handler(event()));

    // Assess
    expect(error).toStrictEqual({ name: 'Mastermind.Transient', message: 'connection refused' });
    expect(logs()).toStrictEqual([
      expect.objectContaining({ level: 'WARN', message: 'move failed', error: 'Mastermind.Transient', reason: 'connection refused' }),
    ]);
  });

  it('answers the poll result of a do stamped with the play it belongs to: the execution and the attempt', async () => {
    // Prepare
    const { handler } = handlerWith(async () => ({ poll: { after: 5, state: { tries: 1 } } }));

    // Act
    const result = await handler(event());

    // Assess
    expect(result).toStrictEqual({ poll: { after: 5, state: { tries: 1 }, for: { execution: 'exec-1', attempt: 2 } } });
  });

  it('throws the poll result of a do as Mastermind.Polled, the stamped answer its message, to a Task state that waits in itself (its event carries was)', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async () => ({ poll: { after: 5, state: { tries: 1 } } }));

    // Act
    const error = await outcome(handler({ ...event(), was: {} } as ProviderEvent));

    // Assess
    expect(error).toStrictEqual({ name: 'Mastermind.Polled', message: JSON.stringify({ after: 5, state: { tries: 1 }, for: { execution: 'exec-1', attempt: 2 } }) });
    expect(logs().map((l) => [l.message, l.phase, l.outcome])).toStrictEqual([['move done', 'do', 'poll']]);
  });

  it('throws Mastermind.Polled with no stack (Lambda sends the stack along, and the Catch keeps it in the state)', async () => {
    // Prepare
    const { handler } = handlerWith(async () => ({ poll: { after: 5, state: { tries: 1 } } }));

    // Act
    const error = await handler({ ...event(), was: {} } as ProviderEvent).then(
      () => new Error('the do was expected to throw'),
      (thrown: unknown) => thrown as Error,
    );

    // Assess
    expect([error.name, error.stack]).toStrictEqual(['Mastermind.Polled', 'Mastermind.Polled']);
  });

  it('fails a move that waits in its Task whose first answer is too long for an error cause (Mastermind.Failed), naming the limit', async () => {
    // Prepare
    const { handler } = handlerWith(async () => ({ poll: { after: 5, state: { blob: 'x'.repeat(20_000) } } }));

    // Act
    const error = await outcome(handler({ ...event(), was: {} } as ProviderEvent));

    // Assess
    const length = JSON.stringify({ after: 5, state: { blob: 'x'.repeat(20_000) }, for: { execution: 'exec-1', attempt: 2 } }).length;
    expect(error).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the action asked to be called again with ${length} characters of state; a move that waits keeps at most 16384`,
    });
  });

  /** A first answer as the Catch of a Task state that waits in itself keeps it (Step Functions' Cause: the error's JSON). */
  const caught = (execution: string, attempt: number, state: unknown) => ({
    Error: 'Mastermind.Polled',
    Cause: JSON.stringify({ errorType: 'Mastermind.Polled', errorMessage: JSON.stringify({ after: 5, state, for: { execution, attempt } }), trace: [] }),
  });

  it('takes a call whose was holds a first answer of this play for a poll round, handing the action its state', async () => {
    // Prepare
    const calls: { phase: string; poll: unknown }[] = [];
    const { handler } = handlerWith(async (_input, call) => {
      calls.push({ phase: call.phase, poll: call.poll });
      return { output: { host: 'web-1' } };
    });

    // Act: as Step Functions keeps it, and as the local engine does (the message itself).
    const result = await handler({ ...event(), was: caught('exec-1', 2, { tries: 1 }) } as ProviderEvent);
    await handler({ ...event(), was: { Error: 'Mastermind.Polled', Cause: JSON.stringify({ after: 5, state: { tries: 2 }, for: { execution: 'exec-1', attempt: 2 } }) } } as ProviderEvent);

    // Assess
    expect(result).toStrictEqual({ output: { exitCode: null, host: 'web-1', stderr: null, stdout: null, truncated: null } });
    expect(calls).toStrictEqual([
      { phase: 'poll', poll: { tries: 1 } },
      { phase: 'poll', poll: { tries: 2 } },
    ]);
  });

  it('takes a call whose was holds a first answer of another play (an earlier attempt, another execution) or none for the do itself', async () => {
    // Prepare
    const calls: { phase: string; poll: unknown }[] = [];
    const { handler } = handlerWith(async (_input, call) => {
      calls.push({ phase: call.phase, poll: call.poll });
      return { output: { host: 'web-1' } };
    });
    const others = [
      caught('exec-1', 1, {}),
      caught('exec-0', 2, {}),
      { Error: 'Mastermind.Failed', Cause: JSON.stringify({ after: 5, state: {}, for: { execution: 'exec-1', attempt: 2 } }) },
      { Error: 'Mastermind.Polled', Cause: 'not json' },
      { poll: { after: 5, state: {}, for: { execution: 'exec-1', attempt: 2 } } },
      {},
      { undone: true },
      { output: { host: 'web-0' } },
    ];

    // Act
    for (const was of others) await handler({ ...event(), was } as ProviderEvent);

    // Assess
    expect(calls).toStrictEqual(others.map(() => ({ phase: 'do', poll: undefined })));
  });

  it('reads the first answer of an undo from the undoing of its was (the walk), not from the walk itself', async () => {
    // Prepare
    const calls: unknown[] = [];
    const { handler } = handlerWith(async (_input, call) => {
      calls.push({ phase: call.phase, poll: call.poll });
      return { output: { host: 'web-1' } };
    });

    // Act
    await handler({ ...event({ phase: 'undo' }), was: { at: 1, stop: 0, undoing: caught('exec-1', 2, { left: 2 }) } } as ProviderEvent);
    await handler({ ...event({ phase: 'undo' }), was: { at: 1, stop: 0 } } as ProviderEvent);
    await handler({ ...event({ phase: 'undo' }), was: caught('exec-1', 2, { left: 2 }) } as ProviderEvent);

    // Assess
    expect(calls).toStrictEqual([
      { phase: 'poll', poll: { left: 2 } },
      { phase: 'undo', poll: undefined },
      { phase: 'undo', poll: undefined },
    ]);
  });

  it('throws Mastermind.Waiting for a poll that asks again, for the poll Task\'s Retry, and logs it as a move done', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async () => ({ poll: { after: 5, state: { tries: 1 } } }));

    // Act
    const error = await outcome(handler(event({ phase: 'poll', poll: { tries: 1 } })));

    // Assess
    expect(error).toStrictEqual({ name: 'Mastermind.Waiting', message: 'still waiting: the action asked to be called again in 5 s' });
    expect(logs()).toMatchObject([{ level: 'INFO', message: 'move done', phase: 'poll', outcome: 'waiting' }]);
    expect(logs()).toHaveLength(1);
  });

  it('says what a poll waits for, in the action\'s words: in the Mastermind.Waiting it throws and in its log line', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async () => ({ poll: { after: 5, state: { tries: 1 }, waitingFor: 'lb-1 to drain its connections' } }));

    // Act
    const first = await handler(event());
    const round = await outcome(handler(event({ phase: 'poll', poll: { tries: 1 } })));

    // Assess
    expect(first).toStrictEqual({ poll: { after: 5, state: { tries: 1 }, waitingFor: 'lb-1 to drain its connections', for: { execution: 'exec-1', attempt: 2 } } });
    expect(round).toStrictEqual({ name: 'Mastermind.Waiting', message: 'still waiting for lb-1 to drain its connections' });
    expect(logs().map((l) => [l.message, l.phase, l.outcome, l.waitingFor])).toStrictEqual([
      ['move done', 'do', 'poll', 'lb-1 to drain its connections'],
      ['move done', 'poll', 'waiting', 'lb-1 to drain its connections'],
    ]);
  });

  it('logs the henchman\'s play (how often it was played: retreats) and its item, never a retry number it cannot know', async () => {
    // Prepare: the same event twice, as a Task state's Retry sends it.
    const { handler, logs } = handlerWith(async () => {
      throw new TransientError('connection refused');
    });
    const inEach = event({ context: { ...context, item: 4 } });

    // Act
    await outcome(handler(inEach));
    await outcome(handler(inEach));

    // Assess
    expect(logs().map(({ henchman, execution, play, item, phase, attempt }) => ({ henchman, execution, play, item, phase, attempt }))).toStrictEqual([
      { henchman: 'connect', execution: 'exec-1', play: 2, item: 4, phase: 'do', attempt: undefined },
      { henchman: 'connect', execution: 'exec-1', play: 2, item: 4, phase: 'do', attempt: undefined },
    ]);
  });

  it('throws a passing failure of a poll as Mastermind.Waiting (one more round), and a do\'s as it is', async () => {
    // Prepare
    const { handler, logs } = handlerWith(async () => {
      throw new TransientError('throttled by PRIVATE-KEY-TEXT-1234567890');
    });

    // Act
    const poll = await outcome(handler(event({ phase: 'poll', poll: {} })));
    const play = await outcome(handler(event()));

    // Assess
    expect(poll).toStrictEqual({ name: 'Mastermind.Waiting', message: 'still waiting: the look failed for a passing reason (throttled by ***); asked again' });
    expect(play).toStrictEqual({ name: 'Mastermind.Transient', message: 'throttled by ***' });
    expect(logs()).toMatchObject([
      { level: 'INFO', message: 'move done', phase: 'poll', outcome: 'waiting', reason: 'throttled by ***' },
      { level: 'WARN', message: 'move failed', phase: 'do', error: 'Mastermind.Transient', reason: 'throttled by ***' },
    ]);
  });

  it.each([
    [{ action: 'reboot' }, 'ssh has no action reboot: it has run'],
    [{ phase: 'later' as never }, 'invalid provider event: phase must be one of do, undo, poll'],
    [{ input: [] as never }, 'invalid provider event: input must be an object'],
    [{ input: { host: 'lb-1' } }, 'invalid input for ssh run: user is required; key is required; command is required'],
    [{ secrets: [{ path: 'key', text: '${secret:/mastermind/web/lb-key}' }] as never }, 'invalid provider event: secrets must be a list of { path, text }, paths or field names'],
    [{ secrets: [{ path: [], text: '${secret:/mastermind/web/lb-key}' }] }, 'invalid provider event: secrets must be a list of { path, text }, paths or field names'],
    [{ context: { ...context, project: 'db' } }, "secret /mastermind/web/lb-key is not one of project db's: a task of project db names only secrets under /mastermind/db/ or the shared /mastermind/_shared/"],
  ])('rejects a bad event %j as invalid', async (change, message) => {
    // Prepare
    const run = vi.fn<Action>();
    const { handler } = handlerWith(run);

    // Act
    const error = await outcome(handler(event(change)));

    // Assess
    expect(error).toStrictEqual({ name: 'Mastermind.Invalid', message });
    expect(run).not.toHaveBeenCalled();
    expect(ssm.commandCalls(GetParameterCommand)).toStrictEqual([]);
  });

  it('resolves only the marked places: secret references in any other string reach the action as text, SSM never asked', async () => {
    // Prepare
    const run = vi.fn<Action>(async () => ({ output: { exitCode: 0 } }));
    const { handler } = handlerWith(run);
    const planted = {
      host: '${secret:/mastermind/web/lb-key}',
      user: 'ops',
      key: '${secret:/mastermind/web/lb-key}',
      command: { template: 'echo {{0}} {{1}}', values: { 0: '${secret:/mastermind/web/lb-key}', 1: '$${secret:/mastermind/web/lb-key}' } },
    };

    // Act
    await handler(event({ input: planted, secrets: undefined }));

    // Assess
    expect(run.mock.calls[0]![0]).toStrictEqual({ ...planted, port: 22, timeout: '5m', allowExitCodes: [0] });
    expect(ssm.commandCalls(GetParameterCommand)).toStrictEqual([]);
  });

  it('keeps an escaped $${ of a mark the literal ${, and leaves a mark of a field an undo drops', async () => {
    // Prepare
    const run = vi.fn<Action>(async () => ({ output: { exitCode: 0 } }));
    const { handler } = handlerWith(run);
    const marks = [
      { path: ['key'], text: '${secret:/mastermind/web/lb-key}' },
      { path: ['command'], text: 'login $${secret:/mastermind/web/lb-key}' },
      { path: ['stdout'], text: '${secret:/mastermind/web/other}' },
    ];

    // Act
    await handler(event({ phase: 'undo', input: { ...input, command: 'login ${secret:/mastermind/web/lb-key}', stdout: 'x' }, secrets: marks }));

    // Assess
    expect(run.mock.calls[0]![0]).toStrictEqual({
      ...input,
      key: 'PRIVATE-KEY-TEXT-1234567890',
      command: 'login ${secret:/mastermind/web/lb-key}',
      port: 22,
      timeout: '5m',
      allowExitCodes: [0],
    });
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toStrictEqual([
      { Name: '/mastermind/web/lb-key', WithDecryption: true },
    ]);
  });

  it('cuts long text to its last 512 characters inside each, or to the share the compiler set (maxText), and says so', async () => {
    // Prepare
    const long = `${'x'.repeat(600)}END`;
    const { handler } = handlerWith(async () => ({ output: { exitCode: 0, stdout: long, stderr: 'short', truncated: false } }));

    // Act
    const inEach = await handler(event({ context: { ...context, item: 4 } }));
    const alone = await handler(event());
    const shared = await handler(event({ context: { ...context, maxText: 100 } }));

    // Assess
    expect(inEach).toStrictEqual({ output: { exitCode: 0, stdout: long.slice(-512), stderr: 'short', truncated: true } });
    expect(alone).toStrictEqual({ output: { exitCode: 0, stdout: long, stderr: 'short', truncated: false } });
    expect(shared).toStrictEqual({ output: { exitCode: 0, stdout: long.slice(-100), stderr: 'short', truncated: true } });
  });

  it('drops the fields of an undo\'s input that the undo action does not take (it is fed the henchman\'s output)', async () => {
    // Prepare
    const run = vi.fn<Action>(async () => ({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } }));
    const { handler } = handlerWith(run);

    // Act
    await handler(event({ phase: 'undo', input: { ...input, exitCode: 0, stdout: 'added', truncated: false } }));

    // Assess
    expect(run.mock.calls[0]![0]).toStrictEqual({
      host: 'lb-1',
      user: 'ops',
      key: 'PRIVATE-KEY-TEXT-1234567890',
      command: 'add-backend',
      port: 22,
      timeout: '5m',
      allowExitCodes: [0],
    });
  });

  it('fails when the action answers neither output nor poll', async () => {
    // Prepare
    const { handler } = handlerWith(async () => ({ poll: { after: -1, state: null } }));

    // Act
    const error = await outcome(handler(event()));

    // Assess
    expect(error).toStrictEqual({
      name: 'Mastermind.Failed',
      message: 'the action returned neither { output } nor { poll: { after, state } }',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { loadScenario, plausibleOutput, rehearsalHandler } from '#engine/rehearsal';
import type { ProviderEvent } from '#providers/contract';

const event = (henchman: string, phase: ProviderEvent['phase'], action = 'run', poll?: unknown): ProviderEvent => ({
  action,
  input: {},
  phase,
  ...(poll === undefined ? {} : { poll }),
  context: { project: 'p', task: 't', version: 1, execution: 'e', henchman, attempt: 1 },
});

describe('loadScenario', () => {
  it('reads answers given as one answer, a list, or per phase', () => {
    const scenario = loadScenario(`
henchmen:
  a: { output: { x: 1 } }
  b: [{ fail: no }, { transient: later }]
  c: { do: [{ poll: 2, after: 9 }], undo: { invalid: gone } }
`);
    expect(scenario).toStrictEqual({
      henchmen: {
        a: { do: [{ output: { x: 1 } }] },
        b: { do: [{ fail: 'no' }, { transient: 'later' }] },
        c: { do: [{ poll: 2, after: 9 }], undo: [{ invalid: 'gone' }] },
      },
    });
  });

  it('reads JSON, and an empty scenario', () => {
    expect(loadScenario('{"henchmen": {"a": {"fail": "x"}}}')).toStrictEqual({ henchmen: { a: { do: [{ fail: 'x' }] } } });
    expect(loadScenario('')).toStrictEqual({ henchmen: {} });
  });

  it('says where and what is wrong', () => {
    expect(() => loadScenario('henchmen:\n  a: [{ explode: now }]\n')).toThrow(
      'the scenario is not valid:\n  henchmen.a: an answer is one of { output: {...} }, { fail: text }, { invalid: text }, { transient: text }, { cancel: text }, { taskTimeout: text }, { poll: N, after?: seconds }',
    );
    expect(() => loadScenario('henchmen: [')).toThrow(/^the scenario is not YAML or JSON: /);
  });
});

describe('rehearsalHandler', () => {
  it('answers in order, the last answer repeating, with the contract error names', async () => {
    const handler = rehearsalHandler(loadScenario('henchmen: { a: [{ fail: broken }, { transient: slow }, { invalid: bad }, { output: { ok: true } }] }'));
    const answers: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      answers.push(await handler(event('a', 'do'), 'ssh').catch((e: Error) => `${e.name}: ${e.message}`));
    }
    expect(answers).toStrictEqual([
      'Mastermind.Failed: broken',
      'Mastermind.Transient: slow',
      'Mastermind.Invalid: bad',
      // Completed with the catalog's output fields of ssh run, as the provider runtime does.
      { output: { ok: true, exitCode: null, stdout: null, stderr: null, truncated: null } },
      { output: { ok: true, exitCode: null, stdout: null, stderr: null, truncated: null } },
    ]);
  });

  it('asks to be polled N times, then gives the next answer', async () => {
    const handler = rehearsalHandler(loadScenario('henchmen: { a: [{ poll: 2, after: 7 }, { output: { state: running } }] }'));
    const first = await handler(event('a', 'do', 'launch'), 'ec2');
    const state = { rehearsal: { poll: 2, after: 7 } };
    expect(first).toStrictEqual({ poll: { after: 7, state } });
    // Every poll is handed back the state of the first answer (the poll Task's Retry asks again with it).
    const second = await handler(event('a', 'poll', 'launch', state), 'ec2');
    // Later rounds wait as the state machine does: ec2's 10 s.
    expect(second).toStrictEqual({ poll: { after: 10, state } });
    const third = await handler(event('a', 'poll', 'launch', state), 'ec2');
    expect(third).toStrictEqual({ output: { state: 'running', instanceId: null, privateIp: null, publicIp: null, privateDns: null, publicDns: null, availabilityZone: null } });
  });

  it('answers an undo that polls from the undo answers, leaving the do answers for the next play', async () => {
    const handler = rehearsalHandler(
      loadScenario('henchmen: { a: { do: [{ output: { n: 1 } }, { output: { n: 2 } }], undo: [{ poll: 1 }, { output: { state: terminated } }] } }'),
    );
    const played = await handler(event('a', 'do', 'launch'), 'ec2');
    const undo = await handler(event('a', 'undo', 'terminate'), 'ec2');
    const undone = await handler(event('a', 'poll', 'terminate', (undo as { poll: { state: unknown } }).poll.state), 'ec2');
    const replayed = await handler(event('a', 'do', 'launch'), 'ec2');
    const rest = { instanceId: null, privateIp: null, publicIp: null, privateDns: null, publicDns: null, availabilityZone: null };
    expect([played, undo, undone, replayed]).toStrictEqual([
      { output: { n: 1, ...rest, state: null } },
      { poll: { after: 5, state: { rehearsal: { poll: 1 } } } },
      { output: { state: 'terminated', instanceId: null, instanceIds: [] } },
      { output: { n: 2, ...rest, state: null } },
    ]);
  });

  it('answers henchmen and phases the scenario leaves out with outputs built from the catalog', async () => {
    const handler = rehearsalHandler(loadScenario('henchmen: { a: { undo: { fail: x } } }'));
    expect(await handler(event('a', 'do', 'launch'), 'ec2')).toStrictEqual({
      output: {
        instanceId: 'a-instanceId',
        privateIp: 'a-privateIp',
        publicIp: 'a-publicIp',
        privateDns: 'a-privateDns',
        publicDns: 'a-publicDns',
        availabilityZone: 'a-availabilityZone',
        state: 'a-state',
      },
    });
    expect(await handler(event('web', 'do', 'search'), 'chef')).toStrictEqual({ output: { nodes: [], hosts: ['web-hosts'] } });
    expect(plausibleOutput('ssh', 'run', 'r')).toStrictEqual({ exitCode: 0, stdout: 'r-stdout', stderr: 'r-stderr', truncated: false });
  });
});

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileSource, compileTask } from '#task/compile';
import { MAX_EACH_ITEMS } from '#task/compiler/layout';
import { taskSchema } from '#task/schema';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask } from '#engine/run';
import type { Move, ProviderHandler } from '#engine/run';
import type { ProviderEvent } from '#providers/contract';

const SSH = (name: string, extra = '') => `
  - name: ${name}
    provider: ssh
    action: run
    with: { host: h, user: u, key: "\${secret:/mastermind/default/k}", command: "echo ${name}" }
${extra}`;

/** "provision:do", "configure:do failed", "provision:poll(undo)": each move, a poll marked with the undo it waits on. */
const trail = (moves: readonly Move[]) => moves.map((m) => `${m.henchman}:${m.phase}${m.pollOf === 'undo' ? '(undo)' : ''}${m.status === 'failed' ? ' failed' : ''}`);

/** Compiles the task and runs it against a rehearsal scenario, keeping every provider event. */
async function rehearse(taskYaml: string, scenarioYaml = 'henchmen: {}', params?: object) {
  // Through the whole pipeline (validation included): every task these tests play is one a user could save.
  const { definition, errors } = compileSource(taskYaml);
  if (!definition) throw new Error(`the test task is not valid: ${JSON.stringify(errors)}`);
  const events: ProviderEvent[] = [];
  const rehearsal = rehearsalHandler(loadScenario(scenarioYaml));
  const handler: ProviderHandler = (event, provider) => {
    events.push(event);
    return rehearsal(event, provider);
  };
  // Started as the API starts it: params and trigger given (a console start with {} takes one transition more).
  const result = await runTask(definition, { params: params ?? {}, trigger: {} }, { handler, skipWaits: true, executionId: 'local:exec-1' });
  return { ...result, events, trail: trail(result.moves) };
}

const out = (result: { output?: unknown }) => (result.output as { out: Record<string, unknown> }).out;

describe('runTask on the local engine', () => {
  it('plays the happy path: every henchman once, one transition each plus the two start states (API input)', async () => {
    const r = await rehearse(`task: t\nplot:${SSH('a')}${SSH('b')}${SSH('c')}`);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do', 'b:do', 'c:do']);
    expect(r.transitions).toBe(2 + 3);
    expect(out(r).a).toStrictEqual({ output: { exitCode: 0, stdout: 'a-stdout', stderr: 'a-stderr', truncated: false } });
  });

  it('retries transient errors when the henchman has retry, with the same attempt', async () => {
    const r = await rehearse(`task: t\nplot:${SSH('a', '    retry: { attempts: 2 }')}`, 'henchmen: { a: [{ transient: throttled }, { transient: throttled }, { output: { exitCode: 0 } }] }');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do failed', 'a:do failed', 'a:do']);
    expect(r.events.map((e) => e.context.attempt)).toStrictEqual([1, 1, 1]);
  });

  it('retries a transient error by default when the henchman gives no retry', async () => {
    // Prepare
    const scenario = 'henchmen: { a: [{ transient: throttled }, { output: { exitCode: 0 } }] }';
    // Act
    const r = await rehearse(`task: t\nplot:${SSH('a')}${SSH('b')}`, scenario);
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do failed', 'a:do', 'b:do']);
    // The rehearsal completes the scenario's output with the catalog's other fields, as the provider runtime does.
    expect(out(r).a).toStrictEqual({ output: { exitCode: 0, stdout: null, stderr: null, truncated: null } });
  });

  it('fails with the provider error once the default retries of a transient error are spent', async () => {
    const r = await rehearse(`task: t\nplot:${SSH('a')}${SSH('b')}`, 'henchmen: { a: { transient: throttled } }');
    expect(r.trail).toStrictEqual(['a:do failed', 'a:do failed', 'a:do failed']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Transient', cause: 'throttled' });
  });

  it('fails the execution with the provider error when transient errors outlast the retries', async () => {
    const r = await rehearse(`task: t\nplot:${SSH('a', '    retry: { attempts: 1 }')}${SSH('b')}`, 'henchmen: { a: { transient: throttled } }');
    expect(r.trail).toStrictEqual(['a:do failed', 'a:do failed']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Transient', cause: 'throttled' });
  });

  const expecting = (onFailure: string, rollback = false) => `
task: t
rollback: ${rollback}
plot:
${SSH('a')}
${SSH('probe', `    expect: { exitCode: 0 }\n    onFailure: ${onFailure}`)}
${SSH('after')}
${SSH('notify')}
`;
  const exitOne = 'henchmen: { probe: { output: { exitCode: 1 } } }';

  it('records an expect not met and advances when onFailure is continue', async () => {
    const r = await rehearse(expecting('continue'), exitOne);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do', 'probe:do', 'after:do', 'notify:do']);
    expect(out(r).probe).toStrictEqual({ failed: true, error: 'Mastermind.Unexpected', cause: 'the output of probe does not meet its expect' });
  });

  it('aborts on an expect not met by default', async () => {
    const r = await rehearse(expecting('abort'), exitOne);
    expect(r.trail).toStrictEqual(['a:do', 'probe:do']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Unexpected',
      cause: 'the output of probe does not meet its expect',
    });
  });

  it('jumps to the goto target on an expect not met', async () => {
    const r = await rehearse(expecting('{ goto: notify }'), exitOne);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do', 'probe:do', 'notify:do']);
  });

  it('retreats on an expect not met, then advances once it is met, every move from there on in the second pass', async () => {
    const r = await rehearse(expecting('{ retreat: a, times: 1 }'), 'henchmen: { probe: [{ output: { exitCode: 1 } }, { output: { exitCode: 0 } }] }');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['a:do', 'probe:do', 'a:do', 'probe:do', 'after:do', 'notify:do']);
    expect(r.events.map((e) => `${e.context.henchman}#${e.context.attempt}`)).toStrictEqual(['a#1', 'probe#1', 'a#2', 'probe#2', 'after#2', 'notify#2']);
  });

  const saga = (times: number) => `
task: t
rollback: true
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    undo: terminate
  - name: configure
    provider: chef
    action: bootstrap
    with: { host: "\${provision.privateIp}", user: u, key: "\${secret:/mastermind/default/k}", nodeName: "web-\${provision.instanceId}", chefServerUrl: c, chefClientName: m, chefClientKey: "\${secret:/mastermind/default/c}" }
    undo: deregister
    onFailure: { retreat: provision, times: ${times} }
${SSH('connect')}
`;
  const box = (n: number) => ({ output: { instanceId: `i-${n}`, privateIp: `10.0.0.${n}` } });

  it('takes a retreat with undo once (in the next pass), plays the target again with the next attempt, then succeeds', async () => {
    const scenario = JSON.stringify({ henchmen: { provision: [box(1), box(2)], configure: [{ fail: 'chef-client exited 1' }, { output: { nodeName: 'web-i-2' } }] } });
    const r = await rehearse(saga(2), scenario);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', 'provision:do', 'configure:do', 'connect:do']);
    const undo = r.events.find((e) => e.phase === 'undo')!;
    expect(undo).toStrictEqual({
      action: 'terminate',
      input: { instanceId: 'i-1' },
      phase: 'undo',
      context: { project: 'default', task: 't', version: 0, execution: 'local:exec-1', henchman: 'provision', attempt: 2 },
    });
    expect(r.events.filter((e) => e.context.henchman === 'provision' && e.phase === 'do').map((e) => e.context.attempt)).toStrictEqual([1, 2]);
    expect(r.events.at(-2)!.input).toMatchObject({ host: '10.0.0.2', nodeName: 'web-i-2' });
    expect(out(r).count).toBeUndefined();
    expect((r.output as { count: unknown }).count).toStrictEqual({ pass: 2, retreats: '(configure)' });
  });

  it('takes the abort route with rollback once the retreats are spent', async () => {
    const r = await rehearse(saga(1), JSON.stringify({ henchmen: { provision: [box(1), box(2)], configure: { fail: 'chef-client exited 1' } } }));
    expect(r.trail).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', 'provision:do', 'configure:do failed', 'provision:undo']);
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => e.input)).toStrictEqual([{ instanceId: 'i-1' }, { instanceId: 'i-2' }]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'chef-client exited 1' });
  });

  const launch = (timeout: string) => `
task: t
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    timeout: ${timeout}
${SSH('next')}
`;

  it('polls until the action answers, handing every poll the state of the first answer', async () => {
    const r = await rehearse(launch('10m'), 'henchmen: { provision: [{ poll: 2, after: 30 }, { output: { instanceId: i-9 } }] }');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['provision:do', 'provision:poll', 'provision:poll', 'next:do']);
    expect(r.events.slice(1, 3).map((e) => [e.phase, e.poll])).toStrictEqual([
      ['poll', { rehearsal: { poll: 2, after: 30 } }],
      ['poll', { rehearsal: { poll: 2, after: 30 } }],
    ]);
    // The first poll asked again (Mastermind.Waiting, retried); the second answered.
    expect(r.moves.slice(1, 3).map((m) => m.output)).toStrictEqual([
      { poll: { after: 10, state: { rehearsal: { poll: 2, after: 30 } } } },
      { output: { instanceId: 'i-9', privateIp: null, publicIp: null, privateDns: null, publicDns: null, availabilityZone: null, state: null } },
    ]);
    // 2 start + provision (its first answer caught: Mastermind.Polled), "wait", provision again (the first round) + 1
    // retry of it (the second round) + next
    expect(r.transitions).toBe(7);
    expect(out(r).provision).toStrictEqual({ output: { instanceId: 'i-9', privateIp: null, publicIp: null, privateDns: null, publicDns: null, availabilityZone: null, state: null } });
    // The first answer waited on lived in out.provision; the output replaced it, no copy is left behind.
    expect(Object.keys(r.output as object)).toStrictEqual(['params', 'trigger', 'context', 'out', 'count']);
  });

  it('takes a passing failure to look during a poll as one more round, however many there are', async () => {
    // Three throttled looks: more than the two retries of Mastermind.Transient a move gets.
    const r = await rehearse(
      launch('10m'),
      'henchmen: { provision: { do: [{ poll: 1 }], poll: [{ transient: throttled }, { transient: throttled }, { transient: throttled }, { output: { instanceId: i-9 } }] } }',
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['provision:do', 'provision:poll failed', 'provision:poll failed', 'provision:poll failed', 'provision:poll', 'next:do']);
    expect(out(r).provision).toStrictEqual({ output: { instanceId: 'i-9', privateIp: null, publicIp: null, privateDns: null, publicDns: null, availabilityZone: null, state: null } });
  });

  it('fails a move with its last Mastermind.Waiting once the polls every 10 s (ec2) fill the henchman timeout', async () => {
    const r = await rehearse(launch('3m'), 'henchmen: { provision: [{ poll: 100, after: 10 }] }');
    // The first poll after 10 s, then 17 retries 10 s apart: 180 s of waits in all.
    expect(r.trail).toStrictEqual(['provision:do', ...Array<string>(18).fill('provision:poll')]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Waiting',
      cause: 'still waiting: the action asked to be called again in 10 s',
    });
  });

  it('plays an each henchman once per item and records the list of outputs', async () => {
    const r = await rehearse(
      `
task: t
params:
  hosts: { type: list, default: [a, b, c] }
plot:
  - name: restart
    provider: ssh
    action: run
    each: \${params.hosts}
    concurrency: 1
    with: { host: "\${item}", user: u, key: "\${secret:/mastermind/default/k}", command: "restart \${item}" }
`,
      'henchmen: { restart: { output: { exitCode: 0 } } }',
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events.map((e) => [e.input.host, e.input.command, e.context.item])).toStrictEqual([
      ['a', { template: 'restart {{0}}', values: { '0': 'a' } }, 0],
      ['b', { template: 'restart {{0}}', values: { '0': 'b' } }, 1],
      ['c', { template: 'restart {{0}}', values: { '0': 'c' } }, 2],
    ]);
    expect(out(r).restart).toStrictEqual({ output: [{ exitCode: 0, stdout: null, stderr: null, truncated: null }, { exitCode: 0, stdout: null, stderr: null, truncated: null }, { exitCode: 0, stdout: null, stderr: null, truncated: null }] });
  });

  const eachOver = (onFailure: string) => `
task: t
params:
  hosts: { type: list }
plot:
  - name: restart
    provider: ssh
    action: run
    each: \${params.hosts}
    concurrency: 10
    with: { host: "\${item}", user: u, key: "\${secret:/mastermind/default/k}", command: "true" }
    onFailure: ${onFailure}
${SSH('after')}
`;
  const hosts = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i}`);

  it('plays an each henchman over a list param of exactly MAX_EACH_ITEMS (100) items, for four transitions more than the Map', async () => {
    // Act
    const r = await rehearse(eachOver('abort'), 'henchmen: { restart: { output: { exitCode: 0 } } }', { hosts: hosts(MAX_EACH_ITEMS) });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail.filter((m) => m === 'restart:do')).toHaveLength(100);
    expect((out(r).restart as { output: unknown[] }).output).toHaveLength(100);
    // 2 start + "restart: list" and "restart: list?" (a list param is a list only if the start came through the API) +
    // "restart: items?" + the Map + 100 items + "restart: failed items?" + after
    expect(r.transitions).toBe(2 + 2 + 1 + 1 + 100 + 1 + 1);
  });

  it('sends an each henchman over more than MAX_EACH_ITEMS items to its failure route with Mastermind.Invalid, playing no item', async () => {
    const r = await rehearse(eachOver('continue'), 'henchmen: {}', { hosts: hosts(MAX_EACH_ITEMS + 1) });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['after:do']);
    expect(out(r).restart).toStrictEqual({
      failed: true,
      error: 'Mastermind.Invalid',
      cause: 'restart: the list ${params.hosts} holds more than 100 items, the most one each henchman plays over (the execution state is limited to 256 KB); split the list over several henchmen',
    });
  });

  it('fires a henchman and advances without its result', async () => {
    const r = await rehearse(`task: t\nplot:\n  - { name: announce, provider: ec2, action: tag, fire: true, with: { instanceId: i-1, tags: { a: b } } }\n${SSH('b')}`);
    expect(r.status).toBe('SUCCEEDED');
    expect([...r.trail].sort()).toStrictEqual(['announce:do', 'b:do']);
    expect(out(r).announce).toStrictEqual({ fired: true });
  });

  const references = (extra = '') => `
task: t
params:
  count: { type: integer, default: 3 }
  zone: { type: string, default: a }
  tags: { type: map, default: { team: web } }
plot:
  - name: lookup
    provider: ec2
    action: tag
    with: { instanceId: "i-\${params.count}-\${params.zone}", tags: "\${params.tags}"${extra} }
  - name: use
    provider: ssh
    action: upload
    with: { host: h, port: "\${params.count}", user: u, key: "\${secret:/mastermind/default/k}", path: "/tmp/\${execution.id}", content: "zone \${params.zone}" }
  - name: clean
    provider: ec2
    action: terminate
    with: { instanceIds: "\${lookup.instanceIds}" }
`;

  it('keeps the type of whole-value references, formats the others, and applies param defaults', async () => {
    const r = await rehearse(references(), 'henchmen: { lookup: { output: { instanceIds: [i-1, i-2] } } }', { zone: 'b' });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events.map((e) => e.input)).toStrictEqual([
      { instanceId: 'i-3-b', tags: { team: 'web' } },
      { host: 'h', port: 3, user: 'u', key: '${secret:/mastermind/default/k}', path: '/tmp/local:exec-1', content: 'zone b' },
      { instanceIds: ['i-1', 'i-2'] },
    ]);
  });

  it('gives a trigger field the trigger left out as "" (a run started from the console has no alarm)', async () => {
    const r = await rehearse(references(', region: "${trigger.region}"'));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events[0]!.input.region).toBe('');
  });

  it('fails the move with Mastermind.Invalid naming a reference that points at nothing in the execution (a hook body field left out)', async () => {
    const r = await rehearse(references(', region: "${trigger.body.region}"'));
    expect(r.trail).toStrictEqual(['lookup:do failed']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'lookup: ${trigger.body.region} has no value in this execution',
    });
  });

  it('rolls back an each henchman item by item', async () => {
    const r = await rehearse(
      `
task: t
rollback: true
params:
  hosts: { type: list, default: [a, b] }
plot:
  - name: join
    provider: chef
    action: bootstrap
    each: \${params.hosts}
    concurrency: 1
    with: { host: "\${item}", user: u, key: "\${secret:/mastermind/default/k}", nodeName: "node-\${item}", chefServerUrl: c, chefClientName: m, chefClientKey: "\${secret:/mastermind/default/c}" }
    undo: deregister
${SSH('boom')}
`,
      'henchmen: { join: { output: { nodeName: n } }, boom: { fail: broken } }',
    );
    expect(r.trail).toStrictEqual(['join:do', 'join:do', 'boom:do failed', 'join:undo', 'join:undo']);
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => [e.input, e.context.item])).toStrictEqual([
      [{ nodeName: 'n', chefServerUrl: 'c', chefClientName: 'm', chefClientKey: '${secret:/mastermind/default/c}' }, 0],
      [{ nodeName: 'n', chefServerUrl: 'c', chefClientName: 'm', chefClientKey: '${secret:/mastermind/default/c}' }, 1],
    ]);
    expect(r.output).toBeUndefined();
    expect({ status: r.status, error: r.error }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed' });
  });
  const joinEach = (extra = '') => `
task: t
rollback: true
params:
  hosts: { type: list, default: [a, b, c] }
plot:
  - name: join
    provider: chef
    action: bootstrap
    each: \${params.hosts}
    concurrency: 1
    with: { host: "\${item}", user: u, key: "\${secret:/mastermind/default/k}", nodeName: "node-\${item}", chefServerUrl: c, chefClientName: m, chefClientKey: "\${secret:/mastermind/default/c}" }
    undo: deregister
${extra}${SSH('after')}
`;

  it('fails an each henchman when an item fails, naming it, and undoes only the items that completed', async () => {
    // Act: item 2 of 3 (index 1, "b") fails; the other two complete.
    const r = await rehearse(joinEach(), 'henchmen: { join: [{ output: { nodeName: n-a } }, { fail: chef-client exited 1 }, { output: { nodeName: n-c } }] }');
    // Assess
    expect(r.trail).toStrictEqual(['join:do', 'join:do failed', 'join:do', 'join:undo', 'join:undo']);
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => [e.input.nodeName, e.context.item])).toStrictEqual([
      ['n-a', 0],
      ['n-c', 2],
    ]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Failed',
      cause: 'join: 1 of 3 items failed, at [1] (["b"]); the first: chef-client exited 1',
    });
  });

  it('keeps the outputs of the completed items and the failed ones in their places when the henchman continues', async () => {
    // Act
    const r = await rehearse(joinEach('    onFailure: { goto: after }\n'), 'henchmen: { join: [{ fail: no route }, { output: { nodeName: n-b } }, { fail: no key }] }');
    // Assess: the goto keeps the record; the rollback is not taken (the task succeeds).
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['join:do failed', 'join:do', 'join:do failed', 'after:do']);
    // A failed item's record says whether a cancel or the task's deadline ended it (aborted), here not.
    const failed = (index: number, item: string, cause: string) => ({ nodeName: null, runList: null, exitCode: null, failed: true, aborted: false, index, item, error: 'Mastermind.Failed', cause });
    expect(out(r).join).toStrictEqual({ output: [failed(0, 'a', 'no route'), { nodeName: 'n-b', runList: [], exitCode: null }, failed(2, 'c', 'no key')] });
    expect(out(r).failure).toBeUndefined();
  });

  it('sends a cancel inside an item to the abort route: the items that completed are undone', async () => {
    // Act
    const r = await rehearse(joinEach('    onFailure: continue\n'), 'henchmen: { join: [{ output: { nodeName: n-a } }, { cancel: cancelled by ops }, { cancel: cancelled by ops }] }');
    // Assess: the third item sees the cancel too; not continue but the abort route, the first item undone.
    expect(r.trail).toStrictEqual(['join:do', 'join:do failed', 'join:do failed', 'join:undo']);
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => [e.input.nodeName, e.context.item])).toStrictEqual([['n-a', 0]]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Cancelled', cause: 'cancelled by ops' });
  });
});

describe("runTask when the task's timeout runs out", () => {
  it('takes the abort route with the rollback from a henchman whose onFailure is retreat, and fails with Mastermind.TaskTimeout', async () => {
    const r = await rehearse(
      `
task: t
timeout: 1m
rollback: true
plot:
${SSH('mark', '    undo: { action: run, with: { host: h, user: u, key: "${secret:/mastermind/default/k}", command: "echo undo" } }')}
${SSH('slow', '    onFailure: { retreat: mark, times: 3 }')}
`,
      "henchmen: { slow: { taskTimeout: \"the task ran out of its timeout (60s) during henchman 'slow': the command was ended\" } }",
    );
    expect(r.trail).toStrictEqual(['mark:do', 'slow:do failed', 'mark:undo']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.TaskTimeout',
      cause: "the task ran out of its timeout (60s) during henchman 'slow': the command was ended",
    });
    // Every event carries the task's deadline (the context every move shares, built once); the undo ran all the same:
    // the providers never end an undo at the task's deadline (lambdas/providers/deadline.ts: the rollback must run).
    expect(r.events.map((e) => [e.phase, e.context.taskTimeout, typeof e.context.started])).toStrictEqual([
      ['do', 60, 'string'],
      ['do', 60, 'string'],
      ['undo', 60, 'string'],
    ]);
  });
});

describe('runTask on henchmen with dashes in their names, polling inside each', () => {
  it('retreats and counts plays of dashed names, and polls each item', async () => {
    const r = await rehearse(
      `
task: t
params:
  ids: { type: list, default: [i-1, i-2] }
plot:
  - name: wake-boxes
    provider: ec2
    action: start
    each: \${params.ids}
    # 100 items polling for 10 minutes, twice, would pass the history budget (rules/history.ts): 2 minutes fit.
    timeout: 2m
    with: { instanceId: "\${item}" }
    expect: { state: running }
  - name: check-app
    provider: ssh
    action: run
    with: { host: "\${wake-boxes[1].instanceIds[0]}", user: u, key: "\${secret:/mastermind/default/k}", command: "curl \${wake-boxes[0].instanceIds[0]}" }
    onFailure: { retreat: wake-boxes, times: 1 }
`,
      'henchmen: { wake-boxes: [{ poll: 1 }, { output: { state: running, instanceIds: [x] } }], check-app: [{ fail: down }, { output: { exitCode: 0 } }] }',
    );
    expect([r.status, r.error, r.cause]).toStrictEqual(['SUCCEEDED', undefined, undefined]);
    // The answers are shared by the items: the first item is asked to poll once, the second answers at once.
    expect(r.trail).toStrictEqual(['wake-boxes:do', 'wake-boxes:do', 'wake-boxes:poll', 'check-app:do failed', 'wake-boxes:do', 'wake-boxes:do', 'check-app:do']);
    expect(r.events.map((e) => e.context.attempt)).toStrictEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(r.events.at(-1)!.input).toMatchObject({ host: 'x', command: { template: 'curl {{0}}', values: { '0': 'x' } } });
  });
});

describe('runTask with a scripted handler', () => {
  it('reports the moves with their outputs and errors, in order', async () => {
    const definition = compileTask(taskSchema.parse(parse(`task: t\nplot:${SSH('a', '    onFailure: continue')}${SSH('b')}`)));
    const handler: ProviderHandler = async (event) => {
      if (event.context.henchman === 'a') throw Object.assign(new Error('host unreachable'), { name: 'Mastermind.Failed' });
      return { output: { exitCode: 0 } };
    };
    const seen: string[] = [];
    const r = await runTask(definition, {}, { handler, onMove: (m) => seen.push(m.henchman) });
    expect(r.moves.map(({ startedAt: _s, endedAt: _e, ...m }) => m)).toStrictEqual([
      { henchman: 'a', phase: 'do', action: 'run', status: 'failed', error: { name: 'Mastermind.Failed', message: 'host unreachable' } },
      { henchman: 'b', phase: 'do', action: 'run', status: 'succeeded', output: { output: { exitCode: 0 } } },
    ]);
    expect(seen).toStrictEqual(['a', 'b']);
    expect(out(r).a).toStrictEqual({ failed: true, error: 'Mastermind.Failed', cause: 'host unreachable' });
  });
});

describe('runTask on undo actions that wait for the world', () => {
  const launchRetreat = (timeout: string, rollback = false) => `
task: t
rollback: ${rollback}
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    undo: terminate
    timeout: ${timeout}
  - name: configure
    provider: ssh
    action: run
    with: { host: "\${provision.privateIp}", user: u, key: "\${secret:/mastermind/default/k}", command: "true" }
    onFailure: ${rollback ? 'abort' : '{ retreat: provision, times: 1 }'}
`;

  /** launch answers at once (i-1, i-2, ...); configure fails once; terminate asks to be polled `polls` times (or forever). */
  function scripted(polls: number) {
    const events: ProviderEvent[] = [];
    let launched = 0;
    let configured = 0;
    let terminateCalls = 0;
    const handler: ProviderHandler = async (event) => {
      events.push(event);
      if (event.action === 'launch') return { output: { instanceId: `i-${++launched}`, privateIp: `10.0.0.${launched}` } };
      if (event.action === 'run') {
        if (++configured === 1) throw Object.assign(new Error('exit 1'), { name: 'Mastermind.Failed' });
        return { output: { exitCode: 0 } };
      }
      terminateCalls += 1;
      return terminateCalls <= polls ? { poll: { after: 60, state: { terminating: event.input.instanceId } } } : { output: { instanceId: event.input.instanceId, state: 'terminated' } };
    };
    return { events, handler };
  }

  it('polls an undo until it answers, handing every poll the state of its first answer, then plays the retreat target again', async () => {
    // Prepare
    const definition = compileTask(taskSchema.parse(parse(launchRetreat('10m'))));
    const { events, handler } = scripted(2);
    // Act
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(trail(r.moves)).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', 'provision:poll(undo)', 'provision:poll(undo)', 'provision:do', 'configure:do']);
    expect(events.filter((e) => e.action === 'terminate').map((e) => [e.phase, e.input, e.poll])).toStrictEqual([
      ['undo', { instanceId: 'i-1' }, undefined],
      ['poll', { instanceId: 'i-1' }, { terminating: 'i-1' }],
      ['poll', { instanceId: 'i-1' }, { terminating: 'i-1' }],
    ]);
    expect(out(r).provision).toStrictEqual({ output: { instanceId: 'i-2', privateIp: '10.0.0.2' } });
    // 3 start (a console start: input {}) + provision + configure + retreat? + retreat + next pass; the walk visits
    // provision alone (configure has no undo): walk: step?, which finds its output, undo (its first answer caught) +
    // wait + undo again (its first poll round) + 1 retry of it + undo output, walk: next; the last walk: step? to the
    // target; + provision + configure
    expect(r.transitions).toBe(3 + 1 + 1 + 3 + 7 + 1 + 1 + 1);
  });

  it('takes the abort route when a polling undo is still waiting at the henchman timeout during a retreat', async () => {
    const definition = compileTask(taskSchema.parse(parse(launchRetreat('2m'))));
    const { handler } = scripted(Number.POSITIVE_INFINITY);
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    // The first poll, then 11 retries 10 s apart: with the first wait, 120 s of waits.
    expect(trail(r.moves)).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', ...Array<string>(12).fill('provision:poll(undo)')]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Waiting',
      cause: 'still waiting: the action asked to be called again in 60 s',
    });
  });

  it('plays a move that failed while it waited again as a do after a retreat, not as a round of its old answer', async () => {
    // Prepare: provision's first launch asks to be polled, and its first poll round fails; it retreats to itself.
    const definition = compileTask(
      taskSchema.parse(parse('task: t\nplot:\n  - { name: provision, provider: ec2, action: launch, with: { imageId: ami-1 }, onFailure: { retreat: provision, times: 1 } }\n')),
    );
    const events: ProviderEvent[] = [];
    let launches = 0;
    let rounds = 0;
    const handler: ProviderHandler = async (event) => {
      events.push(event);
      if (event.phase === 'poll') {
        rounds += 1;
        if (rounds === 1) throw Object.assign(new Error('i-1 was terminated by someone'), { name: 'Mastermind.Failed' });
        return { output: { instanceId: `i-${launches}` } };
      }
      launches += 1;
      return { poll: { after: 10, state: { instanceId: `i-${launches}` } } };
    };
    // Act
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    // Assess: the second play launches anew (attempt 2), and its round gets its own answer's state.
    expect(r.status).toBe('SUCCEEDED');
    expect(events.map((e) => [e.phase, e.context.attempt, e.poll])).toStrictEqual([
      ['do', 1, undefined],
      ['poll', 1, { instanceId: 'i-1' }],
      ['do', 2, undefined],
      ['poll', 2, { instanceId: 'i-2' }],
    ]);
    expect(out(r).provision).toStrictEqual({ output: { instanceId: 'i-2' } });
  });

  it('tries an undo that failed while it waited during a retreat again in the rollback, as an undo, not as a round of its old answer', async () => {
    // Prepare: configure fails twice (a retreat, then the abort route); terminate asks to be polled, its round fails.
    const source = launchRetreat('10m').replace('task: t\nrollback: false', 'task: t\nrollback: true');
    const definition = compileTask(taskSchema.parse(parse(source)));
    const events: ProviderEvent[] = [];
    const handler: ProviderHandler = async (event) => {
      events.push(event);
      if (event.action === 'launch') return { output: { instanceId: 'i-1', privateIp: '10.0.0.1' } };
      if (event.action === 'run') throw Object.assign(new Error('exit 1'), { name: 'Mastermind.Failed' });
      if (event.phase === 'poll') throw Object.assign(new Error('terminate refused'), { name: 'Mastermind.Failed' });
      return { poll: { after: 10, state: { terminating: 'i-1' } } };
    };
    // Act
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    // Assess
    expect(trail(r.moves)).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', 'provision:poll(undo) failed', 'provision:undo', 'provision:poll(undo) failed']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'terminate refused' });
  });

  it('gives a resumed execution the empty record of a henchman that waits, so it plays from the resume on', async () => {
    // Prepare: a resume at `first`, with no record of provision (a move that waits, after `from`) carried over.
    const definition = compileTask(
      taskSchema.parse(
        parse(`
task: t
plot:
  - { name: first, provider: ssh, action: run, with: { host: h, user: u, key: "\${secret:/mastermind/default/k}", command: "true" } }
  - { name: provision, provider: ec2, action: launch, with: { imageId: ami-1 } }
`),
      ),
    );
    const handler: ProviderHandler = async (event) =>
      event.phase === 'poll' ? { output: { instanceId: 'i-1' } } : event.action === 'launch' ? { poll: { after: 5, state: {} } } : { output: { exitCode: 0 } };
    const resume = { of: 'arn:aws:states:us-east-1:000000000000:execution:t:one', from: 'first', out: {}, count: { pass: 1 } };
    // Act
    const r = await runTask(definition, { params: {}, trigger: {}, resume }, { handler, skipWaits: true });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(trail(r.moves)).toStrictEqual(['first:do', 'provision:do', 'provision:poll']);
    expect(out(r).provision).toStrictEqual({ output: { instanceId: 'i-1' } });
  });

  it('goes on with a rollback whose polling undo is still waiting at the timeout, and fails with the first failure', async () => {
    const definition = compileTask(taskSchema.parse(parse(launchRetreat('2m', true))));
    const { handler } = scripted(Number.POSITIVE_INFINITY);
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    expect(trail(r.moves)).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo', ...Array<string>(12).fill('provision:poll(undo)')]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'exit 1' });
  });

  it('polls the undo of each item of an each henchman during a rollback', async () => {
    // Prepare
    const definition = compileTask(
      taskSchema.parse(
        parse(`
task: t
rollback: true
params:
  ids: { type: list, default: [i-1, i-2] }
plot:
  - name: wake
    provider: ec2
    action: start
    each: \${params.ids}
    concurrency: 1
    with: { instanceId: "\${item}" }
    undo: stop
${SSH('boom')}
`),
      ),
    );
    const events: ProviderEvent[] = [];
    const handler: ProviderHandler = async (event) => {
      events.push(event);
      if (event.context.henchman === 'boom') throw Object.assign(new Error('broken'), { name: 'Mastermind.Failed' });
      if (event.phase === 'undo') return { poll: { after: 5, state: { stopping: event.input.instanceId } } };
      return { output: { instanceId: event.input.instanceId ?? (event.poll as { stopping: string }).stopping, state: event.phase === 'do' ? 'running' : 'stopped' } };
    };
    // Act
    const r = await runTask(definition, {}, { handler, skipWaits: true });
    // Assess
    expect(trail(r.moves)).toStrictEqual(['wake:do', 'wake:do', 'boom:do failed', 'wake:undo', 'wake:poll(undo)', 'wake:undo', 'wake:poll(undo)']);
    expect(events.filter((e) => e.phase === 'poll').map((e) => [e.action, e.input, e.poll, e.context.item])).toStrictEqual([
      ['stop', { instanceId: 'i-1' }, { stopping: 'i-1' }, 0],
      ['stop', { instanceId: 'i-2' }, { stopping: 'i-2' }, 1],
    ]);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'broken' });
  });
});

describe('runTask on the start: API input, console input, resume', () => {
  const chain = `task: t
plot:${SSH('a')}
  - name: b
    provider: ssh
    action: run
    with: { host: h, user: u, key: "\${secret:/mastermind/default/k}", command: "echo \${a.stdout}" }
${SSH('c')}`;
  const played = (handler: ProviderHandler, events: ProviderEvent[]): ProviderHandler => (event, provider) => (events.push(event), handler(event, provider));
  const rehearsed = rehearsalHandler(loadScenario('henchmen: {}'));

  it('costs one transition more for a console start with {} than for an API start, and plays the same', async () => {
    // Prepare
    const { definition } = compileSource(`task: t\nplot:${SSH('a')}`);
    // Act
    const api = await runTask(definition!, { params: {}, trigger: {} }, { handler: rehearsed, skipWaits: true });
    const console = await runTask(definition!, {}, { handler: rehearsed, skipWaits: true });
    // Assess
    expect([api.status, api.transitions, console.status, console.transitions]).toStrictEqual(['SUCCEEDED', 2 + 1, 'SUCCEEDED', 3 + 1]);
    // The same state but for the execution's own id in the shared context.
    const withoutId = (output: unknown) => ({ ...(output as object), context: { ...(output as { context: object }).context, execution: 'id' } });
    expect(withoutId(console.output)).toStrictEqual(withoutId(api.output));
  });

  it('begins a resume at the henchman it names, with the outputs carried over, playing none before it', async () => {
    // Prepare
    const { definition } = compileSource(chain);
    const events: ProviderEvent[] = [];
    const resume = {
      of: 'arn:aws:states:us-east-1:000000000000:execution:mastermind-default_t:run-1',
      from: 'b',
      out: { a: { output: { exitCode: 0, stdout: 'from-a', stderr: '', truncated: false } } },
      count: { pass: 1, retreats: {} },
    };
    // Act
    const r = await runTask(definition!, { params: { x: 1 }, trigger: { type: 'api' }, resume }, { handler: played(rehearsed, events), skipWaits: true });
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(trail(r.moves)).toStrictEqual(['b:do', 'c:do']);
    expect((events[0]!.input.command as { values: unknown }).values).toStrictEqual({ 0: 'from-a' });
    expect(r.output).toMatchObject({ params: { x: 1 }, trigger: { type: 'api' }, resume: { of: resume.of, from: 'b' }, out: { a: resume.out.a } });
    // The fixed cost of a resume: the Choice, "start: resume", "resume: from?".
    expect(r.transitions).toBe(3 + 2);
  });

  it('fails a resume naming no henchman of the task with Mastermind.Invalid, playing nothing', async () => {
    const { definition } = compileSource(chain);
    const r = await runTask(definition!, { params: {}, trigger: {}, resume: { of: 'x', from: 'z', out: {}, count: {} } }, { handler: rehearsed, skipWaits: true });
    expect([r.status, r.error, r.cause, r.moves]).toStrictEqual([
      'FAILED',
      'Mastermind.Invalid',
      'a resume gives of, from, out and count, and from names a henchman of this task version that an execution can reach',
      [],
    ]);
  });
});

describe('runTask on a cancel (Mastermind.Cancelled before a do or poll)', () => {
  const saga = (onFailure: string) => `
task: t
rollback: true
plot:
  - name: provision
    provider: ec2
    action: tag
    with: { instanceId: i-1, tags: { a: b } }
    undo: { action: tag, with: { instanceId: i-1, tags: { undone: "yes" } } }
${SSH('configure', `    onFailure: ${onFailure}`)}
${SSH('notify')}
`;

  it.each(['continue', '{ goto: notify }', '{ retreat: provision, times: 2 }', 'abort'])(
    'takes the abort route with rollback whatever onFailure says (%s), and ends with the cancel as its failure',
    async (onFailure) => {
      const r = await rehearse(saga(onFailure), 'henchmen: { configure: { cancel: "cancelled by ops at 2025-03-04T05:06:07.000Z: wrong tier" } }');
      expect(r.trail).toStrictEqual(['provision:do', 'configure:do failed', 'provision:undo']);
      expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({
        status: 'FAILED',
        error: 'Mastermind.Cancelled',
        cause: 'cancelled by ops at 2025-03-04T05:06:07.000Z: wrong tier',
      });
    },
  );

  it('takes the abort route from a poll round, and from an each item', async () => {
    // Prepare
    const polling = `task: t\nrollback: true\nplot:\n  - name: provision\n    provider: ec2\n    action: launch\n    with: { imageId: ami-1 }\n    undo: terminate\n  - name: wait\n    provider: ec2\n    action: launch\n    with: { imageId: ami-2 }\n`;
    const each = `task: t\nrollback: true\nparams:\n  hosts: { type: list, default: [a, b] }\nplot:\n  - name: provision\n    provider: ec2\n    action: launch\n    with: { imageId: ami-1 }\n    undo: terminate\n  - name: restart\n    provider: ssh\n    action: run\n    each: \${params.hosts}\n    with: { host: "\${item}", user: u, key: "\${secret:/mastermind/default/k}", command: "true" }\n`;
    // Act
    const poll = await rehearse(polling, 'henchmen: { wait: { do: [{ poll: 1 }], poll: [{ cancel: "cancelled by ops" }] } }');
    const item = await rehearse(each, 'henchmen: { restart: { cancel: "cancelled by ops" } }');
    // Assess
    expect([poll.trail, poll.error]).toStrictEqual([['provision:do', 'wait:do', 'wait:poll failed', 'provision:undo'], 'Mastermind.Cancelled']);
    expect([item.trail.at(-1), item.error, item.cause]).toStrictEqual(['provision:undo', 'Mastermind.Cancelled', 'cancelled by ops']);
  });
});

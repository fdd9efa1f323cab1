/**
 * The undo walk (lambdas/task/compiler/walk.ts) played on the local engine (aws-local-stepfunctions): retreats and
 * the rollback visit each henchman's undo states, written once, driven by $.walk; what they undo, in which order,
 * with which attempt, what they record, and how many transitions they cost.
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '#task/compile';
import type { StateMachineDefinition } from '#task/compile';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask } from '#engine/run';
import type { EngineEvent, Move, ProviderHandler } from '#engine/run';
import type { ProviderEvent } from '#providers/contract';

const SSH_WITH = 'host: h, user: u, key: "${secret:/mastermind/default/k}"';

/** An ssh move; with `undo`, an ssh undo that echoes it. */
const ssh = (name: string, extra = '', undo = false) => `
  - name: ${name}
    provider: ssh
    action: run
    with: { ${SSH_WITH}, command: "echo ${name}" }
${undo ? `    undo: { action: run, with: { ${SSH_WITH}, command: "echo undo-${name}" } }\n` : ''}${extra}`;

/** provision (ec2 launch, undo terminate), mark (an undo), check (none), configure: retreats to provision. */
const saga = (rollback: boolean, times = 1) => `
task: t
rollback: ${rollback}
plot:
  - name: provision
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    undo: terminate
${ssh('mark', '', true)}${ssh('check')}${ssh('configure', `    onFailure: { retreat: provision, times: ${times} }\n`)}`;

const trail = (moves: readonly Move[]) => moves.map((m) => `${m.henchman}:${m.phase}${m.status === 'failed' ? ' failed' : ''}`);

interface Played {
  status: string;
  error?: string;
  cause?: string;
  output?: unknown;
  trail: string[];
  events: ProviderEvent[];
  transitions: number;
  /** The execution state as the last state before the end ("task: aborted" or "task: done") was entered. */
  last?: Record<string, unknown>;
  /** Names of the states entered, in order (outside Map iterations). */
  entered: string[];
}

async function play(source: string, scenario: string, params: object = {}): Promise<Played> {
  const { definition, errors } = compileSource(source);
  if (!definition) throw new Error(`the test task is not valid: ${JSON.stringify(errors)}`);
  return playDefinition(definition, scenario, params);
}

async function playDefinition(definition: StateMachineDefinition, scenario: string, params: object): Promise<Played> {
  const events: ProviderEvent[] = [];
  const rehearsal = rehearsalHandler(loadScenario(scenario));
  const handler: ProviderHandler = (event, provider) => {
    events.push(event);
    return rehearsal(event, provider);
  };
  const entered: string[] = [];
  let last: Record<string, unknown> | undefined;
  const onEvent = (event: EngineEvent) => {
    if (event.type !== 'StateEntered' || 'index' in event) return;
    const state = (event as { state: { name: string; input: unknown } }).state;
    entered.push(state.name);
    if (state.name === 'task: aborted') last = state.input as Record<string, unknown>;
  };
  const r = await runTask(definition, { params, trigger: {} }, { handler, skipWaits: true, executionId: 'local:exec-1', onEvent });
  return { status: r.status, error: r.error, cause: r.cause, output: r.output, trail: trail(r.moves), events, transitions: r.transitions, last, entered };
}

const attempts = (events: readonly ProviderEvent[]) => events.map((e) => `${e.context.henchman}:${e.phase}#${e.context.attempt}`);

describe('a retreat walks back through the undo of each completed move', () => {
  it('undoes two completed moves, newest first, in the next pass, then plays every henchman from the target again with its attempt', async () => {
    // Act
    const r = await play(saga(false), "henchmen: { configure: [{ fail: 'exit 1' }, { output: { exitCode: 0 } }], provision: [{ output: { instanceId: i-1 } }, { output: { instanceId: i-2 } }] }");
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(attempts(r.events)).toStrictEqual([
      'provision:do#1', 'mark:do#1', 'check:do#1', 'configure:do#1',
      'mark:undo#2', 'provision:undo#2',
      'provision:do#2', 'mark:do#2', 'check:do#2', 'configure:do#2',
    ]);
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => e.input)).toStrictEqual([
      { host: 'h', user: 'u', key: '${secret:/mastermind/default/k}', command: 'echo undo-mark' },
      { instanceId: 'i-1' },
    ]);
    const state = r.output as { out: Record<string, unknown>; count: unknown; walk: unknown };
    expect(state.count).toStrictEqual({ pass: 2, retreats: '(configure)' });
    expect((state.out.provision as { output: { instanceId: string } }).output.instanceId).toBe('i-2');
    // The walk's record stays behind, past its stop.
    expect(state.walk).toStrictEqual({ at: -1, stop: 0, then: 'provision', mode: 'retreat' });
    // The walk, state by state, over the henchmen with an undo only: mark (undone: 3) → provision (undone: 3) → the target.
    expect(r.entered.slice(r.entered.indexOf('configure: retreat?'), r.entered.lastIndexOf('provision'))).toStrictEqual([
      'configure: retreat?', 'configure: retreat', 'walk: next pass',
      'walk: step?', 'undo: mark', 'walk: next',
      'walk: step?', 'undo: provision', 'undo: provision output', 'walk: next',
      'walk: step?',
    ]);
    // 2 start, 4 moves (provision answers at once: its Task alone), the retreat: 4 + 2 per henchman with an undo (2) +
    // 1 per move undone (2; provision's undo may wait: + its output), then the 4 moves again.
    expect(r.transitions).toBe(2 + 4 + (4 + 2 * 2 + 2 + 1) + 4);
  });

  it('passes over a move that is not completed', async () => {
    // Prepare: mark continues on failure, so it has no output to undo.
    const source = saga(false).replace("command: \"echo mark\" }\n", "command: \"echo mark\" }\n    onFailure: continue\n");
    // Act
    const r = await play(source, "henchmen: { mark: [{ fail: 'no' }, { output: { exitCode: 0 } }], configure: [{ fail: 'exit 1' }, { output: { exitCode: 0 } }] }");
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(r.trail).toStrictEqual(['provision:do', 'mark:do failed', 'check:do', 'configure:do failed', 'provision:undo', 'provision:do', 'mark:do', 'check:do', 'configure:do']);
    expect((r.output as { count: unknown }).count).toStrictEqual({ pass: 2, retreats: '(configure)' });
  });

  it('takes the abort route when an undo fails during a retreat; the rollback tries that undo again, then undoes the rest', async () => {
    // Act: mark's undo fails once (during the retreat), then works (in the rollback).
    const r = await play(saga(true), "henchmen: { configure: { fail: 'exit 1' }, mark: { undo: [{ fail: 'undo broken' }, { output: { exitCode: 0 } }] } }");
    // Assess
    expect(r.trail).toStrictEqual(['provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo failed', 'mark:undo', 'provision:undo']);
    // The failure is the undo's: it is what stopped the retreat.
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'undo broken' });
    expect(r.last!.out).toStrictEqual({ provision: { undone: true }, mark: { undone: true }, check: { output: { exitCode: 0, stdout: 'check-stdout', stderr: 'check-stderr', truncated: false } } });
    expect(r.entered).toContain('walk: abort');
    // The retreat began the second pass before its walk.
    expect(r.last!.count).toStrictEqual({ pass: 2, retreats: '(configure)' });
  });

  it('goes on when the undo fails again in the rollback: an undo that serves a retreat and the rollback picks its way by the mode', async () => {
    const r = await play(saga(true), "henchmen: { configure: { fail: 'exit 1' }, mark: { undo: { fail: 'undo broken' } } }");
    expect(r.trail).toStrictEqual(['provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo failed', 'mark:undo failed', 'provision:undo']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'undo broken' });
    const out = r.last!.out as Record<string, Record<string, unknown>>;
    // mark was not taken back: it keeps its output.
    expect([Object.keys(out.mark!), out.provision]).toStrictEqual([['output'], { undone: true }]);
    expect(r.entered.filter((name) => name.startsWith('undo: mark') || name === 'walk: undo failed?' || name === 'walk: abort')).toStrictEqual([
      'undo: mark', 'walk: undo failed?', 'walk: abort',
      'undo: mark', 'walk: undo failed?',
    ]);
    // In the rollback, the walk goes on.
    expect(r.entered[r.entered.lastIndexOf('walk: undo failed?') + 1]).toBe('walk: next');
  });

  it('counts each retreat and takes the abort route once they are spent', async () => {
    const r = await play(saga(true, 2), "henchmen: { configure: { fail: 'exit 1' } }");
    expect(r.trail).toStrictEqual([
      'provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo', 'provision:undo',
      'provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo', 'provision:undo',
      'provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo', 'provision:undo',
    ]);
    expect(attempts(r.events).filter((a) => a.startsWith('configure'))).toStrictEqual(['configure:do#1', 'configure:do#2', 'configure:do#3']);
    // The rollback's undos have the attempt of the pass they take back, and count nothing.
    expect(attempts(r.events).slice(-2)).toStrictEqual(['mark:undo#3', 'provision:undo#3']);
    expect(r.last!.count).toStrictEqual({ pass: 3, retreats: '(configure)(configure)' });
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'exit 1' });
  });

  it('undoes an each henchman item by item in a retreat, skipping the items that failed', async () => {
    // Prepare
    const source = `
task: t
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
    onFailure: { goto: configure }
${ssh('configure', '    onFailure: { retreat: join, times: 1 }\n')}`;
    // Act: item b fails the first time (join goes on to configure, its record kept), configure fails once.
    const r = await play(source, "henchmen: { join: [{ output: { nodeName: n-a } }, { fail: 'no route' }, { output: { nodeName: n-c } }, { output: { nodeName: n-2 } }], configure: [{ fail: 'exit 1' }, { output: { exitCode: 0 } }] }");
    // Assess
    expect(r.status).toBe('SUCCEEDED');
    expect(r.events.filter((e) => e.phase === 'undo').map((e) => [e.input.nodeName, e.context.item, e.context.attempt])).toStrictEqual([
      ['n-a', 0, 2],
      ['n-c', 2, 2],
    ]);
    expect(r.trail.slice(3)).toStrictEqual(['configure:do failed', 'join:undo', 'join:undo', 'join:do', 'join:do', 'join:do', 'configure:do']);
    expect(attempts(r.events).filter((a) => a.startsWith('join:do'))).toStrictEqual(['join:do#1', 'join:do#1', 'join:do#1', 'join:do#2', 'join:do#2', 'join:do#2']);
    expect(r.entered).toContain('undo: join items');
  });
});

describe('the rollback walks the henchmen with an undo', () => {
  it('goes on past a failing undo (the move keeps its output), then fails with the failure that started it', async () => {
    // Act: check fails (abort route); mark's undo fails every time.
    const source = saga(true).replace('    onFailure: { retreat: provision, times: 1 }\n', '');
    const r = await play(source, "henchmen: { check: { fail: 'check failed' }, mark: { undo: { fail: 'undo broken' } } }");
    // Assess
    expect(r.trail).toStrictEqual(['provision:do', 'mark:do', 'check:do failed', 'mark:undo failed', 'provision:undo']);
    expect({ status: r.status, error: r.error, cause: r.cause }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed', cause: 'check failed' });
    const out = r.last!.out as Record<string, Record<string, unknown>>;
    expect(Object.keys(out.mark!)).toStrictEqual(['output']);
    expect(out.provision).toStrictEqual({ undone: true });
    // No play is counted by a rollback.
    expect(r.last!.count).toStrictEqual({ pass: 1 });
    // "task: rollback", then per henchman with an undo: mark (step?, undo, next), provision (step?, undo,
    // output, next: the undo may wait, the answer came at once), the last step?.
    expect(r.entered.slice(r.entered.indexOf('task: rollback'))).toStrictEqual([
      'task: rollback',
      'walk: step?', 'undo: mark', 'walk: next',
      'walk: step?', 'undo: provision', 'undo: provision output', 'walk: next',
      'walk: step?', 'task: aborted',
    ]);
  });

  it('passes over the henchmen with an undo that did not complete: 2 transitions each', async () => {
    // Prepare: ten henchmen with an undo; the first fails, so none completed.
    const plot = Array.from({ length: 10 }, (_, i) => ssh(`m${i}`, '', true)).join('');
    const r = await play(`task: t\nrollback: true\nplot:${plot}`, "henchmen: { m0: { fail: 'no' } }");
    expect(r.trail).toStrictEqual(['m0:do failed']);
    // 2 start + m0 + "task: rollback" + 10 × (step?, next) + the last step? + "task: aborted".
    expect(r.transitions).toBe(2 + 1 + 1 + 10 * 2 + 1 + 1);
  });

  it('is where a cancel and the task timeout go from a henchman that retreats: the completed moves are undone', async () => {
    const source = saga(true).replace('task: t\n', 'task: t\ntimeout: 1h\n');
    for (const answer of ["{ cancel: 'cancelled by ops' }", "{ taskTimeout: 'out of time' }"]) {
      const r = await play(source, `henchmen: { configure: ${answer} }`);
      expect([r.trail, r.error]).toStrictEqual([
        ['provision:do', 'mark:do', 'check:do', 'configure:do failed', 'mark:undo', 'provision:undo'],
        answer.includes('cancel') ? 'Mastermind.Cancelled' : 'Mastermind.TaskTimeout',
      ]);
      expect(r.entered).not.toContain('configure: retreat?');
    }
  });
});

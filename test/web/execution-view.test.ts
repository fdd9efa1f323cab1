import { describe, expect, it } from 'vitest';
import type { Task } from '#task/schema';
import { duration, readExecutionList, readPlay, startedBy } from '../../web/src/execution-view.ts';

const task = {
  task: 'scale-out',
  plot: [
    { name: 'provision', provider: 'ec2', action: 'launch', with: {}, undo: 'terminate' },
    { name: 'configure', provider: 'chef', action: 'bootstrap', with: {}, onFailure: { retreat: 'provision', times: 2 } },
    { name: 'connect', provider: 'ssh', action: 'run', with: {} },
  ],
} as unknown as Task;

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

/** The view of scale-out after its retreat, while the second configure runs (as GET .../executions/{name} gives it). */
const view = {
  name: 'run-1',
  path: '/projects/web/tasks/scale-out/executions/run-1',
  project: 'web',
  task: 'scale-out',
  version: 3,
  status: 'RUNNING',
  startDate: at(0),
  input: { params: { instanceType: 't3.small' }, trigger: { type: 'alarm', alarmName: 'web-cpu-high' } },
  consoleUrl: 'https://example',
  historyTruncated: false,
  henchmen: [
    {
      henchman: 'provision',
      status: 'succeeded',
      moves: [
        { state: 'provision', phase: 'do', action: 'launch', attempts: 1, rounds: 3, waitingFor: 'the instance to run', start: at(1), end: at(5), status: 'succeeded', output: { instanceId: 'i-1' } },
        { state: 'undo: provision', phase: 'undo', action: 'terminate', attempts: 1, start: at(8), end: at(9), status: 'succeeded', output: { state: 'terminated' } },
        { state: 'provision', phase: 'do', action: 'launch', attempts: 2, start: at(10), end: at(11), status: 'succeeded', output: { instanceId: 'i-2' } },
      ],
    },
    {
      henchman: 'configure',
      status: 'running',
      moves: [
        { state: 'configure', phase: 'do', action: 'bootstrap', attempts: 1, start: at(6), end: at(7), status: 'failed', error: { error: 'Mastermind.Failed', cause: 'chef-client exited 1' } },
        { state: 'configure', phase: 'do', action: 'bootstrap', attempts: 1, start: at(12), status: 'running' },
      ],
    },
  ],
};

describe('readPlay', () => {
  it('lights each henchman from its last move and counts the retreats its failures took', () => {
    // Act
    const play = readPlay(view, task);
    // Assess
    expect(Object.fromEntries(play.henchmen)).toStrictEqual({
      provision: { light: 'succeeded', plays: 2, retreats: 0, undo: 'undone' },
      configure: { light: 'running', plays: 2, retreats: 1 },
      connect: { light: 'pending', plays: 0, retreats: 0 },
    });
  });

  it('gives every move in the order they began, with what the view says of each', () => {
    // Act
    const play = readPlay(view, task);
    // Assess
    expect(play.moves.map((m) => `${m.start.slice(17, 19)} ${m.henchman} ${m.phase} ${m.status} ×${m.attempts}${m.rounds !== undefined ? ` ${m.rounds} rounds` : ''}${m.error ? ` ${m.error.error}: ${m.error.cause}` : ''}`)).toStrictEqual([
      '01 provision do succeeded ×1 3 rounds',
      '06 configure do failed ×1 Mastermind.Failed: chef-client exited 1',
      '08 provision undo succeeded ×1',
      '10 provision do succeeded ×2',
      '12 configure do running ×1',
    ]);
    expect({ status: play.status, running: play.running, startedBy: play.startedBy, params: play.params, version: play.version }).toStrictEqual({
      status: 'RUNNING',
      running: true,
      startedBy: 'alarm web-cpu-high',
      params: { instanceType: 't3.small' },
      version: 3,
    });
  });

  it('lights running, waiting, fired, undoing, failed, stopped and undone henchmen', () => {
    // Prepare
    const move = (phase: string, status: string) => ({ state: 'x', phase, attempts: 1, start: at(1), status });
    const lit = (phase: string, status: string) => readPlay({ status: 'RUNNING', henchmen: [{ henchman: 'provision', moves: [move(phase, status)] }] }, task).henchmen.get('provision')!.light;
    // Act, Assess
    expect([lit('do', 'running'), lit('do', 'waiting'), lit('do', 'fired'), lit('undo', 'running'), lit('undo', 'waiting'), lit('do', 'failed'), lit('do', 'stopped'), lit('undo', 'succeeded')]).toStrictEqual([
      'running',
      'waiting',
      'fired',
      'undoing',
      'undoing',
      'failed',
      'stopped',
      'undone',
    ]);
  });

  it('says what a waiting henchman waits for, in the provider\'s words', () => {
    // Act
    const play = readPlay({ status: 'RUNNING', henchmen: [{ henchman: 'provision', moves: [{ state: 'provision', phase: 'do', action: 'launch', attempts: 1, rounds: 2, waitingFor: 'instance i-1 to be running (pending)', pollAfter: 10, start: at(1), status: 'waiting' }] }] }, task);
    // Assess
    expect(play.henchmen.get('provision')).toStrictEqual({ light: 'waiting', plays: 1, retreats: 0, waitingFor: 'instance i-1 to be running (pending)' });
    expect([play.moves[0]!.rounds, play.moves[0]!.waitingFor, play.moves[0]!.pollAfter]).toStrictEqual([2, 'instance i-1 to be running (pending)', 10]);
  });

  it('reads an each move\'s items, counts them by status, and lights it waiting when its open items all wait', () => {
    // Prepare
    const item = (index: number, status: string, more: Record<string, unknown> = {}) => ({ index, item: `10.0.0.${index}`, host: `10.0.0.${index}`, attempts: 1, start: at(1), status, ...more });
    const each = (items: unknown[]) =>
      readPlay({ status: 'RUNNING', henchmen: [{ henchman: 'restart', moves: [{ state: 'restart', phase: 'do', action: 'run', attempts: 1, start: at(1), status: 'running', items }] }] }).henchmen.get('restart');
    // Act
    const waiting = each([item(0, 'succeeded', { output: { exitCode: 0 } }), item(1, 'waiting', { rounds: 1, waitingFor: 'the service to answer' }), item(2, 'waiting')]);
    const running = each([item(0, 'running'), item(1, 'waiting', { waitingFor: 'the service to answer' })]);
    const read = readPlay({ henchmen: [{ henchman: 'restart', moves: [{ status: 'failed', items: [item(0, 'failed', { error: { error: 'Mastermind.Failed', cause: 'exit 1' } }), 7] }] }] }).moves[0]!.items;
    // Assess
    expect(waiting).toStrictEqual({ light: 'waiting', plays: 1, retreats: 0, waitingFor: 'the service to answer', items: [{ status: 'succeeded', count: 1 }, { status: 'waiting', count: 2 }] });
    expect(running).toStrictEqual({ light: 'running', plays: 1, retreats: 0, items: [{ status: 'running', count: 1 }, { status: 'waiting', count: 1 }] });
    expect(read).toStrictEqual([{ index: 0, item: '10.0.0.0', host: '10.0.0.0', status: 'failed', attempts: 1, start: at(1), error: { error: 'Mastermind.Failed', cause: 'exit 1' } }]);
  });

  it('keeps the input of a move and of an each item as the view gives it, a secret as its reference text', () => {
    // Prepare
    const key = '${secret:/mastermind/web/ssh-key}';
    const moveInput = { host: '10.0.0.5', key, command: 'systemctl restart app' };
    const itemInput = { host: '10.0.0.1', key, command: { template: 'restart {{0}}', values: { 0: '10.0.0.1' } } };
    // Act
    const play = readPlay({
      henchmen: [
        { henchman: 'drain', moves: [{ state: 'drain', phase: 'do', status: 'succeeded', attempts: 1, start: at(1), input: moveInput }] },
        { henchman: 'restart', moves: [{ state: 'restart', phase: 'do', status: 'running', attempts: 1, start: at(2), items: [{ index: 0, status: 'running', attempts: 1, start: at(2), input: itemInput }] }] },
      ],
    });
    // Assess
    expect([play.moves[0]!.input, play.moves[1]!.input, play.moves[1]!.items![0]!.input, play.moves[0]!.more]).toStrictEqual([moveInput, undefined, itemInput, undefined]);
  });

  it('tells a hand-over from a resume: links to the executions before and after in a chain, never "resuming"', () => {
    // Prepare: the middle execution of a chain (a task played as a chain of executions, lambdas/task/compiler/handover.ts).
    const before = 'arn:aws:states:us-east-1:000000000000:execution:mastermind-web_deploy:first';
    const view = {
      status: 'SUCCEEDED',
      input: { params: {}, trigger: { type: 'api', by: 'ops' }, resume: { of: before, version: 1, out: {}, count: {}, failure: {}, walk: { at: 3 } } },
      handedOverFrom: { executionArn: before, name: 'first', path: '/projects/web/tasks/deploy/executions/first' },
      handedOverTo: { executionArn: `${before.slice(0, -5)}third`, name: 'third', path: '/projects/web/tasks/deploy/executions/third' },
      henchmen: [],
    };
    // Act
    const play = readPlay(view);
    // Assess
    expect([play.handedOverFrom, play.handedOverTo, play.resumes, play.startedBy]).toStrictEqual(['first', 'third', undefined, 'ops (API), handed over from first']);
  });

  it('prefers a retreat count the view gives, and reads a view it does not fully know without failing', () => {
    // Act
    const given = readPlay({ status: 'FAILED', henchmen: [{ henchman: 'configure', retreats: 2, moves: [] }] }, task);
    const odd = readPlay({ henchmen: [null, { henchman: 7 }, { henchman: 'x', moves: [42, { status: 'succeeded' }] }] });
    // Assess
    expect(given.henchmen.get('configure')).toStrictEqual({ light: 'pending', plays: 0, retreats: 2 });
    expect([odd.status, odd.moves.length, odd.henchmen.get('x')?.light]).toStrictEqual(['UNKNOWN', 1, 'succeeded']);
  });

  it('keeps what else the view says of a move, to show it as it is', () => {
    // Act
    const play = readPlay({ henchmen: [{ henchman: 'notify', moves: [{ state: 'notify', phase: 'do', status: 'succeeded', attempts: 1, start: at(1), fired: true, reason: 'fire' }] }] });
    // Assess
    expect(play.moves[0]!.more).toStrictEqual({ fired: true, reason: 'fire' });
  });
});

describe('startedBy', () => {
  it.each([
    [{ trigger: { type: 'api', by: 'arn:aws:iam::1:user/ops' } }, 'arn:aws:iam::1:user/ops (API)'],
    [{ trigger: { type: 'alarm', alarmName: 'web-cpu-high' } }, 'alarm web-cpu-high'],
    [{ trigger: { type: 'hook' } }, 'hook'],
    [{ trigger: { type: 'rehearsal', by: 'local' } }, 'rehearsal by local'],
    [{}, 'the console (no trigger)'],
    [{ trigger: { type: 'api', by: 'local' }, resume: { of: 'arn:aws:states:us-east-1:1:execution:mastermind-web_deploy:run-0', from: 'configure' } }, 'local (API), resuming run-0'],
  ])('reads %j as %s', (input, expected) => {
    expect(startedBy(input)).toBe(expected);
  });
});

describe('readExecutionList and duration', () => {
  it('reads a page of executions, and says how long each took for a person', () => {
    // Act
    const list = readExecutionList({ items: [{ name: 'a', path: '/p', status: 'SUCCEEDED', startDate: at(0), stopDate: at(12) }, { bogus: true }], next: 'n' });
    // Assess
    expect(list).toStrictEqual({ items: [{ name: 'a', path: '/p', status: 'SUCCEEDED', startDate: at(0), stopDate: at(12) }], next: 'n' });
    expect([duration(at(0), at(0)), duration(at(0), at(12)), duration(at(0), undefined, new Date('2026-01-01T01:02:03Z')), duration('x', at(1))]).toStrictEqual(['0 ms', '12.0 s', '1 h 2 min', '']);
  });
});

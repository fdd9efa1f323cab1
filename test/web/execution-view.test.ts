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
        { state: 'provision', phase: 'do', action: 'launch', attempts: 1, start: at(1), end: at(2), status: 'waiting', pollAfter: 10 },
        { state: 'provision: poll', phase: 'poll', action: 'launch', attempts: 3, start: at(3), end: at(5), status: 'succeeded', output: { instanceId: 'i-1' } },
        { state: 'configure: undo provision', phase: 'undo', action: 'terminate', attempts: 1, start: at(8), end: at(9), status: 'succeeded', output: { state: 'terminated' } },
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
      connect: { light: 'waiting', plays: 0, retreats: 0 },
    });
  });

  it('gives every move in the order they began, with what the view says of each', () => {
    // Act
    const play = readPlay(view, task);
    // Assess
    expect(play.moves.map((m) => `${m.start.slice(17, 19)} ${m.henchman} ${m.phase} ${m.status} ×${m.attempts}${m.error ? ` ${m.error.error}: ${m.error.cause}` : ''}`)).toStrictEqual([
      '01 provision do waiting ×1',
      '03 provision poll succeeded ×3',
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

  it('lights polling, undoing, failed and stopped henchmen', () => {
    // Prepare
    const move = (phase: string, status: string) => ({ state: 'x', phase, attempts: 1, start: at(1), status });
    const lit = (phase: string, status: string) => readPlay({ status: 'RUNNING', henchmen: [{ henchman: 'provision', moves: [move(phase, status)] }] }, task).henchmen.get('provision')!.light;
    // Act, Assess
    expect([lit('poll', 'waiting'), lit('undo', 'running'), lit('do', 'failed'), lit('do', 'stopped'), lit('undo', 'succeeded')]).toStrictEqual(['polling', 'undoing', 'failed', 'stopped', 'undone']);
  });

  it('prefers a retreat count the view gives, and reads a view it does not fully know without failing', () => {
    // Act
    const given = readPlay({ status: 'FAILED', henchmen: [{ henchman: 'configure', retreats: 2, moves: [] }] }, task);
    const odd = readPlay({ henchmen: [null, { henchman: 7 }, { henchman: 'x', moves: [42, { status: 'succeeded' }] }] });
    // Assess
    expect(given.henchmen.get('configure')).toStrictEqual({ light: 'waiting', plays: 0, retreats: 2 });
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

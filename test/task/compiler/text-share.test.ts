import { describe, expect, it } from 'vitest';
import { textShare } from '#task/compile';
import type { Henchman, Task } from '#task/schema';

const run = (name: string, extra: Partial<Henchman> = {}): Henchman => ({
  name,
  provider: 'ssh',
  action: 'run',
  with: { host: 'h', user: 'u', key: '${secret:/k}', command: 'true' },
  ...extra,
});
const task = (...plot: Henchman[]): Task => ({ task: 't', plot });

describe('textShare: the command output the execution state can hold, shared among the moves', () => {
  it('leaves the providers\' own cut alone while every text field fits (9 ssh runs: 18 fields)', () => {
    expect(textShare(task(...Array.from({ length: 9 }, (_, i) => run(`r${i}`))))).toBeUndefined();
  });

  it('gives each text field of 20 ssh runs (40 fields) a 40th of the 160 KiB budget', () => {
    expect(textShare(task(...Array.from({ length: 20 }, (_, i) => run(`r${i}`))))).toBe(4096);
  });

  it('counts an each henchman as many times as it may play (100 items)', () => {
    expect(textShare(task(run('all', { each: '${params.hosts}' }), run('one')))).toBe(Math.floor((160 * 1024) / 202));
  });

  it('needs no cut for moves without text output', () => {
    const launch: Henchman = { name: 'provision', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1' } };
    expect(textShare(task(launch))).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { findAction } from '#task/catalog';
import { waitingRetrier } from '#task/compiler/poll';

describe('the Retry of a poll still waiting', () => {
  it('asks again every interval, as often as fits in the timeout after the first wait', () => {
    // ec2 launch: the first answer asks for 10 s, then every 10 s; 5 minutes hold 29 more.
    expect(waitingRetrier(10, 300)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 29, BackoffRate: 1 });
    // ec2 reboot: the first look a minute after the reboot, then every 10 s.
    expect(waitingRetrier(10, 300, 60)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 24, BackoffRate: 1 });
    // A timeout that does not reach past the first wait still allows one more look.
    expect(waitingRetrier(10, 30, 60).MaxAttempts).toBe(1);
    // A remainder rounds up: the last wait may end a few seconds past the timeout, never a whole round short.
    expect(waitingRetrier(5, 62).MaxAttempts).toBe(12);
  });

  it('uses the intervals the catalog gives each waiting action', () => {
    expect(findAction('ec2', 'launch')?.polls).toStrictEqual({ every: 10 });
    expect(findAction('ec2', 'reboot')?.polls).toStrictEqual({ every: 10, firstWait: 60 });
    expect(findAction('ssh', 'wait-reachable')?.polls).toStrictEqual({ every: 5 });
    expect(findAction('ssh', 'run')?.polls).toBeUndefined();
  });
});

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

  it('keeps a flat interval up to 180 rounds, and backs off beyond so that a long wait stays a few hundred rounds', () => {
    // 30 minutes at 10 s: 179 rounds after the first wait, flat as before.
    expect(waitingRetrier(10, 1800)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 179, BackoffRate: 1 });
    // 10 s more is 181 rounds: 10 s, 15 s, 22.5 s, ... (9 intervals below 5 min, 748.8 s), then 5 min each.
    expect(waitingRetrier(10, 1811)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 13, BackoffRate: 1.5, MaxDelaySeconds: 300 });
    // A 2d wait at 10 s: 9 + ⌈(172790 − 748.8) / 300⌉ = 583 rounds instead of 17,279.
    expect(waitingRetrier(10, 172800)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 10, MaxAttempts: 583, BackoffRate: 1.5, MaxDelaySeconds: 300 });
    // An interval longer than the cap: the cap is the interval itself.
    expect(waitingRetrier(600, 600 * 200)).toStrictEqual({ ErrorEquals: ['Mastermind.Waiting'], IntervalSeconds: 600, MaxAttempts: 199, BackoffRate: 1.5, MaxDelaySeconds: 600 });
  });

  it('uses the intervals the catalog gives each waiting action', () => {
    expect(findAction('ec2', 'launch')?.polls).toStrictEqual({ every: 10 });
    expect(findAction('ec2', 'reboot')?.polls).toStrictEqual({ every: 10, firstWait: 60 });
    expect(findAction('ssh', 'wait-reachable')?.polls).toStrictEqual({ every: 5 });
    expect(findAction('ssh', 'run')?.polls).toBeUndefined();
  });
});

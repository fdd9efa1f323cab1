import { describe, expect, it } from 'vitest';
import { durations } from '#task/rules/durations';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('durations rule', () => {
  it('accepts durations everywhere they are written, and input durations given by reference', () => {
    // Prepare
    const task = {
      ...taskOf(launch({ timeout: '10m', retry: { attempts: 2, interval: '500ms', maxDelay: '1h' } }), run({ with: { ...run().with, timeout: '${params.wait}' } })),
      timeout: '1d',
    };
    // Act
    const errors = check(durations, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports every bad duration with its place', () => {
    // Prepare
    const task = {
      ...taskOf(launch({ timeout: '10 minutes', retry: { attempts: 2, interval: '0s', maxDelay: '1.5h' } }), run({ with: { ...run().with, timeout: '5min' } })),
      timeout: 'PT1H',
    };
    // Act
    const errors = check(durations, task);
    // Assess
    const syntax = 'is not a duration: write a whole number and a unit, such as 30s, 10m, 1h or 1d';
    expect(errors).toStrictEqual([
      { code: 'bad-duration', place: 'timeout', message: `the task timeout 'PT1H' ${syntax}` },
      { code: 'bad-duration', place: 'plot[0].timeout', message: `the timeout of henchman 'provision' '10 minutes' ${syntax}` },
      { code: 'bad-duration', place: 'plot[0].retry.interval', message: "the retry interval of henchman 'provision' '0s' is no time at all: give a duration longer than 0" },
      { code: 'bad-duration', place: 'plot[0].retry.maxDelay', message: `the retry maxDelay of henchman 'provision' '1.5h' ${syntax}` },
      { code: 'bad-duration', place: 'plot[1].with.timeout', message: `the input 'timeout' of henchman 'connect' '5min' ${syntax}` },
    ]);
  });

  it('refuses a reference where the state machine needs a literal duration (task and henchman timeout, retry interval and maxDelay)', () => {
    // Prepare
    const task = {
      ...taskOf(launch({ timeout: '${params.wait}', retry: { attempts: 2, interval: '${trigger.alarmName}', maxDelay: '${execution.name}s' } })),
      timeout: '${project.region}',
    };
    // Act
    const errors = check(durations, task);
    // Assess
    const literal = 'holds a reference: it is fixed when the task is saved, so write it literally, such as 30s, 10m, 1h or 1d';
    expect(errors).toStrictEqual([
      { code: 'bad-duration', place: 'timeout', message: `the task timeout '\${project.region}' ${literal}` },
      { code: 'bad-duration', place: 'plot[0].timeout', message: `the timeout of henchman 'provision' '\${params.wait}' ${literal}` },
      { code: 'bad-duration', place: 'plot[0].retry.interval', message: `the retry interval of henchman 'provision' '\${trigger.alarmName}' ${literal}` },
      { code: 'bad-duration', place: 'plot[0].retry.maxDelay', message: `the retry maxDelay of henchman 'provision' '\${execution.name}s' ${literal}` },
    ]);
  });

  it('refuses durations beyond the numbers Step Functions takes, naming the field, the seconds and the limit', () => {
    // Prepare: 1200d interval (103,680,000 s), 500d maxDelay (43,200,000 s), a 1158d henchman timeout, a 400d task.
    const task = { ...taskOf(launch({ timeout: '1158d', retry: { attempts: 2, interval: '1200d', maxDelay: '500d' } })), timeout: '400d' };
    // Act
    const errors = check(durations, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'out-of-aws-range',
        place: 'timeout',
        message: "the task timeout '400d' is 34560000 s; a Step Functions execution runs at most one year (31536000 s) and the task's timeout is given a 30 s grace: make it shorter",
      },
      {
        code: 'out-of-aws-range',
        place: 'plot[0].timeout',
        message: "the timeout of henchman 'provision' '1158d' is 100051200 s; a Task state's TimeoutSeconds (the timeout and a 30 s grace) is at most 99999999 s: make it shorter",
      },
      {
        code: 'out-of-aws-range',
        place: 'plot[0].retry.interval',
        message: "the retry interval of henchman 'provision' '1200d' is 103680000 s; a Retry's IntervalSeconds is at most 99999999 s: make it shorter",
      },
      {
        code: 'out-of-aws-range',
        place: 'plot[0].retry.maxDelay',
        message: "the retry maxDelay of henchman 'provision' '500d' is 43200000 s; a Retry's MaxDelaySeconds is at most 31622400 s (366 days): make it shorter",
      },
    ]);
  });

  it('takes the longest durations within those limits', () => {
    const task = { ...taskOf(launch({ timeout: '99999969s', retry: { attempts: 2, interval: '99999999s', maxDelay: '366d' } })), timeout: '31535970s' };
    expect(check(durations, task)).toStrictEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { outputGuaranteed } from '#task/rules/output-guaranteed';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

const usesIp = (name: string, extra = {}) => run({ name, with: { ...run().with, host: '${provision.privateIp}' }, ...extra });

describe('output-guaranteed rule', () => {
  it('accepts references to henchmen that completed on every path, a retreat replaying them first', () => {
    // Prepare
    const task = taskOf(launch(), usesIp('configure', { onFailure: { retreat: 'provision', times: 2 } }), usesIp('connect'));
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports a reference to a henchman that can fail and continue (it leaves a failure record, no output)', () => {
    // Prepare
    const task = taskOf(launch({ onFailure: 'continue' }), usesIp('configure'));
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'output-not-guaranteed',
        place: 'plot[1].with.host',
        message:
          "henchman 'configure' refers to ${provision.privateIp}, but 'provision' may not have completed on every path to 'configure' ('provision' can fail and continue, leaving a failure record instead of its output)",
      },
    ]);
  });

  it('reports a reference that a goto from an earlier henchman can skip', () => {
    // Prepare
    const task = taskOf(run({ name: 'check', onFailure: { goto: 'configure' } }), launch(), usesIp('configure'));
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'output-not-guaranteed',
        place: 'plot[2].with.host',
        message:
          "henchman 'configure' refers to ${provision.privateIp}, but 'provision' may not have completed on every path to 'configure' (it can be skipped by the goto from 'check')",
      },
    ]);
  });

  it('reports a reference reached when the referred henchman fails over with goto', () => {
    // Prepare
    const task = taskOf(launch({ onFailure: { goto: 'notify' } }), usesIp('configure', { next: 'end' }), usesIp('notify'));
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'output-not-guaranteed',
        place: 'plot[2].with.host',
        message:
          "henchman 'notify' refers to ${provision.privateIp}, but 'provision' may not have completed on every path to 'notify' ('provision' can fail and go to 'notify')",
      },
    ]);
  });

  it('reports a reference to a later henchman and to the henchman itself', () => {
    // Prepare
    const task = taskOf(usesIp('connect'), launch({ with: { imageId: '${provision.instanceId}' } }));
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'output-not-guaranteed',
        place: 'plot[0].with.host',
        message:
          "henchman 'connect' refers to ${provision.privateIp}, but 'provision' may not have completed on every path to 'connect' ('provision' comes after 'connect' in the plot)",
      },
      {
        code: 'output-not-guaranteed',
        place: 'plot[1].with.imageId',
        message: "henchman 'provision' refers to ${provision.instanceId}, its own output, in its inputs: it has no output before it has run",
      },
    ]);
  });

  it('lets undo inputs and expect values read the henchman’s own output', () => {
    // Prepare
    const task = taskOf(
      launch({ undo: { action: 'terminate', with: { instanceId: '${provision.instanceId}' } }, expect: { state: '${provision.state}' } }),
    );
    // Act
    const errors = check(outputGuaranteed, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { undo } from '#task/rules/undo';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

const bootstrap = { name: 'configure', provider: 'chef', action: 'bootstrap', with: { host: 'h', nodeName: 'web-1' } };

describe('undo rule', () => {
  it('accepts an undo fed by the output, the with and the project settings', () => {
    // Prepare
    const task = taskOf(launch({ undo: 'terminate' }), { ...bootstrap, undo: 'deregister' });
    // Act
    const errors = check(undo, task, { chefServerUrl: 'https://chef', chefClientName: 'mm', chefClientKey: '${secret:/chef}' });
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports an undo action the provider does not have, naming the usual one', () => {
    // Prepare
    const task = taskOf(launch({ undo: 'destroy' }));
    // Act
    const errors = check(undo, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-undo-action',
        place: 'plot[0].undo',
        message: "henchman 'provision' is undone by 'destroy', but the provider 'ec2' has no such action; launch is undone by 'terminate'",
      },
    ]);
  });

  it('reports an undo whose required input neither the output nor the with gives', () => {
    // Prepare
    const task = taskOf(run({ undo: 'upload' }));
    // Act
    const errors = check(undo, task);
    // Assess
    const where = "the undo of henchman 'connect' (ssh upload)";
    const source = "which the output of ssh run or the henchman's with does not give";
    expect(errors).toStrictEqual([
      { code: 'undo-input-unsatisfied', place: 'plot[0].undo', message: `${where} needs the input 'path', ${source}` },
      { code: 'undo-input-unsatisfied', place: 'plot[0].undo', message: `${where} needs the input 'content', ${source}` },
    ]);
  });

  it('reports a oneOf group of the undo action that the output cannot fill', () => {
    // Prepare
    const task = taskOf({ name: 'detach', provider: 'ec2', action: 'disassociate-address', with: { associationId: 'eipassoc-1' }, undo: 'terminate' });
    // Act
    const errors = check(undo, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'undo-input-unsatisfied',
        place: 'plot[0].undo',
        message:
          "the undo of henchman 'detach' (ec2 terminate) needs one of 'instanceId' or 'instanceIds', and neither the output of ec2 disassociate-address nor the henchman's with has one: write undo: { action: terminate, with: {...} }",
      },
    ]);
  });

  it('checks the explicit with of an undo: required inputs, unknown inputs, oneOf', () => {
    // Prepare
    const task = taskOf(
      launch({ undo: { action: 'terminate', with: { instance: '${provision.instanceId}' } } }),
      { ...bootstrap, undo: { action: 'deregister', with: {} } },
    );
    // Act
    const errors = check(undo, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-input',
        place: 'plot[0].undo.with.instance',
        message:
          "the undo of henchman 'provision' (ec2 terminate) has no input 'instance' (did you mean 'instanceId'?); its inputs are 'instanceId', 'instanceIds' and 'region'",
      },
      {
        code: 'one-of-inputs',
        place: 'plot[0].undo.with',
        message: "the undo of henchman 'provision' (ec2 terminate) needs one of the inputs 'instanceId' or 'instanceIds', and none is given",
      },
      {
        code: 'undo-input-unsatisfied',
        place: 'plot[1].undo.with',
        message: "the undo of henchman 'configure' (chef deregister) needs the input 'nodeName', which its with does not give",
      },
    ]);
  });
});

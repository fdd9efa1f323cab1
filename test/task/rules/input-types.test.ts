import { describe, expect, it } from 'vitest';
import { inputTypes } from '#task/rules/input-types';
import type { Task } from '#task/schema';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

describe('input-types rule', () => {
  it('accepts literals and whole references of the right type, and text with references in text fields', () => {
    // Prepare
    const task: Task = {
      ...taskOf(
        launch({ with: { imageId: 'ami-1', tags: { role: 'web' }, securityGroupIds: '${project.securityGroupIds}', instanceType: '${params.size}' } }),
        run({ with: { ...run().with, host: '${provision.privateIp}', port: '${params.port}', allowExitCodes: [0, '${params.port}'], command: 'echo ${execution.id}' } }),
      ),
      params: { size: { type: 'string' }, port: { type: 'integer' } },
    };
    // Act
    const errors = check(inputTypes, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it.each([
    [{ port: '22' }, 'port', "must be a whole number, but it is the text \"22\""],
    [{ port: 22.5 }, 'port', 'must be a whole number, but it is the number 22.5'],
    [{ allowExitCodes: 0 }, 'allowExitCodes', 'must be a list of whole numbers, but it is the number 0'],
    [{ allowExitCodes: [0, 'one'] }, 'allowExitCodes', 'must be a list of whole numbers, but it has an item [1] that is the text "one"'],
    [{ host: ['a', 'b'] }, 'host', 'must be text, but it is a list'],
    [{ host: null }, 'host', 'must be text, but it has no value'],
  ])('reports a literal of the wrong type (%j)', (given, input, why) => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, ...given } }));
    // Act
    const errors = check(inputTypes, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'wrong-input-type', place: `plot[0].with.${input}`, message: `the input '${input}' of henchman 'connect' ${why}` },
    ]);
  });

  it('reports a map whose values are not text', () => {
    // Prepare
    const task = taskOf(launch({ with: { imageId: 'ami-1', tags: { version: 2 } } }));
    // Act
    const errors = check(inputTypes, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'wrong-input-type',
        place: 'plot[0].with.tags',
        message: "the input 'tags' of henchman 'provision' must be a map of texts (name: value), but it has the number 2 for 'version' (write it in quotes to make it text)",
      },
    ]);
  });

  it('checks a whole-value reference by the type of what it refers to', () => {
    // Prepare
    const task: Task = {
      ...taskOf(launch(), run({ with: { ...run().with, port: '${provision.privateIp}', host: '${params.hosts}' } })),
      params: { hosts: { type: 'list' } },
    };
    // Act
    const errors = check(inputTypes, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'wrong-input-type', place: 'plot[1].with.host', message: "the input 'host' of henchman 'connect' must be text, but it gets ${params.hosts}, which is a list" },
      {
        code: 'wrong-input-type',
        place: 'plot[1].with.port',
        message: "the input 'port' of henchman 'connect' must be a whole number, but it gets ${provision.privateIp}, which is text",
      },
    ]);
  });

  it('reports a value outside the input enum, and checks the inputs of an explicit undo', () => {
    // Prepare
    const task = taskOf(
      { name: 'wait', provider: 'ec2', action: 'wait', with: { instanceId: 'i-1', state: 'runing' } },
      launch({ undo: { action: 'terminate', with: { instanceId: 5 } } }),
    );
    // Act
    const errors = check(inputTypes, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'not-in-enum',
        place: 'plot[0].with.state',
        message:
          "the input 'state' of henchman 'wait' must be 'pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated' or 'status-ok', not 'runing' (did you mean 'running'?)",
      },
      {
        code: 'wrong-input-type',
        place: 'plot[1].undo.with.instanceId',
        message: "the input 'instanceId' of the undo of henchman 'provision' must be text, but it is the number 5",
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { inputs } from '#task/rules/inputs';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

const where = "henchman 'connect' (ssh run)";

describe('inputs rule', () => {
  it('accepts a henchman that gives every required input', () => {
    // Prepare
    const task = taskOf(launch(), run());
    // Act
    const errors = check(inputs, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('reports a missing required input', () => {
    // Prepare
    const task = taskOf(launch({ with: { instanceType: 't3.small' } }));
    // Act
    const errors = check(inputs, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'missing-input', place: 'plot[0].with.imageId', message: "henchman 'provision' (ec2 launch) needs the input 'imageId' (AMI id (ami-...))" },
    ]);
  });

  it('does not report project-setting inputs when no project settings are given', () => {
    // Prepare
    const task = taskOf(run({ with: { host: 'h', command: 'true' } }));
    // Act
    const errors = check(inputs, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it('counts project settings as given, and reports what neither the task nor the settings give', () => {
    // Prepare
    const task = taskOf(run({ with: { host: 'h', command: 'true' } }));
    // Act
    const errors = check(inputs, task, { user: 'ops' });
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'missing-input',
        place: 'plot[0].with.key',
        message: `${where} needs the input 'key' (the private key, as a \${secret:/ssm/name} reference), and the project settings do not give it either`,
      },
    ]);
  });

  it('reports an unknown input with a suggestion', () => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, comand: 'ls' } }));
    // Act
    const errors = check(inputs, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-input',
        place: 'plot[0].with.comand',
        message: `${where} has no input 'comand' (did you mean 'command'?); its inputs are 'host', 'port', 'user', 'key', 'hostKey', 'command', 'timeout', 'allowExitCodes' and 'detach'`,
      },
    ]);
  });

  it.each([
    [{}, 'plot[0].with', "henchman 'stop' (ec2 stop) needs one of the inputs 'instanceId' or 'instanceIds', and none is given"],
    [
      { instanceId: 'i-1', instanceIds: ['i-2'] },
      'plot[0].with.instanceIds',
      "henchman 'stop' (ec2 stop) takes only one of the inputs 'instanceId' or 'instanceIds', but 'instanceId' and 'instanceIds' are given",
    ],
  ])('reports a oneOf group with none or several fields given (%j)', (given, place, message) => {
    // Prepare
    const task = taskOf({ name: 'stop', provider: 'ec2', action: 'stop', with: given });
    // Act
    const errors = check(inputs, task);
    // Assess
    expect(errors).toStrictEqual([{ code: 'one-of-inputs', place, message }]);
  });
});

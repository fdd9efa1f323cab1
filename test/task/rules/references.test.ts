import { describe, expect, it } from 'vitest';
import { references } from '#task/rules/references';
import type { Task } from '#task/schema';
import { check, launch, run, taskOf } from '../fixtures/tasks.ts';

function withCommand(command: string, extra: Partial<Task> = {}): Task {
  return { ...taskOf(launch(), run({ with: { ...run().with, command } })), ...extra };
}

describe('references rule', () => {
  it('accepts every kind of reference that names something', () => {
    // Prepare
    const task: Task = {
      ...taskOf(
        launch(),
        { name: 'find', provider: 'chef', action: 'search', with: { query: 'role:web' } },
        run({
          each: '${find.hosts}',
          with: {
            ...run().with,
            host: '${item}',
            command: 'echo ${params.size} ${project.region} ${execution.startTime} ${trigger.alarmName} ${provision.tags} ${provision.privateIp} ${secret:/x}',
          },
        }),
        run({ name: 'after', with: { ...run().with, command: 'echo ${connect} ${connect[0].exitCode}' } }),
      ),
      params: { size: { type: 'string' } },
    };
    // Act
    const errors = check(references, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-output',
        place: 'plot[2].with.command',
        message:
          "henchman 'connect' refers to ${provision.tags}, but ec2 launch has no output 'tags'; its outputs are 'instanceId', 'privateIp', 'publicIp', 'privateDns', 'publicDns', 'availabilityZone' and 'state'",
      },
    ]);
  });

  it.each([
    ['${params.size', 'reference-syntax', "henchman 'connect' has a broken reference: \"${params.size\" opens a reference that is never closed with \"}\""],
    ['${params.sise}', 'unknown-param', "henchman 'connect' refers to ${params.sise}, but there is no param 'sise' (did you mean 'size'?); the params are 'size'"],
    ['${project.regoin}', 'unknown-project-setting', "henchman 'connect' refers to ${project.regoin}, but there is no project setting 'regoin' (did you mean 'region'?); the settings are 'region', 'subnetId', 'securityGroupIds', 'keyName', 'user', 'key', 'hostKey', 'chefServerUrl', 'chefClientName' and 'chefClientKey'"],
    ['${execution.arn}', 'unknown-execution-field', "henchman 'connect' refers to ${execution.arn}, but an execution has only the fields 'id', 'name' and 'startTime'"],
    ['${trigger.alarmname}', 'unknown-trigger-field', "henchman 'connect' refers to ${trigger.alarmname}, but a trigger has no field 'alarmname' (did you mean 'alarmName'?); its fields are 'type', 'alarmName', 'reason', 'time', 'region', 'account' and 'body'"],
    ['${item}', 'item-outside-each', "henchman 'connect' refers to ${item}, but ${item} stands for the current item only in a henchman with `each`"],
    ['${provison.privateIp}', 'unknown-reference', "henchman 'connect' refers to ${provison.privateIp}, but 'provison' is no henchman of this task (did you mean 'provision'?), nor params, project, execution, trigger or item"],
    ['${provision.privateIP}', 'unknown-output', "henchman 'connect' refers to ${provision.privateIP}, but ec2 launch has no output 'privateIP' (did you mean 'privateIp'?); its outputs are 'instanceId', 'privateIp', 'publicIp', 'privateDns', 'publicDns', 'availabilityZone' and 'state'"],
  ])('reports %s', (command, code, message) => {
    // Prepare
    const task = withCommand(`echo ${command}`, { params: { size: { type: 'string' } } });
    // Act
    const errors = check(references, task);
    // Assess
    expect(errors).toStrictEqual([{ code, place: 'plot[1].with.command', message }]);
  });

  it('reports a param reference in a task without params', () => {
    // Prepare
    const task = withCommand('echo ${params.size}');
    // Act
    const errors = check(references, task);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'unknown-param', place: 'plot[1].with.command', message: "henchman 'connect' refers to ${params.size}, but the task declares no params" },
    ]);
  });

  it('reports a field of an each henchman, whose output is a list, and the output of a fired henchman', () => {
    // Prepare
    const task: Task = {
      ...taskOf(
        launch({ fire: true }),
        run({ each: '${params.hosts}', with: { ...run().with, host: '${item}' } }),
        run({ name: 'after', with: { ...run().with, command: 'echo ${connect.exitCode} ${provision.instanceId}' } }),
      ),
      params: { hosts: { type: 'list' } },
    };
    // Act
    const errors = check(references, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-output',
        place: 'plot[2].with.command',
        message:
          "henchman 'after' refers to ${connect.exitCode}, but 'connect' plays once per item (each), so its output is a list: write ${connect} for the whole list or ${connect[0].exitCode} for one item",
      },
      {
        code: 'output-of-fire',
        place: 'plot[2].with.command',
        message: "henchman 'after' refers to ${provision.instanceId}, but 'provision' is fired (fire: true): nothing waits for its result, so it has no output to refer to",
      },
    ]);
  });

  it('reads references in each, undo inputs and expect values too', () => {
    // Prepare
    const task = taskOf(
      launch({ undo: { action: 'terminate', with: { instanceId: '${provison.instanceId}' } } }),
      run({ each: '${item}', expect: { stdout: '${params.x}' } }),
    );
    // Act
    const errors = check(references, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'unknown-reference',
        place: 'plot[0].undo.with.instanceId',
        message: "henchman 'provision' refers to ${provison.instanceId}, but 'provison' is no henchman of this task (did you mean 'provision'?), nor params, project, execution, trigger or item",
      },
      { code: 'item-outside-each', place: 'plot[1].each', message: "henchman 'connect' refers to ${item}, but ${item} stands for the current item only in a henchman with `each`" },
      { code: 'unknown-param', place: 'plot[1].expect.stdout', message: "henchman 'connect' refers to ${params.x}, but the task declares no params" },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { inputTemplate, stringTemplate, valueTemplate } from '#task/compiler/payload';
import type { PayloadScope } from '#task/compiler/payload';
import { findAction } from '#task/catalog';

const scope: PayloadScope = { project: 'web', task: 't', version: 1, settings: { region: 'eu-west-1', securityGroupIds: ['sg-1'], user: 'ubuntu' } };

describe('references in values', () => {
  it.each([
    ['${params.count}', { path: '$.params.count' }],
    ['${provision.privateIp}', { path: '$.out.provision.output.privateIp' }],
    ['${provision.tags.role}', { path: '$.out.provision.output.tags.role' }],
    ['${lookup.hosts[0]}', { path: '$.out.lookup.output.hosts[0]' }],
    ['${my-box.instanceId}', { path: '$.out.my-box.output.instanceId' }],
    ['${trigger.alarmName}', { path: '$.trigger.alarmName' }],
    ['${execution.id}', { path: '$$.Execution.Id' }],
    ['${project.securityGroupIds}', { literal: ['sg-1'] }],
    ['${project.name}', { literal: 'web' }],
    ['${secret:/ssh/key}', { literal: '${secret:/ssh/key}' }],
    ['plain $${text}', { literal: 'plain ${text}' }],
  ])('resolves the whole value %s keeping its type', (text, expected) => {
    expect(stringTemplate(text, scope)).toStrictEqual(expected);
  });

  it('formats references inside a longer string, project values and secrets as escaped literal text', () => {
    expect(stringTemplate("node-${params.n}-{${project.region}}'s ${provision.instanceId} ${secret:/x}", scope)).toStrictEqual({
      path: "States.Format('node-{}-\\{eu-west-1\\}\\'s {} $\\{secret:/x\\}', $.params.n, $.out.provision.output.instanceId)",
    });
  });

  it('keeps values apart from the text of a shell command, secrets included, raw where the task says so', () => {
    expect(stringTemplate('add-backend ${provision.privateIp} --zone ${project.region} ${raw:params.flags} --key ${secret:/k}', scope, true)).toStrictEqual({
      object: {
        template: 'add-backend {{0}} --zone {{1}} {{2:raw}} --key {{3}}',
        values: { '0.$': '$.out.provision.output.privateIp', '1': 'eu-west-1', '2.$': '$.params.flags', '3': '${secret:/k}' },
      },
    });
    expect(stringTemplate('mysql -p${secret:/db/pass}', scope, true)).toStrictEqual({
      object: { template: 'mysql -p{{0}}', values: { '0': '${secret:/db/pass}' } },
    });
    expect(stringTemplate('uptime', scope, true)).toStrictEqual({ literal: 'uptime' });
  });

  it('builds lists holding references with States.Array, and maps holding references as templates', () => {
    expect(valueTemplate(['role[web]', '${params.role}', 3, { a: 1 }, "it's"], scope)).toStrictEqual({
      path: "States.Array('role[web]', $.params.role, 3, States.StringToJson(States.Format('\\{\"a\":1\\}')), States.Format('it\\'s'))",
    });
    expect(valueTemplate({ role: '${params.role}', fixed: [1, 2] }, scope)).toStrictEqual({ object: { 'role.$': '$.params.role', fixed: [1, 2] } });
    expect(valueTemplate({ a: [1, 'x'], b: null }, scope)).toStrictEqual({ literal: { a: [1, 'x'], b: null } });
  });

  it('fills the project settings an action takes and the task leaves out', () => {
    const input = inputTemplate({ host: '${provision.privateIp}', user: 'admin', command: 'ls' }, findAction('ssh', 'run'), scope);
    expect(input).toStrictEqual({ 'host.$': '$.out.provision.output.privateIp', user: 'admin', command: 'ls' });
    const launch = inputTemplate({ imageId: 'ami-1' }, findAction('ec2', 'launch'), scope);
    expect(launch).toStrictEqual({ imageId: 'ami-1', securityGroupIds: ['sg-1'], region: 'eu-west-1' });
  });

  it('resolves ${item} only inside each', () => {
    expect(stringTemplate('${item.host}', { ...scope, item: '$$.Map.Item.Value' })).toStrictEqual({ path: '$$.Map.Item.Value.host' });
    expect(() => stringTemplate('${item}', scope)).toThrow('${item} stands outside a henchman with each');
  });
});

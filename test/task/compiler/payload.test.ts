import { describe, expect, it } from 'vitest';
import { inputTemplate, settingMarks, stringTemplate, valueTemplate } from '#task/compiler/payload';
import type { PayloadScope } from '#task/compiler/payload';
import { findAction } from '#task/catalog';

/** The params with a default (present in every execution): all but `hosts` here. */
const scope: PayloadScope = {
  project: 'web',
  task: 't',
  version: 1,
  settings: { region: 'eu-west-1', securityGroupIds: ['sg-1'], user: 'ubuntu' },
  params: new Set(['count', 'n', 'x', 'role', 'flags', 'user']),
};

describe('references in values', () => {
  it.each([
    ['${params.count}', { path: '$.params.count' }],
    ['${provision.privateIp}', { path: '$.out.provision.output.privateIp' }],
    ['${provision.tags.role}', { path: '$.out.provision.output.tags', late: [{ path: [], text: '${provision.tags.role}', at: ['role'] }] }],
    ['${lookup.hosts[0]}', { path: '$.out.lookup.output.hosts', late: [{ path: [], text: '${lookup.hosts[0]}', at: [0] }] }],
    ['${params.hosts}', { path: '$.params', late: [{ path: [], text: '${params.hosts}', at: ['hosts'] }] }],
    ['${params.count.x}', { path: '$.params.count', late: [{ path: [], text: '${params.count.x}', at: ['x'] }] }],
    ['${trigger.body.host}', { path: '$.trigger.body', late: [{ path: [], text: '${trigger.body.host}', at: ['host'] }] }],
    ['${trigger.body}', { path: '$.trigger.body' }],
    ['${execution.startTime}', { path: '$$.Execution.StartTime' }],
    ['${my-box.instanceId}', { path: '$.out.my_box.output.instanceId' }],
    ['${trigger.alarmName}', { path: '$.trigger.alarmName' }],
    ['${execution.id}', { path: '$$.Execution.Id' }],
    ['${project.securityGroupIds}', { literal: ['sg-1'] }],
    ['${project.name}', { literal: 'web' }],
    ['${secret:/mastermind/web/ssh-key}', { literal: '${secret:/mastermind/web/ssh-key}', secrets: [{ path: [], text: '${secret:/mastermind/web/ssh-key}' }] }],
    ['$${secret:/mastermind/web/ssh-key}', { literal: '${secret:/mastermind/web/ssh-key}' }],
    ['plain $${text}', { literal: 'plain ${text}' }],
  ])('resolves the whole value %s keeping its type', (text, expected) => {
    expect(stringTemplate(text, scope)).toStrictEqual(expected);
  });

  it('passes a text holding a late reference as its parts and a join, the late part walked by the provider', () => {
    expect(stringTemplate("http://${trigger.body.host}:${params.count}/{x}'s", scope)).toStrictEqual({
      path: "States.Array('http://', $.trigger.body, ':', $.params.count, States.Format('/\\{x\\}\\'s'))",
      late: [{ path: [1], text: '${trigger.body.host}', at: ['host'] }, { path: [], join: true }],
    });
  });

  it('moves late marks under the keys and indexes of maps, lists and shell values', () => {
    expect(valueTemplate({ hosts: ['a', '${params.hosts[1]}'], tag: '${item.role}' }, { ...scope, item: '$$.Map.Item.Value' })).toStrictEqual({
      object: { 'hosts.$': "States.Array('a', $.params)", 'tag.$': '$$.Map.Item.Value' },
      late: [
        { path: ['hosts', 1], text: '${params.hosts[1]}', at: ['hosts', 1] },
        { path: ['tag'], text: '${item.role}', at: ['role'] },
      ],
    });
    expect(stringTemplate('ping ${trigger.body.host}', scope, true)).toStrictEqual({
      object: { template: 'ping {{0}}', values: { '0.$': '$.trigger.body' } },
      late: [{ path: ['values', '0'], text: '${trigger.body.host}', at: ['host'] }],
    });
  });

  it('formats references inside a longer string, project values and secrets as escaped literal text', () => {
    expect(stringTemplate("node-${params.n}-{${project.region}}'s ${provision.instanceId} $${secret:/x}", scope)).toStrictEqual({
      path: "States.Format('node-{}-\\{eu-west-1\\}\\'s {} $\\{secret:/x\\}', $.params.n, $.out.provision.output.instanceId)",
    });
  });

  it('marks a string where the task names secrets with its text in the task language, escaped ${ kept escaped', () => {
    expect(stringTemplate('Bearer ${secret:/mastermind/web/token} for ${project.region} $${secret:/mastermind/web/not}', scope)).toStrictEqual({
      literal: 'Bearer ${secret:/mastermind/web/token} for eu-west-1 ${secret:/mastermind/web/not}',
      secrets: [{ path: [], text: 'Bearer ${secret:/mastermind/web/token} for eu-west-1 $${secret:/mastermind/web/not}' }],
    });
  });

  it('refuses a secret in one string with a run-time reference (validation reports it first, with its place)', () => {
    expect(() => stringTemplate('${params.user}:${secret:/mastermind/web/token}', scope)).toThrow(
      '"${params.user}:${secret:/mastermind/web/token}" names a secret and a run-time reference in one string: give the secret a string of its own (in a shell command, the values are kept apart and may be mixed)',
    );
  });

  it('marks secrets inside maps and lists at their key paths', () => {
    expect(valueTemplate({ auth: { token: '${secret:/mastermind/web/token}' }, list: ['${params.x}', '${secret:/mastermind/web/k}'] }, scope)).toStrictEqual({
      object: { auth: { token: '${secret:/mastermind/web/token}' }, 'list.$': "States.Array($.params.x, States.Format('$\\{secret:/mastermind/web/k\\}'))" },
      secrets: [
        { path: ['auth', 'token'], text: '${secret:/mastermind/web/token}' },
        { path: ['list', 1], text: '${secret:/mastermind/web/k}' },
      ],
    });
  });

  it('marks the secrets project settings name, reading them as task text', () => {
    expect(settingMarks('${secret:/mastermind/web/ssh-key}', ['key'])).toStrictEqual([{ path: ['key'], text: '${secret:/mastermind/web/ssh-key}' }]);
    expect(settingMarks(['a ${x}', 'b ${secret:/mastermind/web/k}'], ['list'])).toStrictEqual([{ path: ['list', 1], text: 'b ${secret:/mastermind/web/k}' }]);
    expect(settingMarks('ubuntu', ['user'])).toStrictEqual([]);
    const withKey: PayloadScope = { ...scope, settings: { ...scope.settings, key: '${secret:/mastermind/web/ssh-key}' } };
    expect(stringTemplate('${project.key}', withKey)).toStrictEqual({
      literal: '${secret:/mastermind/web/ssh-key}',
      secrets: [{ path: [], text: '${secret:/mastermind/web/ssh-key}' }],
    });
    expect(stringTemplate('login ${project.key}', withKey, true)).toStrictEqual({
      object: { template: 'login {{0}}', values: { '0': '${secret:/mastermind/web/ssh-key}' } },
      secrets: [{ path: ['values', '0'], text: '${secret:/mastermind/web/ssh-key}' }],
    });
  });

  it('keeps values apart from the text of a shell command, secrets included, raw where the task says so', () => {
    expect(stringTemplate('add-backend ${provision.privateIp} --zone ${project.region} ${raw:params.flags} --key ${secret:/k} $${secret:/j}', scope, true)).toStrictEqual({
      object: {
        template: 'add-backend {{0}} --zone {{1}} {{2:raw}} --key {{3}} ${secret:/j}',
        values: { '0.$': '$.out.provision.output.privateIp', '1': 'eu-west-1', '2.$': '$.params.flags', '3': '${secret:/k}' },
      },
      secrets: [{ path: ['values', '3'], text: '${secret:/k}' }],
    });
    expect(stringTemplate('mysql -p${secret:/db/pass}', scope, true)).toStrictEqual({
      object: { template: 'mysql -p{{0}}', values: { '0': '${secret:/db/pass}' } },
      secrets: [{ path: ['values', '0'], text: '${secret:/db/pass}' }],
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
    expect(input).toStrictEqual({ input: { 'host.$': '$.out.provision.output.privateIp', user: 'admin', command: 'ls' }, secrets: [], late: [] });
    const launch = inputTemplate({ imageId: 'ami-1' }, findAction('ec2', 'launch'), scope);
    expect(launch).toStrictEqual({ input: { imageId: 'ami-1', securityGroupIds: ['sg-1'], region: 'eu-west-1' }, secrets: [], late: [] });
    const keyed = inputTemplate({ host: 'h', command: 'ls ${secret:/mastermind/web/k}' }, findAction('ssh', 'run'), { ...scope, settings: { key: '${secret:/mastermind/web/ssh-key}' } });
    expect(keyed).toStrictEqual({
      input: { host: 'h', command: { template: 'ls {{0}}', values: { '0': '${secret:/mastermind/web/k}' } }, key: '${secret:/mastermind/web/ssh-key}' },
      secrets: [
        { path: ['command', 'values', '0'], text: '${secret:/mastermind/web/k}' },
        { path: ['key'], text: '${secret:/mastermind/web/ssh-key}' },
      ],
      late: [],
    });
  });

  it('resolves ${item} only inside each', () => {
    expect(stringTemplate('${item}', { ...scope, item: '$$.Map.Item.Value' })).toStrictEqual({ path: '$$.Map.Item.Value' });
    expect(stringTemplate('${item.host}', { ...scope, item: '$$.Map.Item.Value' })).toStrictEqual({
      path: '$$.Map.Item.Value',
      late: [{ path: [], text: '${item.host}', at: ['host'] }],
    });
    expect(() => stringTemplate('${item}', scope)).toThrow('${item} stands outside a henchman with each');
  });
});

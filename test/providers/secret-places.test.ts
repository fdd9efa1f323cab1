/**
 * Secrets resolve only where the stored task names them. A compiled task runs on the local engine; every Task
 * state's payload goes through the real provider runtime (input checks, secret marks, redaction) to actions that
 * record what they were given. Run-time text (a start param, a hook body as JSON or as text, an alarm's reason, an
 * earlier move's output, an `each` item) holds `${secret:/mastermind/web/planted}`, a parameter the task never
 * names: it must reach the actions as that text, and SSM must never be asked for it. The secrets the task and its
 * project settings do name (ssh key, chef client key, a secret among a shell command's values, in an undo, in each)
 * resolve; `$${secret:...}` stays the literal `${secret:...}`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runTask, type ProviderHandler } from '#engine/run';
import { FailedError, type ProviderEvent } from '#providers/contract';
import { createProviderHandler, type Action } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import { compileSource } from '#task/compile';
import type { ProviderName } from '#task/catalog';
import { parseSnsAlarm } from '../../lambdas/triggers/alarms.ts';
import { alarmJson } from '../triggers/messages.ts';

const PLANTED = '${secret:/mastermind/web/planted}';
const SECRETS: Record<string, string> = {
  '/mastermind/web/ssh-key': 'SSH-KEY-VALUE-0123456789',
  '/mastermind/web/token': 'TOKEN-VALUE-0123456789',
  '/mastermind/_shared/chef-key': 'CHEF-KEY-VALUE-0123456789',
  '/mastermind/web/planted': 'PLANTED-VALUE-MUST-NEVER-BE-READ',
};
const PROJECT = {
  name: 'web',
  user: 'ops',
  key: '${secret:/mastermind/web/ssh-key}',
  chefServerUrl: 'https://chef.example.com',
  chefClientName: 'mastermind',
  chefClientKey: '${secret:/mastermind/_shared/chef-key}',
};

const ssm = mockClient(SSMClient);

afterEach(() => {
  ssm.reset();
});

/** The task: launch (tags from run-time text), bootstrap (host from an output), restart over items, then a failing move: rollback. */
function taskYaml(body: string): string {
  return `
task: planted
project: web
rollback: true
params:
  note: { type: string }
  hosts: { type: list }
plot:
  - name: launch
    provider: ec2
    action: launch
    with:
      imageId: ami-1
      tags: { note: "\${params.note}", reason: "\${trigger.reason}", body: "${body}", fixed: "$\${secret:/mastermind/web/token}" }
  - name: configure
    provider: chef
    action: bootstrap
    with: { host: "\${launch.privateIp}", nodeName: node-1, runList: ["role[web]"] }
    undo: deregister
  - name: restart
    provider: ssh
    action: run
    each: \${params.hosts}
    with:
      host: \${item}
      command: "echo \${item} \${configure.nodeName} \${params.note} \${secret:/mastermind/web/token} $\${secret:/mastermind/web/token}"
    undo: { action: run, with: { host: h, command: "revoke \${secret:/mastermind/web/token}" } }
  - name: enlist
    provider: ssh
    action: run
    with: { host: h, command: "false" }
`;
}

interface Received {
  provider: ProviderName;
  action: string;
  phase: string;
  input: Record<string, unknown>;
}

/** The providers: the real runtime around actions that record their input and answer with run-time text. */
function providers(): { handler: ProviderHandler; received: Received[] } {
  const received: Received[] = [];
  const logger = new Logger({ serviceName: 'mastermind-test', logLevel: 'SILENT' });
  const secrets = new SecretResolver(() => new SSMClient({ region: 'eu-west-1' }));
  const recorder =
    (provider: ProviderName, action: string, answer: (input: Record<string, unknown>) => Record<string, unknown>): Action =>
    async (input, call) => {
      received.push({ provider, action, phase: call.phase, input });
      return { output: answer(input) };
    };
  const handlers: Record<ProviderName, (event: ProviderEvent) => Promise<unknown>> = {
    ec2: createProviderHandler('ec2', { launch: recorder('ec2', 'launch', () => ({ instanceId: 'i-1', privateIp: PLANTED, state: 'running' })) }, { logger, secrets }),
    chef: createProviderHandler(
      'chef',
      {
        bootstrap: recorder('chef', 'bootstrap', () => ({ nodeName: PLANTED, runList: ['role[web]'], exitCode: 0 })),
        deregister: recorder('chef', 'deregister', (input) => ({ nodeName: input.nodeName })),
      },
      { logger, secrets },
    ),
    ssh: createProviderHandler(
      'ssh',
      {
        run: async (input, call) => {
          received.push({ provider: 'ssh', action: 'run', phase: call.phase, input });
          if (input.command === 'false') throw new FailedError('exit code 1');
          return { output: { exitCode: 0, stdout: PLANTED, stderr: '', truncated: false } };
        },
      },
      { logger, secrets },
    ),
  };
  const handler: ProviderHandler = (event, provider) => handlers[provider](event) as never;
  return { handler, received };
}

function secretsInSsm(): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    ssm.on(GetParameterCommand, { Name: name, WithDecryption: true }).resolves({ Parameter: { Name: name, Type: 'SecureString', Value: value } });
  }
}

function alarmTrigger(reason: string): Record<string, unknown> {
  const message = JSON.parse(alarmJson('web-cpu-high')) as Record<string, unknown>;
  const change = parseSnsAlarm(JSON.stringify({ ...message, NewStateReason: reason }));
  if (typeof change === 'string') throw new Error(change);
  return { type: 'alarm', alarmName: change.alarmName, reason: change.reason, time: change.time, region: change.region, account: change.account };
}

describe('secrets resolve only where the task names them', () => {
  it.each([
    ['a hook body given as JSON', '${trigger.body.note}', { type: 'hook', body: { note: PLANTED } }],
    ['a hook body given as text', '${trigger.body}', { type: 'hook', body: PLANTED }],
    ['an alarm reason', '${trigger.reason}', alarmTrigger(PLANTED)],
  ])('leaves run-time text unresolved (params, %s, outputs, items) and resolves the secrets the task names', async (_what, body, trigger) => {
    // Prepare
    secretsInSsm();
    const compiled = compileSource(taskYaml(body), { project: PROJECT });
    if (!compiled.definition) throw new Error(`the test task is not valid: ${JSON.stringify(compiled.errors)}`);
    const { handler, received } = providers();
    const reason = (trigger as { reason?: string }).reason ?? '';

    // Act
    const result = await runTask(compiled.definition, { params: { note: PLANTED, hosts: [PLANTED, 'web-2'] }, trigger }, { handler, executionId: 'local:exec-1' });

    // Assess
    expect({ status: result.status, error: result.error }).toStrictEqual({ status: 'FAILED', error: 'Mastermind.Failed' });
    const key = { key: SECRETS['/mastermind/web/ssh-key'], user: 'ops', port: 22, timeout: '5m', allowExitCodes: [0] };
    const chef = { chefServerUrl: 'https://chef.example.com', chefClientName: 'mastermind', chefClientKey: SECRETS['/mastermind/_shared/chef-key'] };
    const token = SECRETS['/mastermind/web/token'];
    const restart = (item: string) => ({
      host: item,
      command: { template: 'echo {{0}} {{1}} {{2}} {{3}} ${secret:/mastermind/web/token}', values: { 0: item, 1: PLANTED, 2: PLANTED, 3: token } },
      ...key,
    });
    const sorted = (list: Received[]) => [...list].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(received[0]).toMatchObject({
      provider: 'ec2',
      action: 'launch',
      phase: 'do',
      input: { imageId: 'ami-1', tags: { note: PLANTED, reason: reason === '' ? '' : PLANTED, body: PLANTED, fixed: '${secret:/mastermind/web/token}' } },
    });
    expect(received[1]).toMatchObject({ provider: 'chef', action: 'bootstrap', phase: 'do', input: { host: PLANTED, nodeName: 'node-1', ...chef, key: key.key, user: 'ops' } });
    expect(sorted(received.slice(2, 4))).toStrictEqual(sorted([
      { provider: 'ssh', action: 'run', phase: 'do', input: restart(PLANTED) },
      { provider: 'ssh', action: 'run', phase: 'do', input: restart('web-2') },
    ]));
    expect(received.slice(4)).toStrictEqual([
      { provider: 'ssh', action: 'run', phase: 'do', input: { host: 'h', command: 'false', ...key } },
      { provider: 'ssh', action: 'run', phase: 'undo', input: { host: 'h', command: { template: 'revoke {{0}}', values: { 0: token } }, ...key } },
      { provider: 'ssh', action: 'run', phase: 'undo', input: { host: 'h', command: { template: 'revoke {{0}}', values: { 0: token } }, ...key } },
      { provider: 'chef', action: 'deregister', phase: 'undo', input: { nodeName: PLANTED, ...chef } },
    ]);
    const asked = ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input.Name);
    expect(asked).not.toContain('/mastermind/web/planted');
    expect([...new Set(asked)].sort()).toStrictEqual(['/mastermind/_shared/chef-key', '/mastermind/web/ssh-key', '/mastermind/web/token']);
    // Nothing that left a provider holds a secret's value.
    const everything = JSON.stringify(result);
    for (const value of Object.values(SECRETS)) expect(everything).not.toContain(value);
  });

  it('hands the secrets the task names to every poll of a waiting move, inside each and out', async () => {
    // Prepare
    secretsInSsm();
    const compiled = compileSource(
      `task: waits
project: web
params:
  hosts: { type: list }
plot:
  - name: reach
    provider: ssh
    action: wait-reachable
    each: \${params.hosts}
    # 100 items polling for 10 minutes would pass the history budget (rules/history.ts): 2 minutes fit.
    timeout: 2m
    with: { host: "\${item}", user: ops, key: "\${secret:/mastermind/web/ssh-key}" }
  - name: reach-one
    provider: ssh
    action: wait-reachable
    with: { host: "\${reach[0].host}", user: ops, key: "\${secret:/mastermind/web/ssh-key}" }
`,
      { project: PROJECT },
    );
    if (!compiled.definition) throw new Error(`the test task is not valid: ${JSON.stringify(compiled.errors)}`);
    const seen: { phase: string; host: unknown; key: unknown }[] = [];
    const logger = new Logger({ serviceName: 'mastermind-test', logLevel: 'SILENT' });
    const ssh = createProviderHandler(
      'ssh',
      {
        'wait-reachable': async (input, call) => {
          seen.push({ phase: call.phase, host: input.host, key: input.key });
          return call.phase === 'poll' ? { output: { host: input.host, hostKey: 'SHA256:x' } } : { poll: { after: 1, state: { tries: 1 } } };
        },
      },
      { logger, secrets: new SecretResolver(() => new SSMClient({ region: 'eu-west-1' })) },
    );

    // Act
    const result = await runTask(compiled.definition, { params: { hosts: [PLANTED] } }, { handler: (event) => ssh(event), executionId: 'local:exec-2', skipWaits: true });

    // Assess
    const key = SECRETS['/mastermind/web/ssh-key'];
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toStrictEqual([
      { phase: 'do', host: PLANTED, key },
      { phase: 'poll', host: PLANTED, key },
      { phase: 'do', host: PLANTED, key },
      { phase: 'poll', host: PLANTED, key },
    ]);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input.Name)).not.toContain('/mastermind/web/planted');
  });
});

/**
 * End to end, from the compiler into the real ssh provider: a task whose ssh `command` holds a param and a secret is
 * compiled, run on the local engine, and each Task state's payload goes to the ssh provider handler, which runs the
 * command on the loopback sshd. Hostile text in the param and in the secret must arrive as literal text.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTask, type ProviderHandler } from '#engine/run';
import type { ProviderEvent } from '#providers/contract';
import { createProviderHandler } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import { actions } from '#providers/ssh/actions';
import { compileTask } from '#task/compile';
import { taskSchema } from '#task/schema';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { quietLogger } from './harness.ts';

let sshd: Sshd;
const ssm = mockClient(SSMClient);

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  ssm.restore();
  await sshd?.stop();
});

/** The task: one ssh run whose command holds a param, a secret and the file to write the secret to. */
function taskYaml(): string {
  return `
task: note-down
params:
  note: { type: string }
  out: { type: string }
plot:
  - name: note
    provider: ssh
    action: run
    with:
      host: ${sshd.host}
      port: ${sshd.port}
      user: ${sshd.user}
      hostKey: "${sshd.hostKeyFingerprint}"
      key: "\${secret:/mastermind/default/ssh-key}"
      command: "printf '%s|' \${params.note} \${secret:/mastermind/default/token}; printf %s \${secret:/mastermind/default/token} > \${params.out}"
`;
}

describe('a compiled ssh command, run by the real ssh provider', () => {
  it('passes a hostile param and a hostile secret to the shell as literal text', async () => {
    // Prepare
    const paramMarker = join(sshd.dir, 'param-marker');
    const secretMarker = join(sshd.dir, 'secret-marker');
    const note = `$(touch ${paramMarker}); '"`;
    const token = `pw; touch ${secretMarker}; '`;
    const out = join(sshd.dir, 'token written');
    ssm.on(GetParameterCommand, { Name: '/mastermind/default/ssh-key', WithDecryption: true }).resolves({
      Parameter: { Name: '/mastermind/default/ssh-key', Type: 'SecureString', Value: sshd.privateKey },
    });
    ssm.on(GetParameterCommand, { Name: '/mastermind/default/token', WithDecryption: true }).resolves({
      Parameter: { Name: '/mastermind/default/token', Type: 'SecureString', Value: token },
    });
    const definition = compileTask(taskSchema.parse(parse(taskYaml())));
    const ssh = createProviderHandler('ssh', actions, {
      logger: quietLogger(),
      secrets: new SecretResolver(() => new SSMClient({ region: 'eu-west-1' })),
    });
    const events: ProviderEvent[] = [];
    const handler: ProviderHandler = (event) => {
      events.push(event);
      return ssh(event);
    };

    // Act
    const result = await runTask(definition, { params: { note, out } }, { handler, executionId: 'local:exec-1' });

    // Assess
    expect(events.map((event) => event.input.command)).toStrictEqual([
      {
        template: "printf '%s|' {{0}} {{1}}; printf %s {{2}} > {{3}}",
        values: { 0: note, 1: '${secret:/mastermind/default/token}', 2: '${secret:/mastermind/default/token}', 3: out },
      },
    ]);
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
    const outputs = (result.output as { out: Record<string, unknown> }).out;
    // The secret is redacted from what leaves the provider; *** stands for exactly its value.
    expect(outputs.note).toStrictEqual({ output: { exitCode: 0, stdout: `${note}|***|`, stderr: '', truncated: false } });
    expect(await readFile(out, 'utf8')).toBe(token);
    expect(JSON.stringify(result)).not.toContain('pw; touch');
    expect([existsSync(paramMarker), existsSync(secretMarker)]).toStrictEqual([false, false]);
  });
});

describe('expect on the output of a real command, on the local engine', () => {
  /** Three moves that echo "hello world": attached with a glob, attached with exact text, detached with both. */
  function expectYaml(): string {
    const move = (name: string, extra: string) => `
  - name: ${name}
    provider: ssh
    action: run
    with:
      host: ${sshd.host}
      port: ${sshd.port}
      user: ${sshd.user}
      hostKey: "${sshd.hostKeyFingerprint}"
      key: "\${secret:/mastermind/default/ssh-key}"
      command: echo hello world${extra}`;
    return `task: greet
plot:${move('globbed', `
    expect:
      - { field: stdout, matches: "*hello*" }
      - { field: stdout, matches: "*world" }`)}${move('exact', `
    expect: { stdout: hello world, stderr: "" }`)}${move('detached', `; echo; echo >&2 warned
      detach: true
      timeout: 1m
    expect:
      - { field: stdout, equals: "hello world" }
      - { field: stderr, equals: warned }`)}
`;
  }

  it('meets `matches: "*hello*"` and `equals: hello world` on `echo hello world`: stdout comes without its trailing newlines', async () => {
    // Prepare
    ssm.on(GetParameterCommand, { Name: '/mastermind/default/ssh-key', WithDecryption: true }).resolves({
      Parameter: { Name: '/mastermind/default/ssh-key', Type: 'SecureString', Value: sshd.privateKey },
    });
    const definition = compileTask(taskSchema.parse(parse(expectYaml())));
    const ssh = createProviderHandler('ssh', actions, {
      logger: quietLogger(),
      secrets: new SecretResolver(() => new SSMClient({ region: 'eu-west-1' })),
    });

    // Act
    const result = await runTask(definition, {}, { handler: (event) => ssh(event), executionId: 'local:greet-1' });

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const outputs = (result.output as { out: Record<string, unknown> }).out;
    expect(outputs.globbed).toStrictEqual({ output: { exitCode: 0, stdout: 'hello world', stderr: '', truncated: false } });
    expect(outputs.exact).toStrictEqual({ output: { exitCode: 0, stdout: 'hello world', stderr: '', truncated: false } });
    expect(outputs.detached).toStrictEqual({ output: { exitCode: 0, stdout: 'hello world', stderr: 'warned', truncated: false } });
  });
});


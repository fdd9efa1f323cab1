import { Logger } from '@aws-lambda-powertools/logger';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SecretResolver } from '#providers/secrets';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection } from './harness.ts';

let sshd: Sshd;
const KEY_PARAMETER = '/mastermind/default/user-key';

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

/** Runs the ssh provider with the private key behind a secret reference; captures everything it writes. */
async function playWithSecretKey(action: string, input: Record<string, unknown>): Promise<{ outcome: string; written: string }> {
  const ssm = mockClient(SSMClient);
  ssm.on(GetParameterCommand, { Name: KEY_PARAMETER, WithDecryption: true }).resolves({
    Parameter: { Name: KEY_PARAMETER, Type: 'SecureString', Value: sshd.privateKey },
  });
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await callSsh(
      action,
      { ...connection(sshd), key: `\${secret:${KEY_PARAMETER}}`, ...input },
      {
        dependencies: {
          logger: new Logger({ serviceName: 'mastermind-ssh', logLevel: 'DEBUG' }),
          secrets: new SecretResolver(() => new SSMClient({ region: 'eu-west-1' })),
        },
      },
    );
    const outcome =
      result instanceof Error ? JSON.stringify({ name: result.name, message: result.message, stack: result.stack }) : JSON.stringify(result);
    return { outcome, written: chunks.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    ssm.restore();
  }
}

/** The key's base64 body lines: any of them showing up is a leak. */
function keyLines(): string[] {
  return sshd.privateKey.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

describe('the ssh provider keeps the private key secret', () => {
  const key = () => join(sshd.dir, 'user_ed25519');
  // [case, action, input, what the outcome shows: proof that the move really ran with the resolved key]
  const cases: [string, string, () => Record<string, unknown>, RegExp][] = [
    ['a run that succeeds', 'run', () => ({ command: 'echo done' }), /"stdout":"done"/],
    ['a run that prints the key', 'run', () => ({ command: `cat ${key()}` }), /"stdout":"\*\*\*"/],
    ['a run that prints the key and fails', 'run', () => ({ command: `cat ${key()} >&2; exit 2` }), /exit code 2 .*stderr: \*\*\*/],
    ['a run that times out after printing the key', 'run', () => ({ command: `cat ${key()} >&2; sleep 30`, timeout: '1s' }), /did not finish within 1s.*stderr: \*\*\*/],
    ['a script that prints the key', 'script', () => ({ script: `cat ${key()}` }), /"stdout":"\*\*\*"/],
    ['an upload of the key itself', 'upload', () => ({ path: join(sshd.dir, 'copy'), content: `\${secret:${KEY_PARAMETER}}` }), /"bytes":\d+/],
    ['a wait-reachable that succeeds', 'wait-reachable', () => ({}), /"hostKey":"SHA256:/],
    ['a wait-reachable on a host key mismatch', 'wait-reachable', () => ({ hostKey: `SHA256:${'A'.repeat(43)}` }), /not the pinned/],
  ];

  it.each(cases)('in %s', async (_what, action, input, shows) => {
    // Act
    const { outcome, written } = await playWithSecretKey(action, input());

    // Assess
    expect(outcome).toMatch(shows);
    expect(written).toContain('"henchman":"remote"'); // the structured log line was captured
    for (const line of keyLines()) {
      expect(outcome).not.toContain(line);
      expect(written).not.toContain(line);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { LocalSecrets, localProviders } from '#local/providers';
import type { ProviderEvent } from '#providers/contract';

const event = (key: string): ProviderEvent => ({
  action: 'run',
  input: { host: 'app-1', user: 'ops', key, command: 'true' },
  secrets: [{ path: ['key'], text: key }],
  phase: 'do',
  context: { project: 'web', task: 'deploy', version: 1, execution: 'local:1', henchman: 'restart', attempt: 1 },
});

describe('the providers in-process', () => {
  it('resolves secrets from the local file\'s names, and refuses a name it does not hold as Invalid', async () => {
    // Prepare
    const secrets = new LocalSecrets({ '/mastermind/web/ssh-key': 'secret-key-value' });
    const handler = localProviders({ secrets });

    // Act
    const value = await secrets.get('/mastermind/web/ssh-key');
    const missing = await handler(event('${secret:/mastermind/web/other}'), 'ssh').catch((error: unknown) => error);

    // Assess
    expect(value).toBe('secret-key-value');
    expect(missing).toMatchObject({ name: 'Mastermind.Invalid', message: 'secret /mastermind/web/other is not in the local secrets file' });
    expect(secrets.names()).toStrictEqual(['/mastermind/web/ssh-key']);
  });
});

import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretResolver, redact, redactValue } from '#providers/secrets';
import { DEFAULT_SECRET_LAYOUT } from '#task/secret-layout';

const ssm = mockClient(SSMClient);

afterEach(() => {
  ssm.reset();
});

function resolver(now?: () => number): SecretResolver {
  return new SecretResolver(() => new SSMClient({ region: 'eu-west-1' }), 60_000, now);
}

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

describe('SecretResolver', () => {
  it('puts the text of every mark, secrets resolved, at its place, and lists the values it put in', async () => {
    // Prepare
    ssm.on(GetParameterCommand, { Name: '/mastermind/web/key', WithDecryption: true }).resolves({ Parameter: { Value: 'KEY$&1' } });
    ssm.on(GetParameterCommand, { Name: '/mastermind/_shared/client', WithDecryption: true }).resolves({ Parameter: { Value: 'PEM' } });
    const input = {
      key: '${secret:/mastermind/web/key}',
      nested: { list: ['a ${secret:/mastermind/_shared/client} b', 3, null], same: '${secret:/mastermind/web/key}' },
    };

    // Act
    const resolved = await resolver().resolve(input, [
      { path: ['key'], text: '${secret:/mastermind/web/key}' },
      { path: ['nested', 'list', 0], text: 'a ${secret:/mastermind/_shared/client} b' },
      { path: ['nested', 'same'], text: '${secret:/mastermind/web/key} $${secret:/mastermind/web/key}' },
    ], { project: 'web', layout: DEFAULT_SECRET_LAYOUT });

    // Assess
    expect(resolved).toStrictEqual({
      value: { key: 'KEY$&1', nested: { list: ['a PEM b', 3, null], same: 'KEY$&1 ${secret:/mastermind/web/key}' } },
      secrets: ['KEY$&1', 'PEM'],
    });
    expect(input.key).toBe('${secret:/mastermind/web/key}');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('takes a bare mark (a field name, or a path) as the string at its place, and reads no unmarked string beside it', async () => {
    // Prepare
    ssm.on(GetParameterCommand, { Name: '/mastermind/web/key', WithDecryption: true }).resolves({ Parameter: { Value: 'KEY' } });
    ssm.on(GetParameterCommand, { Name: '/mastermind/_shared/token', WithDecryption: true }).resolves({ Parameter: { Value: 'TOKEN' } });
    const input = {
      key: '${secret:/mastermind/web/key}',
      tags: { auth: 'Bearer ${secret:/mastermind/_shared/token}', note: '${secret:/mastermind/web/key}' },
    };

    // Act
    const resolved = await resolver().resolve(input, ['key', ['tags', 'auth']], { project: 'web', layout: DEFAULT_SECRET_LAYOUT });

    // Assess
    expect(resolved).toStrictEqual({
      value: { key: 'KEY', tags: { auth: 'Bearer TOKEN', note: '${secret:/mastermind/web/key}' } },
      secrets: ['KEY', 'TOKEN'],
    });
  });

  it.each([
    [['missing'], 'the secret mark at missing names no place of the input'],
    [[['port']], 'the secret mark at port names no string of the input'],
    [[['key']], "secret /mastermind/db/key is not one of project web's: a task of project web names only secrets under /mastermind/web/ or the shared /mastermind/_shared/"],
  ])('refuses the bare marks %j with Mastermind.Invalid before asking SSM', async (marks, message) => {
    // Act
    const error = await resolver()
      .resolve({ key: '${secret:/mastermind/db/key}', port: 22 }, marks as never, { project: 'web', layout: DEFAULT_SECRET_LAYOUT })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid', message });
    expect(ssm.commandCalls(GetParameterCommand)).toStrictEqual([]);
  });

  it('reads no string that is not marked, whatever it holds', async () => {
    // Prepare
    const input = { note: '${secret:/mastermind/web/key}', list: ['${secret:/mastermind/web/key}'] };

    // Act
    const resolved = await resolver().resolve(input, [], { project: 'web', layout: DEFAULT_SECRET_LAYOUT });

    // Assess
    expect(resolved).toStrictEqual({ value: input, secrets: [] });
    expect(ssm.commandCalls(GetParameterCommand)).toStrictEqual([]);
  });

  it.each([
    [[{ path: ['key'], text: '${secret:/mastermind/db/key}' }], "secret /mastermind/db/key is not one of project web's: a task of project web names only secrets under /mastermind/web/ or the shared /mastermind/_shared/"],
    [[{ path: ['key'], text: '${secret:/mastermind/web/../db/key}' }], "secret /mastermind/web/../db/key is not one of project web's: a task of project web names only secrets under /mastermind/web/ or the shared /mastermind/_shared/"],
    [[{ path: ['key'], text: '${params.x}' }], 'the secret mark at key holds more than literal text and secret references'],
    [[{ path: ['missing'], text: '${secret:/mastermind/web/key}' }], 'the secret mark at missing names no place of the input'],
    [[{ path: ['port'], text: '${secret:/mastermind/web/key}' }], 'the secret mark at port names no string of the input'],
  ])('refuses %j with Mastermind.Invalid before asking SSM', async (marks, message) => {
    // Act
    const error = await resolver()
      .resolve({ key: 'k', port: 22 }, marks, { project: 'web', layout: DEFAULT_SECRET_LAYOUT })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid', message });
    expect(ssm.commandCalls(GetParameterCommand)).toStrictEqual([]);
  });

  it('reads a secret once while it is cached, and again after that', async () => {
    // Prepare
    let now = 1_000;
    ssm.on(GetParameterCommand).resolvesOnce({ Parameter: { Value: 'old' } }).resolves({ Parameter: { Value: 'new' } });
    const secrets = resolver(() => now);

    // Act
    const first = await secrets.get('/keys/web');
    now += 59_999;
    const cached = await secrets.get('/keys/web');
    now += 1;
    const fresh = await secrets.get('/keys/web');

    // Assess
    expect([first, cached, fresh]).toStrictEqual(['old', 'old', 'new']);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it.each([
    ['ParameterNotFound', 'Mastermind.Invalid', 'secret /keys/web does not exist in SSM Parameter Store'],
    ['AccessDeniedException', 'Mastermind.Failed', 'secret /keys/web could not be read: AccessDeniedException'],
    ['ThrottlingException', 'Mastermind.Transient', 'secret /keys/web could not be read for now: ThrottlingException'],
  ])('turns %s into %s', async (code, name, message) => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(named(code));

    // Act
    const error = await resolver().get('/keys/web').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name, message });
  });

  it('says what is wrong when the SDK cannot even ask (no region, no credentials)', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new Error('Region is missing'));

    // Act
    const error = await resolver().get('/keys/web').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Failed', message: 'secret /keys/web could not be read: Error: Region is missing' });
  });

  it('fails on a parameter without a value', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: {} });

    // Act
    const error = await resolver().get('/keys/web').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Mastermind.Invalid', message: 'secret /keys/web has no value in SSM Parameter Store' });
  });
});

describe('redact', () => {
  const key = '-----BEGIN KEY-----\nAAAABBBBCCCCDDDDEEEE\nshort\n-----END KEY-----';

  it('hides a whole secret and the long lines of a multi-line one', () => {
    // Act
    const text = redact(`whole: ${key}; one line: AAAABBBBCCCCDDDDEEEE; short stays`, [key]);

    // Assess
    expect(text).toBe('whole: ***; one line: ***; short stays');
  });

  it('hides a secret that ends in newlines when it is printed last, its newlines gone as command output loses them', () => {
    // Act
    const text = redact(`printed: ${key}`, [`${key}\n`]);

    // Assess
    expect(text).toBe('printed: ***');
  });

  it('hides secrets in every string of a value', () => {
    // Act
    const value = redactValue({ output: { stdout: 'x s3cr3t-value y', list: ['s3cr3t-value'], n: 1 } }, ['s3cr3t-value']);

    // Assess
    expect(value).toStrictEqual({ output: { stdout: 'x *** y', list: ['***'], n: 1 } });
  });
});

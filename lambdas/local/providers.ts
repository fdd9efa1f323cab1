/**
 * The real providers (ec2, ssh, chef) in-process for local mode, as one ProviderHandler: the same actions and
 * runtime (input checks, secret resolution and redaction, the contract's errors) as the provider Lambdas.
 *
 * Secrets: `${secret:/name}` references are resolved from a local file of `{ "/name": "value" }` when one is
 * given (`mastermind serve --secrets file.json`); without one, from SSM Parameter Store through the SDK, which
 * honours AWS_ENDPOINT_URL_SSM (an emulator) and the usual credentials. Values are never logged or printed: the
 * runtime redacts them from results, errors and log lines.
 *
 * Chef bootstrap and converge read MASTERMIND_CHEF_CONFIG_DIR and MASTERMIND_CHEF_PATH, as the Lambda does;
 * ec2 acts on the account of the AWS credentials in the environment (AWS_ENDPOINT_URL_EC2 honoured).
 */
import { readFile } from 'node:fs/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ProviderHandler } from '#engine/run';
import type { CancelCheck } from '#service/cancels';
import type { ProviderName } from '#task/catalog';
import { chefActions } from '#providers/chef/actions';
import type { NodeSettings } from '#providers/chef/node-setup';
import { InvalidError } from '#providers/contract';
import type { ProviderEvent, ProviderResult } from '#providers/contract';
import { actions as ec2Actions } from '#providers/ec2/actions';
import { createProviderHandler } from '#providers/runtime';
import type { ProviderActions } from '#providers/runtime';
import { SecretResolver } from '#providers/secrets';
import type { SecretLayout } from '#task/secret-layout';
import { actions as sshActions } from '#providers/ssh/actions';

/** Secrets from a map of SSM parameter names to values, in place of SSM. */
export class LocalSecrets extends SecretResolver {
  private readonly values: ReadonlyMap<string, string>;

  constructor(values: Readonly<Record<string, string>>) {
    super(() => {
      throw new Error('local secrets never call SSM');
    });
    this.values = new Map(Object.entries(values));
  }

  override async get(name: string): Promise<string> {
    const value = this.values.get(name);
    if (value === undefined) throw new InvalidError(`secret ${name} is not in the local secrets file`);
    return value;
  }

  /** The names it holds (never the values). */
  names(): string[] {
    return [...this.values.keys()];
  }
}

export class SecretsFileError extends Error {
  override readonly name = 'SecretsFileError';
}

/**
 * Reads a secrets file: one JSON object of SSM parameter names ("/mastermind/web/ssh-key") to string values. Errors
 * name the file and the problem, never a value.
 */
export async function readSecretsFile(path: string): Promise<LocalSecrets> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SecretsFileError(`The secrets file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecretsFileError(`The secrets file ${path} is not JSON.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SecretsFileError(`The secrets file ${path} must hold one object of SSM parameter names to values.`);
  }
  const wrong = Object.entries(parsed).filter(([name, value]) => !name.startsWith('/') || typeof value !== 'string').map(([name]) => name);
  if (wrong.length > 0) {
    throw new SecretsFileError(`The secrets file ${path}: each name must start with "/" and each value be a string; not so for ${wrong.join(', ')}.`);
  }
  return new LocalSecrets(parsed as Record<string, string>);
}

export interface LocalProvidersOptions {
  /** Where secrets come from; SSM (the SDK's settings, AWS_ENDPOINT_URL_SSM honoured) when left out. */
  readonly secrets?: SecretResolver;
  /** Where each project's secrets lie; the environment's (MASTERMIND_SECRETS_PATH, ...) or the defaults when left out. */
  readonly layout?: SecretLayout;
  /** The chef node settings; read from the environment when left out. */
  readonly chef?: NodeSettings;
  /** Looks up cancel requests before every do and poll (lambdas/service/cancels.ts): local mode's store. None when left out. */
  readonly cancels?: CancelCheck;
  /** Replaces a provider's actions (tests). */
  readonly actions?: Partial<Record<ProviderName, ProviderActions>>;
  readonly logger?: Logger;
}

/** One handler for every provider call, each answered by the real provider's runtime and actions. */
export function localProviders(options: LocalProvidersOptions = {}): ProviderHandler {
  const secrets = options.secrets ?? new SecretResolver(() => new SSMClient({}));
  const dependencies = (provider: ProviderName) => ({
    secrets,
    ...(options.layout ? { layout: options.layout } : {}),
    cancels: options.cancels ?? null,
    logger: options.logger ?? new Logger({ serviceName: `mastermind-${provider}` }),
  });
  const handlers: Record<ProviderName, (event: ProviderEvent) => Promise<ProviderResult>> = {
    ec2: createProviderHandler('ec2', options.actions?.ec2 ?? ec2Actions, dependencies('ec2')),
    ssh: createProviderHandler('ssh', options.actions?.ssh ?? sshActions, dependencies('ssh')),
    chef: createProviderHandler('chef', options.actions?.chef ?? chefActions(options.chef), dependencies('chef')),
  };
  return (event, provider) => handlers[provider](event);
}

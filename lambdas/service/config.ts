/**
 * The service's configuration, read from the environment the CDK stack sets.
 */
import { secretLayoutFromEnv, type SecretLayout } from '#task/secret-layout';

export interface ServiceConfig {
  /** The DynamoDB table (MASTERMIND_TABLE). */
  readonly table: string;
  /** The role every task's state machine runs as (MASTERMIND_STATE_MACHINE_ROLE_ARN). */
  readonly stateMachineRoleArn: string;
  /** The log group the state machines log to (MASTERMIND_EXECUTION_LOG_GROUP_ARN). */
  readonly executionLogGroupArn: string;
  /** The provider Lambdas, handed to the compiler. */
  readonly providers: { readonly ec2: string; readonly ssh: string; readonly chef: string };
  /** The first part of every state machine name (MASTERMIND_STATE_MACHINE_PREFIX, default "mastermind"). */
  readonly stateMachinePrefix: string;
  /** AWS_REGION. */
  readonly region: string;
  /**
   * Where each project's secrets lie (MASTERMIND_SECRETS_PATH, default "/mastermind/"; MASTERMIND_SHARED_SECRETS_PATH,
   * default "/mastermind/_shared/"): tasks and project settings naming others are refused.
   */
  readonly secrets: SecretLayout;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const REQUIRED = {
  table: 'MASTERMIND_TABLE',
  stateMachineRoleArn: 'MASTERMIND_STATE_MACHINE_ROLE_ARN',
  executionLogGroupArn: 'MASTERMIND_EXECUTION_LOG_GROUP_ARN',
  ec2: 'MASTERMIND_PROVIDER_EC2_ARN',
  ssh: 'MASTERMIND_PROVIDER_SSH_ARN',
  chef: 'MASTERMIND_PROVIDER_CHEF_ARN',
  region: 'AWS_REGION',
} as const;

/** Reads the configuration; names every missing variable at once. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const missing = Object.values(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0) throw new ConfigError(`Missing environment variables: ${missing.join(', ')}`);
  let secrets: SecretLayout;
  try {
    secrets = secretLayoutFromEnv(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const get = (key: keyof typeof REQUIRED): string => env[REQUIRED[key]] as string;
  return {
    table: get('table'),
    stateMachineRoleArn: get('stateMachineRoleArn'),
    executionLogGroupArn: get('executionLogGroupArn'),
    providers: { ec2: get('ec2'), ssh: get('ssh'), chef: get('chef') },
    stateMachinePrefix: env.MASTERMIND_STATE_MACHINE_PREFIX || 'mastermind',
    region: get('region'),
    secrets,
  };
}

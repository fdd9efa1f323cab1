/**
 * What the service's plain functions work with: the store, Step Functions, the configuration, a clock
 * and a log. Handlers build one set at module scope ({@link createDeps}); tests pass their own.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { ServiceConfig } from './config.ts';
import type { Store } from './store.ts';

/** The part of a logger the service uses (Powertools' Logger fits). */
export interface Log {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface ServiceDeps {
  readonly store: Store;
  readonly sfn: SFNClient;
  readonly config: ServiceConfig;
  readonly log: Log;
  readonly now: () => Date;
}

/** Clients as the SDK builds them from the environment (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN, ...). */
export function createDeps(config: ServiceConfig, log: Log): ServiceDeps {
  const dynamo = new DynamoDBClient({ region: config.region });
  return {
    store: { doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), table: config.table },
    sfn: new SFNClient({ region: config.region }),
    config,
    log,
    now: () => new Date(),
  };
}

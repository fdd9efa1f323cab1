/**
 * Cancel requests: the record that asks a running execution to take its abort route (rollback included), and the
 * look-up the provider runtime makes before it plays a do or a poll (never before an undo: the rollback's undo
 * moves must run). Both sides meet in the store, one item per execution:
 *
 * | item           | pk                        | sk     | attributes                          |
 * | -------------- | ------------------------- | ------ | ----------------------------------- |
 * | cancel request | CANCEL#<execution ARN>    | CANCEL | executionArn, by, at, reason?       |
 *
 * | what happens                                 | outcome                                                     |
 * | -------------------------------------------- | ----------------------------------------------------------- |
 * | first request                                | the record is written (conditional put): created            |
 * | a second request for the same execution      | nothing is written; the first record is answered (idempotent) |
 * | a provider looks, a request stands           | it throws Mastermind.Cancelled naming who, when and why     |
 * | a provider looks, the store cannot be read   | the move is played and a warning logged: the next move boundary looks again |
 *
 * The provider Lambdas may only GetItem items whose key starts with CANCEL# (lib/providers.ts): they read nothing
 * else of the store. Plain module: no client is built here unless {@link cancelCheckFromEnv} is called.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store.ts';

export interface CancelRecord {
  readonly executionArn: string;
  /** Who asked (the API caller's identity). */
  readonly by: string;
  /** When, ISO 8601. */
  readonly at: string;
  readonly reason?: string;
}

/** What a provider runtime asks before a do or a poll: the cancel request standing for that execution, if any. */
export type CancelCheck = (executionArn: string) => Promise<CancelRecord | undefined>;

/** The prefix of every cancel request's key: the providers' read grant is limited to it. */
export const CANCEL_KEY_PREFIX = 'CANCEL#';

const cancelKey = (executionArn: string) => ({ pk: `${CANCEL_KEY_PREFIX}${executionArn}`, sk: 'CANCEL' });

/** The cause the execution ends with: who cancelled it, when, and why. */
export function cancelMessage(record: CancelRecord): string {
  return `cancelled by ${record.by} at ${record.at}${record.reason ? `: ${record.reason}` : ' (no reason given)'}`;
}

/** Writes the request unless one stands; answers the one that stands, and whether this call wrote it. */
export async function requestCancel(store: Store, record: CancelRecord): Promise<{ record: CancelRecord; created: boolean }> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.table,
        Item: { ...cancelKey(record.executionArn), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { record, created: true };
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
  const standing = await readCancel(store, record.executionArn);
  return { record: standing ?? record, created: false };
}

/** The request standing for an execution (one consistent GetItem), or undefined. */
export async function readCancel(store: Store, executionArn: string): Promise<CancelRecord | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.table, Key: cancelKey(executionArn), ConsistentRead: true }));
  if (!Item) return undefined;
  return {
    executionArn: Item.executionArn as string,
    by: Item.by as string,
    at: Item.at as string,
    ...(typeof Item.reason === 'string' ? { reason: Item.reason } : {}),
  };
}

/** The check the providers run, over a store. */
export function cancelCheck(store: Store): CancelCheck {
  return (executionArn) => readCancel(store, executionArn);
}

/**
 * The check of a provider Lambda: the table MASTERMIND_TABLE names, through a client the SDK builds from the
 * environment (AWS_ENDPOINT_URL_DYNAMODB honoured); undefined when the variable is not set (no store to look in).
 */
export function cancelCheckFromEnv(env: NodeJS.ProcessEnv = process.env): CancelCheck | undefined {
  const table = env.MASTERMIND_TABLE;
  if (!table) return undefined;
  let store: Store | undefined;
  return (executionArn) => {
    store ??= { doc: DynamoDBDocumentClient.from(new DynamoDBClient({})), table };
    return readCancel(store, executionArn);
  };
}

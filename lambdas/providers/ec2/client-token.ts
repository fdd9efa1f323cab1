/**
 * The ClientToken of a launch: RunInstances is idempotent per token, so a retried launch (a Lambda timeout, a
 * Transient error, a redelivered invoke) finds the instance the first call made instead of making a second one.
 */
import { createHash } from 'node:crypto';
import type { ProviderContext } from '../contract.ts';

/**
 * A stable token of 64 ASCII characters (EC2's limit) from the execution, the henchman, the attempt and, inside
 * `each`, the item: the same move retried keeps it; a new attempt after a retreat, or another item, gets a new one.
 */
export function launchClientToken(context: ProviderContext): string {
  const parts = [context.execution, context.henchman, context.attempt, context.item ?? null];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * The chef provider's actions, by the names of the catalog (lambdas/task/catalog.ts).
 */
import type { ProviderActions } from '../runtime.ts';
import { bootstrapAction } from './bootstrap.ts';
import { convergeAction } from './converge.ts';
import { deregister } from './deregister.ts';
import { nodeSettingsFromEnv, type NodeSettings } from './node-setup.ts';
import { search } from './search.ts';
import { setRunListAction } from './set-run-list.ts';

/** The actions, with the node settings given (tests) or read from the Lambda's environment. */
export function chefActions(settings: NodeSettings = nodeSettingsFromEnv()): ProviderActions {
  return {
    bootstrap: bootstrapAction(settings),
    converge: convergeAction(settings),
    'set-run-list': setRunListAction,
    search,
    deregister,
  };
}

/**
 * The chef provider Lambda: bootstrap, converge, set-run-list, search, deregister.
 * Environment: MASTERMIND_CHEF_CONFIG_DIR, MASTERMIND_CHEF_PATH (see node-setup.ts).
 */
import { createProviderHandler } from '../runtime.ts';
import { chefActions } from './actions.ts';

export const handler = createProviderHandler('chef', chefActions());

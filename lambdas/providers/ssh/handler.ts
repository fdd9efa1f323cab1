/** The ssh provider Lambda: remote commands, scripts and files over SSH (see actions.ts). */
import { createProviderHandler } from '../runtime.ts';
import { actions } from './actions.ts';

export const handler = createProviderHandler('ssh', actions);

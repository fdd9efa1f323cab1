/** The ec2 provider Lambda. */
import { createProviderHandler } from '../runtime.ts';
import { actions } from './actions.ts';

export const handler = createProviderHandler('ec2', actions);

/** The ssh provider's actions, by their catalog names. */
import type { ProviderActions } from '../runtime.ts';
import { run } from './run.ts';
import { script } from './script.ts';
import { upload } from './upload.ts';
import { waitReachable } from './wait-reachable.ts';

export const actions: ProviderActions = {
  run,
  script,
  upload,
  'wait-reachable': waitReachable,
};

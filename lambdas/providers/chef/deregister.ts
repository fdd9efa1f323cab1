/**
 * chef deregister: delete a node and its API client from the Chef server. Either one being gone already
 * (404) is fine, so deregister can be repeated and serves as the undo of bootstrap.
 *
 * Input: nodeName, chefServerUrl, chefClientName, chefClientKey.
 * Output: { nodeName }.
 *
 * | case                                        | error                               |
 * | ------------------------------------------- | ----------------------------------- |
 * | node or client already gone (404)           | none                                |
 * | signature refused, or not allowed (401/403) | Failed                              |
 * | server unreachable, 5xx                     | Transient                           |
 */
import type { Action } from '../runtime.ts';
import { ChefApi } from './client.ts';
import { chefServerOf, deleteNodeAndClient } from './nodes.ts';

export const deregister: Action = async (input, { logger }) => {
  const nodeName = input.nodeName as string;
  const api = new ChefApi(chefServerOf(input));
  const deleted = await deleteNodeAndClient(api, nodeName);
  logger.debug('deregistered', { nodeName, ...deleted });
  return { output: { nodeName } };
};

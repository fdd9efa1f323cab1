/**
 * chef set-run-list: replace a node's run list on the Chef server (the node's other attributes are kept).
 *
 * Input: nodeName, runList, chefServerUrl, chefClientName, chefClientKey.
 * Output: { nodeName, runList }.
 *
 * | case                                        | error                               |
 * | ------------------------------------------- | ----------------------------------- |
 * | no node of that name (404)                  | Failed: no node X on the Chef server |
 * | the server rejects the run list (400)       | Invalid                             |
 * | signature refused (401/403)                 | Failed                              |
 * | server unreachable, 5xx                     | Transient                           |
 */
import type { Action } from '../runtime.ts';
import { ChefApi } from './client.ts';
import { chefServerOf, setRunList } from './nodes.ts';

export const setRunListAction: Action = async (input) => {
  const nodeName = input.nodeName as string;
  const api = new ChefApi(chefServerOf(input));
  const runList = await setRunList(api, nodeName, input.runList as string[]);
  return { output: { nodeName, runList } };
};

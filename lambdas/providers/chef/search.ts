/**
 * chef search: nodes matching a Chef search query, with their IPs and run lists.
 *
 * Input: query, index (node), chefServerUrl, chefClientName, chefClientKey.
 * Output: { nodes: [{ name, ip, runList }], hosts: [ip] } — ip is automatic.ipaddress, null for a node that
 * has not reported one (such a node is left out of hosts). No node found is not an error: nodes is [].
 *
 * | case                                        | error                               |
 * | ------------------------------------------- | ----------------------------------- |
 * | a query the server cannot parse (400)       | Invalid                             |
 * | more than 1000 nodes match                  | Failed: narrow the query            |
 * | signature refused (401/403)                 | Failed                              |
 * | server unreachable, 5xx                     | Transient                           |
 */
import type { Action } from '../runtime.ts';
import { ChefApi } from './client.ts';
import { chefServerOf, searchNodes } from './nodes.ts';

export const search: Action = async (input) => {
  const api = new ChefApi(chefServerOf(input));
  const nodes = await searchNodes(api, input.query as string);
  const hosts = nodes.flatMap((node) => (node.ip === null ? [] : [node.ip]));
  return { output: { nodes, hosts } };
};

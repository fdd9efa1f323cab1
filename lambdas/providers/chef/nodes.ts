/**
 * Nodes and clients on the Chef server: the API calls the chef actions are made of.
 */
import { FailedError, InvalidError } from '../contract.ts';
import { ChefApi, type ChefServer } from './client.ts';

/** A node as the search action reports it. `ip` is null when the node has not reported one yet. */
export interface FoundNode {
  readonly name: string;
  readonly ip: string | null;
  readonly runList: string[];
}

/** The JSON of a Chef node, as far as Mastermind reads it; every other field is kept as it is. */
export interface ChefNode {
  name: string;
  run_list?: string[];
  automatic?: { ipaddress?: unknown };
  [field: string]: unknown;
}

interface SearchPage {
  readonly rows?: ChefNode[];
  readonly start?: number;
  readonly total?: number;
}

export const SEARCH_PAGE_SIZE = 1000;
/** A search output is kept small: the execution state must stay far below its 256 KB limit. */
export const MAX_SEARCH_NODES = 1000;

/** The ChefServer of a chef action's input (chefServerUrl, chefClientName, chefClientKey). */
export function chefServerOf(input: Record<string, unknown>): ChefServer {
  return {
    url: input.chefServerUrl as string,
    clientName: input.chefClientName as string,
    clientKey: input.chefClientKey as string,
  };
}

/** The path of a named object: /nodes/<name>, with the name percent-encoded. */
export function objectPath(kind: 'nodes' | 'clients', name: string): string {
  return `/${kind}/${encodeURIComponent(name)}`;
}

/**
 * Every node matching a query, sorted by name, read page by page. A page shorter than asked for ends the search, unless the
 * server's total says more are left (Chef leaves out of a page the nodes the client may not read).
 */
export async function searchNodes(
  api: ChefApi,
  query: string,
  options: { pageSize?: number; maxNodes?: number } = {},
): Promise<FoundNode[]> {
  const pageSize = options.pageSize ?? SEARCH_PAGE_SIZE;
  const maxNodes = options.maxNodes ?? MAX_SEARCH_NODES;
  const found: FoundNode[] = [];
  for (let start = 0; ; start += pageSize) {
    const { body } = await api.get<SearchPage>('/search/node', { query: { q: query, rows: pageSize, start } });
    const rows = body?.rows ?? [];
    for (const node of rows) found.push(foundNode(node));
    if (found.length > maxNodes) {
      throw new FailedError(`the query ${query} matched more than ${maxNodes} nodes: narrow it`);
    }
    const total = typeof body?.total === 'number' ? body.total : 0;
    if (rows.length === 0 || (rows.length < pageSize && start + pageSize >= total)) {
      return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
  }
}

function foundNode(node: ChefNode): FoundNode {
  const ip = node.automatic?.ipaddress;
  return {
    name: node.name,
    ip: typeof ip === 'string' && ip !== '' ? ip : null,
    runList: Array.isArray(node.run_list) ? node.run_list : [],
  };
}

/** The node, or undefined when the server has none of that name. */
export async function getNode(api: ChefApi, name: string): Promise<ChefNode | undefined> {
  const { status, body } = await api.get<ChefNode>(objectPath('nodes', name), { accept: [404] });
  return status === 404 ? undefined : body;
}

/** Replaces the run list of an existing node (GET, then PUT of the whole node). */
export async function setRunList(api: ChefApi, name: string, runList: readonly string[]): Promise<string[]> {
  const node = await getNode(api, name);
  if (!node) throw new FailedError(`no node ${name} on the Chef server`);
  const updated: ChefNode = { ...node, run_list: [...runList] };
  const { status } = await api.put(objectPath('nodes', name), updated, { accept: [404] });
  if (status === 404) throw new FailedError(`no node ${name} on the Chef server (it was deleted meanwhile)`);
  return [...runList];
}

/** Deletes the node and the client of that name; either being gone already is fine. */
export async function deleteNodeAndClient(api: ChefApi, name: string): Promise<{ node: boolean; client: boolean }> {
  const node = await api.delete(objectPath('nodes', name), { accept: [404] });
  const client = await api.delete(objectPath('clients', name), { accept: [404] });
  return { node: node.status !== 404, client: client.status !== 404 };
}

interface CreatedClient {
  readonly private_key?: string;
  readonly chef_key?: { readonly private_key?: string };
}

/**
 * Registers an API client for a node and returns its new private key. A client of that name that exists
 * already (a node bootstrapped again) is deleted and created anew: its old key stops working, which is
 * what a re-bootstrap means. (Deleting works on every Chef server version; regenerating a key does not.)
 */
export async function registerClient(api: ChefApi, name: string): Promise<string> {
  const request = { name, admin: false, create_key: true };
  let created = await api.post<CreatedClient>('/clients', request, { accept: [409] });
  if (created.status === 409) {
    await api.delete(objectPath('clients', name), { accept: [404] });
    created = await api.post<CreatedClient>('/clients', request);
  }
  // API version 0 answers { private_key }, version 1 { chef_key: { private_key } }.
  const key = created.body?.private_key ?? created.body?.chef_key?.private_key;
  if (typeof key !== 'string' || key === '') {
    throw new FailedError(`the Chef server created client ${name} but sent no private key back`);
  }
  return key;
}

/** Chef's rule for client (and so bootstrapped node) names. */
const CLIENT_NAME = /^[A-Za-z0-9_.-]+$/;
/** Chef's rule for environment names. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9_-]+$/;

export function checkNames(input: { nodeName?: unknown; environment?: unknown }): void {
  const problems: string[] = [];
  if (typeof input.nodeName === 'string' && !CLIENT_NAME.test(input.nodeName)) {
    problems.push(`nodeName ${JSON.stringify(input.nodeName)} may hold only letters, digits, _ . and -`);
  }
  if (typeof input.environment === 'string' && !ENVIRONMENT_NAME.test(input.environment)) {
    problems.push(`environment ${JSON.stringify(input.environment)} may hold only letters, digits, _ and -`);
  }
  if (problems.length > 0) throw new InvalidError(problems.join('; '));
}

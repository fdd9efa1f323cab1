/**
 * chef bootstrap: make a host a Chef node, over SSH.
 *
 * 1. `command -v chef-client`; when missing, run installCommand (a shell field: references in it are
 *    shell-quoted), then look again.
 * 2. Register the node's API client on the Chef server (POST /clients, create_key). A client of that name that
 *    exists already (the host is bootstrapped again) is deleted and created anew, so the old key stops working.
 * 3. Write, as root, <config dir>/client.pem (0600, the new client's key), client.rb (0644: chef_server_url,
 *    node_name, client_key, environment) and first-boot.json (0644: { "run_list": [...] }).
 *    The config dir is /etc/chef unless the provider's MASTERMIND_CHEF_CONFIG_DIR says otherwise.
 * 4. Run `chef-client -c <dir>/client.rb -j <dir>/first-boot.json -E <environment>` as root (sudo -n for a
 *    user other than root), every value shell-quoted.
 *
 * Input: host, port, user, key, hostKey, nodeName (the host's `hostname -f` when left out), runList, environment,
 * installCommand, timeout (ONE limit for the install and the first run together: what the install leaves is what
 * the first run gets), chefServerUrl, chefClientName, chefClientKey.
 * Output: { nodeName, runList, exitCode }. Undone by deregister.
 *
 * Attached (one invocation, the timeout at most 14m) unless the event's context says `detach` (the compiler does so
 * for `detach: true` or a timeout beyond one invocation): then steps 2 and 3 come first, and the install (when
 * chef-client is missing) and the first run run detached on the host as one job under the one timeout
 * (../ssh/detached.ts, node-setup.ts detachedBootstrapCommand), which the move polls. The answer once the job has
 * ended is the one an attached bootstrap gives, and so are the errors below. A poll's state cannot change, so the
 * client is registered before the install instead of after it: when a detached install fails, installs nothing or is
 * ended at the timeout, the client it registered is deleted again, so the failed move leaves none behind.
 *
 * | case                                                | error                                      |
 * | --------------------------------------------------- | ------------------------------------------ |
 * | nodeName / environment outside Chef's name rules    | Invalid (before anything is touched)       |
 * | installCommand: a value missing or in single quotes | Invalid (before anything is touched)       |
 * | installCommand exits non-zero, or installs nothing  | Failed, with the tail of its output        |
 * |                                                     | (nothing is registered)                    |
 * | chef-client exits non-zero                          | Failed, with the tail of its stderr        |
 * | Chef server refuses the signature (401/403)         | Failed                                     |
 * | Chef server unreachable, 5xx                        | Transient                                  |
 * | the timeout used up before the first run            | Failed (the first run is not started)      |
 * | the henchman's timeout ends install or first run    | Mastermind.Timeout (../deadline.ts)        |
 * | SSH errors (unreachable, host key, auth, timeout)   | as the ssh provider maps them              |
 */
import { parseDuration } from '#task/duration';
import { DETACHED_POLLS } from '#task/invocation';
import { FailedError, TransientError, type ProviderResult } from '../contract.ts';
import { attachedLimit, commandLimit, type CommandLimit, type MoveDeadline } from '../deadline.ts';
import type { Action, ActionCall } from '../runtime.ts';
import { withSession, type CommandResult } from '../ssh/connection.ts';
import { jobOf, lookDetached, startDetached } from '../ssh/detached.ts';
import { withoutTrailingNewlines } from '../ssh/exit-codes.ts';
import { shellTextOf, targetOf } from '../ssh/target.ts';
import { ChefApi } from './client.ts';
import { ChefNode, commandFailed } from './node-session.ts';
import { BOOTSTRAP_MARK, clientRb, configFiles, detachedBootstrapCommand, firstBootJson, firstRunCommand, type NodeSettings } from './node-setup.ts';
import { checkNames, chefServerOf, objectPath, registerClient } from './nodes.ts';

/** What a detached bootstrap hands to its polls (the job's `data`). */
interface Detached {
  readonly nodeName: string;
  /** The job installs chef-client before the first run (it was missing), having registered the client first. */
  readonly installs: boolean;
}

/**
 * What is left of the bootstrap's own timeout (install and first run together), bounded by the henchman's deadline.
 * Past its own timeout, nothing more is started.
 */
function remaining(until: number, timeoutSeconds: number, host: string, deadline: MoveDeadline | undefined): CommandLimit {
  const left = (until - Date.now()) / 1000;
  if (left <= 0) throw new FailedError(`the bootstrap of ${host} used up its timeout (${timeoutSeconds}s) before the first chef-client run`);
  return commandLimit(left, deadline);
}

/** The node name: the input's, else the host's own (checked against Chef's name rules either way). */
async function nodeNameOf(node: ChefNode, given: string | undefined, host: string): Promise<string> {
  const nodeName = given ?? (await node.read('hostname -f 2>/dev/null || hostname'));
  if (nodeName === '') throw new FailedError(`no nodeName was given and ${host} did not tell its hostname`);
  checkNames({ nodeName });
  return nodeName;
}

/** Steps 2 and 3: registers the node's client and writes its key and configuration on the node. */
async function register(node: ChefNode, input: Record<string, unknown>, nodeName: string, settings: NodeSettings): Promise<void> {
  const files = configFiles(settings);
  const clientKey = await registerClient(new ChefApi(chefServerOf(input)), nodeName);
  await node.writeFile(files.clientPem, clientKey, 0o600);
  await node.writeFile(files.clientRb, clientRb({ chefServerUrl: input.chefServerUrl as string, nodeName, environment: input.environment as string }, settings), 0o644);
  await node.writeFile(files.firstBoot, firstBootJson(input.runList as string[]), 0o644);
}

/** The output of a bootstrap whose first run has ended. */
function judgeFirstRun(run: CommandResult, nodeName: string, input: Record<string, unknown>, host: string): { output: Record<string, unknown> } {
  if (run.exitCode !== 0) throw commandFailed(`the first chef-client run on ${host}`, run);
  return { output: { nodeName, runList: input.runList as string[], exitCode: run.exitCode } };
}

/** Phase do with context.detach: steps 2 and 3, then the install (when needed) and the first run started as one job. */
async function startBootstrap(input: Record<string, unknown>, call: ActionCall, settings: NodeSettings, timeoutSeconds: number, installCommand: string): Promise<ProviderResult> {
  const target = targetOf(input);
  const limit = commandLimit(timeoutSeconds, call.deadline);
  return withSession(target, async (session) => {
    const node = new ChefNode(session, target, settings);
    const nodeName = await nodeNameOf(node, input.nodeName as string | undefined, target.host);
    const installs = (await node.findChefClient()) === undefined;
    await register(node, input, nodeName, settings);
    const command = detachedBootstrapCommand({ ...(installs ? { install: installCommand } : {}), environment: input.environment as string, user: target.user, settings });
    const data: Detached = { nodeName, installs };
    return startDetached(session, { command, limit, context: call.context, phase: call.phase, data: { ...data } });
  });
}

const MARK_LINE = new RegExp(`(?:^|\\n)${BOOTSTRAP_MARK} (install|missing|run)(?: (\\d+))?$`);

/** A poll of a detached bootstrap: the job still running, or its end judged as an attached bootstrap's. */
async function pollBootstrap(input: Record<string, unknown>, call: ActionCall, logger: ActionCall['logger']): Promise<ProviderResult> {
  const target = targetOf(input);
  const job = jobOf(call.poll);
  const data = job.data as Partial<Detached> | undefined;
  if (typeof data?.nodeName !== 'string' || typeof data.installs !== 'boolean') throw new FailedError('the poll was not handed the bootstrap its move started');
  const { nodeName, installs } = data as Detached;
  // The client a failed install registered goes again (never the node object: that may be an earlier life's).
  const takeBack = async (error: unknown): Promise<never> => {
    if (installs) {
      await new ChefApi(chefServerOf(input)).delete(objectPath('clients', nodeName), { accept: [404] }).catch((failure: unknown) =>
        logger.warn('the client of a failed detached bootstrap could not be deleted', { nodeName, reason: (failure as Error).message }),
      );
    }
    throw error;
  };
  const seen = await lookDetached(target, job).catch((error: unknown) => (error instanceof TransientError ? Promise.reject(error) : takeBack(error)));
  if (seen === 'running') return { poll: { after: DETACHED_POLLS.every, state: job } };
  const stderr = withoutTrailingNewlines(seen.stderr);
  const mark = MARK_LINE.exec(stderr);
  const result = { ...seen, stderr: mark ? stderr.slice(0, mark.index) : stderr };
  if (mark?.[1] === 'run') return judgeFirstRun(result, nodeName, input, target.host);
  if (mark?.[1] === 'install') return takeBack(commandFailed(`installing chef-client on ${target.host}`, result));
  if (mark?.[1] === 'missing') return takeBack(new FailedError(`installCommand ran on ${target.host}, but chef-client is still not on its PATH`));
  return takeBack(commandFailed(`the bootstrap on ${target.host}`, result));
}

export function bootstrapAction(settings: NodeSettings): Action {
  return async (input, call) => {
    const { logger, deadline } = call;
    const givenName = input.nodeName as string | undefined;
    const environment = input.environment as string;
    checkNames({ nodeName: givenName, environment });
    const timeoutSeconds = parseDuration(input.timeout as string)!;
    if (call.phase === 'poll') return pollBootstrap(input, call, logger);
    const installCommand = shellTextOf(input, 'installCommand');
    if (call.context.detach) return startBootstrap(input, call, settings, timeoutSeconds, installCommand);
    // The install and the first run share one timeout, which must fit one invocation when they run attached (validation
    // sees to it for a literal timeout; one from a reference is refused here before anything runs).
    attachedLimit(timeoutSeconds, deadline);
    const until = Date.now() + timeoutSeconds * 1000;
    const target = targetOf(input);
    return withSession(target, async (session) => {
      const node = new ChefNode(session, target, settings);
      const nodeName = await nodeNameOf(node, givenName, target.host);
      let chefClient = await node.findChefClient();
      if (!chefClient) {
        logger.info('installing chef-client', { host: target.host });
        await node.install(installCommand, remaining(until, timeoutSeconds, target.host, deadline), deadline);
        chefClient = await node.findChefClient();
        if (!chefClient) {
          throw new FailedError(`installCommand ran on ${target.host}, but chef-client is still not on its PATH`);
        }
      }
      await register(node, input, nodeName, settings);
      const run = await node.run(firstRunCommand(chefClient, environment, settings), remaining(until, timeoutSeconds, target.host, deadline), deadline);
      return judgeFirstRun(run, nodeName, input, target.host);
    });
  };
}

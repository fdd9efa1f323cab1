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
 * installCommand, timeout (for the install and the first run together: at most one invocation's budget, 14m),
 * chefServerUrl, chefClientName, chefClientKey.
 * Output: { nodeName, runList, exitCode }. Undone by deregister.
 *
 * | case                                                | error                                      |
 * | --------------------------------------------------- | ------------------------------------------ |
 * | nodeName / environment outside Chef's name rules    | Invalid (before anything is touched)       |
 * | installCommand: a value missing or in single quotes | Invalid (before anything is touched)       |
 * | installCommand exits non-zero, or installs nothing  | Failed, with the tail of its output        |
 * | chef-client exits non-zero                          | Failed, with the tail of its stderr        |
 * | Chef server refuses the signature (401/403)         | Failed                                     |
 * | Chef server unreachable, 5xx                        | Transient                                  |
 * | the timeout used up before the first run            | Failed (the first run is not started)      |
 * | the henchman's timeout ends install or first run    | Mastermind.Timeout (../deadline.ts)        |
 * | SSH errors (unreachable, host key, auth, timeout)   | as the ssh provider maps them              |
 */
import { parseDuration } from '#task/duration';
import { FailedError } from '../contract.ts';
import { attachedLimit, commandLimit, type CommandLimit, type MoveDeadline } from '../deadline.ts';
import type { Action } from '../runtime.ts';
import { withSession } from '../ssh/connection.ts';
import { ChefApi } from './client.ts';
import { shellTextOf, targetOf } from '../ssh/target.ts';
import { ChefNode, commandFailed } from './node-session.ts';
import { clientRb, configFiles, firstBootJson, firstRunCommand, type NodeSettings } from './node-setup.ts';
import { checkNames, chefServerOf, registerClient } from './nodes.ts';

/**
 * What is left of the bootstrap's own timeout (install and first run together), bounded by the henchman's deadline.
 * Past its own timeout, nothing more is started.
 */
function remaining(until: number, timeoutSeconds: number, host: string, deadline: MoveDeadline | undefined): CommandLimit {
  const left = (until - Date.now()) / 1000;
  if (left <= 0) throw new FailedError(`the bootstrap of ${host} used up its timeout (${timeoutSeconds}s) before the first chef-client run`);
  return commandLimit(left, deadline);
}

export function bootstrapAction(settings: NodeSettings): Action {
  return async (input, { logger, deadline }) => {
    const givenName = input.nodeName as string | undefined;
    const runList = input.runList as string[];
    const environment = input.environment as string;
    checkNames({ nodeName: givenName, environment });
    const installCommand = shellTextOf(input, 'installCommand');
    const timeoutSeconds = parseDuration(input.timeout as string)!;
    // The install and the first run share one timeout, which must fit one invocation (validation sees to it for a
    // literal timeout; one from a reference is refused here before anything runs).
    attachedLimit(timeoutSeconds, deadline);
    const until = Date.now() + timeoutSeconds * 1000;
    const api = new ChefApi(chefServerOf(input));
    const target = targetOf(input);
    const files = configFiles(settings);

    const { nodeName, exitCode } = await withSession(target, async (session) => {
      const node = new ChefNode(session, target, settings);
      const nodeName = givenName ?? (await node.read('hostname -f 2>/dev/null || hostname'));
      if (nodeName === '') throw new FailedError(`no nodeName was given and ${target.host} did not tell its hostname`);
      checkNames({ nodeName });
      let chefClient = await node.findChefClient();
      if (!chefClient) {
        logger.info('installing chef-client', { host: target.host });
        await node.install(installCommand, remaining(until, timeoutSeconds, target.host, deadline), deadline);
        chefClient = await node.findChefClient();
        if (!chefClient) {
          throw new FailedError(`installCommand ran on ${target.host}, but chef-client is still not on its PATH`);
        }
      }
      const clientKey = await registerClient(api, nodeName);
      await node.writeFile(files.clientPem, clientKey, 0o600);
      await node.writeFile(files.clientRb, clientRb({ chefServerUrl: input.chefServerUrl as string, nodeName, environment }, settings), 0o644);
      await node.writeFile(files.firstBoot, firstBootJson(runList), 0o644);
      const run = await node.run(firstRunCommand(chefClient, environment, settings), remaining(until, timeoutSeconds, target.host, deadline), deadline);
      if (run.exitCode !== 0) throw commandFailed(`the first chef-client run on ${target.host}`, run);
      return { nodeName, exitCode: run.exitCode };
    });
    return { output: { nodeName, runList, exitCode } };
  };
}

/**
 * chef converge: run chef-client on a node over SSH, with its own configuration (<config dir>/client.rb,
 * written by bootstrap) and, when runList is given, that run list for this run only (`-o`).
 *
 * Input: host, port, user, key, hostKey, nodeName, runList, timeout (converge talks to the node only: chef-client
 * there uses its own client.rb and key).
 * Output: { nodeName, exitCode, stdout, stderr, truncated } — nodeName is the input's, else the node_name in
 * the node's client.rb, else the host; stdout and stderr keep their last 8 KiB.
 *
 * | case                                                | error                                      |
 * | --------------------------------------------------- | ------------------------------------------ |
 * | chef-client not installed on the node               | Failed: bootstrap it first                 |
 * | chef-client exits non-zero                          | Failed, with the tail of its stderr        |
 * | SSH errors (unreachable, host key, auth, timeout)   | as the ssh provider maps them              |
 */
import { parseDuration } from '#task/duration';
import { FailedError, keepTail } from '../contract.ts';
import type { Action } from '../runtime.ts';
import { withSession } from '../ssh/connection.ts';
import { targetOf } from '../ssh/target.ts';
import { ChefNode, commandFailed } from './node-session.ts';
import { convergeCommand, readNodeNameCommand, type NodeSettings } from './node-setup.ts';

export function convergeAction(settings: NodeSettings): Action {
  return async (input) => {
    const runList = input.runList as string[] | undefined;
    const timeoutSeconds = parseDuration(input.timeout as string)!;
    const target = targetOf(input);

    return withSession(target, async (session) => {
      const node = new ChefNode(session, target, settings);
      const chefClient = await node.findChefClient();
      if (!chefClient) throw new FailedError(`chef-client is not installed on ${target.host}: bootstrap it first`);
      const nodeName =
        (input.nodeName as string | undefined) ?? ((await node.read(readNodeNameCommand(settings))) || target.host);
      const run = await node.run(convergeCommand(chefClient, runList, settings), timeoutSeconds);
      if (run.exitCode !== 0) throw commandFailed(`chef-client on ${target.host}`, run);
      const stdout = keepTail(run.stdout);
      const stderr = keepTail(run.stderr);
      return {
        output: {
          nodeName,
          exitCode: run.exitCode,
          stdout: stdout.text,
          stderr: stderr.text,
          truncated: run.truncated || stdout.truncated || stderr.truncated,
        },
      };
    });
  };
}

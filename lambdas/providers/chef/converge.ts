/**
 * chef converge: run chef-client on a node over SSH, with its own configuration (<config dir>/client.rb,
 * written by bootstrap) and, when runList is given, that run list for this run only (`-o`).
 *
 * Input: host, port, user, key, hostKey, nodeName, runList, timeout (converge talks to the node only: chef-client
 * there uses its own client.rb and key).
 * Output: { nodeName, exitCode, stdout, stderr, truncated } — nodeName is the input's, else the node_name in
 * the node's client.rb, else the host; stdout and stderr keep their last 8 KiB, trailing newlines removed as the
 * shell's $(...) does (as ssh run gives them: ../ssh/exit-codes.ts).
 *
 * | case                                                | error                                      |
 * | --------------------------------------------------- | ------------------------------------------ |
 * | chef-client not installed on the node               | Failed: bootstrap it first                 |
 * | chef-client exits non-zero                          | Failed, with the tail of its stderr        |
 * | the henchman's timeout ends chef-client first       | Mastermind.Timeout (../deadline.ts)        |
 * | SSH errors (unreachable, host key, auth, timeout)   | as the ssh provider maps them              |
 *
 * With context.detach (a timeout beyond one invocation, or `detach: true`), chef-client runs detached on the node
 * and the move polls it (../ssh/detached.ts); the answer once it has ended is the one an attached run gives.
 */
import { parseDuration } from '#task/duration';
import { FailedError, keepTail } from '../contract.ts';
import { attachedLimit, commandLimit } from '../deadline.ts';
import type { Action } from '../runtime.ts';
import { execWithin, withSession, type CommandResult } from '../ssh/connection.ts';
import { pollDetached, startDetached } from '../ssh/detached.ts';
import { withoutTrailingNewlines } from '../ssh/exit-codes.ts';
import { targetOf } from '../ssh/target.ts';
import { asRoot, convergeCommand, readNodeNameCommand, withPath, type NodeSettings } from './node-setup.ts';
import { ChefNode, commandFailed } from './node-session.ts';

/** The answer of a finished chef-client run. */
function judge(run: CommandResult, nodeName: string, host: string): { output: Record<string, unknown> } {
  if (run.exitCode !== 0) throw commandFailed(`chef-client on ${host}`, run);
  const stdout = keepTail(withoutTrailingNewlines(run.stdout));
  const stderr = keepTail(withoutTrailingNewlines(run.stderr));
  return {
    output: {
      nodeName,
      exitCode: run.exitCode,
      stdout: stdout.text,
      stderr: stderr.text,
      truncated: run.truncated || stdout.truncated || stderr.truncated,
    },
  };
}

export function convergeAction(settings: NodeSettings): Action {
  return async (input, call) => {
    const runList = input.runList as string[] | undefined;
    const timeoutSeconds = parseDuration(input.timeout as string)!;
    const target = targetOf(input);
    if (call.phase === 'poll') {
      return pollDetached(target, call.poll, (run, job) => judge(run, String(job.data?.nodeName ?? target.host), target.host));
    }

    return withSession(target, async (session) => {
      const node = new ChefNode(session, target, settings);
      const chefClient = await node.findChefClient();
      if (!chefClient) throw new FailedError(`chef-client is not installed on ${target.host}: bootstrap it first`);
      const nodeName =
        (input.nodeName as string | undefined) ?? ((await node.read(readNodeNameCommand(settings))) || target.host);
      const command = asRoot(withPath(convergeCommand(chefClient, runList, settings), settings), target.user);
      if (call.context.detach) {
        const limit = commandLimit(timeoutSeconds, call.deadline);
        return startDetached(session, { command, limit, context: call.context, phase: call.phase, data: { nodeName } });
      }
      const limit = attachedLimit(timeoutSeconds, call.deadline);
      return judge(await execWithin(session, command, limit, call.deadline), nodeName, target.host);
    });
  };
}

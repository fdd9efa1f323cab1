/**
 * The shape shared by terminate, stop and start: check that every instance belongs to the move's project
 * (ownership.ts), call the API once (phase "do" or "undo"), then look at the instances until they reach the target
 * state (phase "poll"), without a Lambda sitting idle in between.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Action } from '../runtime.ts';
import type { Ec2ClientFor } from './clients.ts';
import { regionOf, targetIds, type InstanceStateName } from './instances.ts';
import { checkOwnedAndThere, checkOwnership } from './ownership.ts';
import { checkStates, instancesOutput, pollAgain, readStateWait, stateWait, stateWords } from './state-wait.ts';

export interface StateChange {
  /** The state the instances end in. */
  readonly target: InstanceStateName;
  /**
   * Calls the API for these instances; answers the state each one is in afterwards, in the order of `ids`
   * (undefined for an instance the answer does not tell about, or no list at all when the API tells nothing).
   */
  readonly change: (client: EC2Client, ids: readonly string[]) => Promise<readonly (string | undefined)[] | undefined>;
  /**
   * An instance EC2 no longer knows has reached the target already (terminate, launch's undo) and is not asked
   * for; otherwise it fails the move. @default false
   */
  readonly goneIsReached?: boolean;
}

/** An action that changes the state of instances and answers once they have reached it. */
export function stateChangeAction(clientFor: Ec2ClientFor, { target, change, goneIsReached = false }: StateChange): Action {
  return async (input, call) => {
    if (call.phase === 'poll') {
      const wait = readStateWait(call.poll);
      return checkStates(clientFor(wait.region), { ...wait, state: target });
    }
    const ids = targetIds(input);
    const region = regionOf(input);
    const client = clientFor(region);
    let states: readonly (string | undefined)[] | undefined;
    if (goneIsReached) {
      const { gone } = await checkOwnership(client, ids, call.context.project);
      const there = ids.filter((id) => !gone.includes(id));
      const answered = there.length > 0 ? await change(client, there) : [];
      const byId = new Map(there.map((id, i) => [id, answered?.[i]]));
      states = answered ? ids.map((id) => (gone.includes(id) ? target : byId.get(id))) : undefined;
    } else {
      await checkOwnedAndThere(client, ids, call.context.project);
      states = await change(client, ids);
    }
    // The answer may already show the target (start of a running instance, terminate of a terminated one).
    if (states && states.length === ids.length && states.every((state) => state === target)) {
      return instancesOutput(ids, target);
    }
    const known = states && states.length === ids.length ? states : undefined;
    const seen = known ? new Map(ids.map((id, i) => [id, known[i]])) : undefined;
    const waiting = known ? ids.filter((_, i) => known[i] !== target) : ids;
    return pollAgain(stateWait(ids, region, target), stateWords(waiting, target, seen));
  };
}

/** The states an API answer reports per instance, in the order of `ids`. */
export function statesInOrder(
  ids: readonly string[],
  changes: readonly { InstanceId?: string | undefined; CurrentState?: { Name?: string | undefined } | undefined }[] | undefined,
): (string | undefined)[] {
  const byId = new Map((changes ?? []).map((c) => [c.InstanceId, c.CurrentState?.Name]));
  return ids.map((id) => byId.get(id));
}

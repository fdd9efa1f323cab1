/**
 * Waiting for instances to reach a state without a Lambda sitting idle: look once, then either answer the output,
 * answer { poll: { after, state } } to be asked again, or fail when the state can no longer be reached (an instance
 * terminated while it was meant to come up).
 */
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { FailedError, InvalidError, type ProviderResult } from '../contract.ts';
import { hasErrorCode } from './errors.ts';
import { INSTANCE_STATES, POLL_SECONDS, describeAll, type InstanceStateName } from './instances.ts';

/** The poll state of an action waiting for instance states; handed back by the state machine as it is. */
export interface StateWait {
  readonly instanceIds: readonly string[];
  readonly region?: string;
  readonly state: InstanceStateName | 'status-ok';
}

export type Judgement = { readonly kind: 'reached' | 'waiting' } | { readonly kind: 'failed'; readonly reason: string };

/** States that count as having reached the target (an instance seen `stopped` has been `stopping`). */
const REACHED: Record<InstanceStateName, readonly string[]> = {
  pending: ['pending', 'running'],
  running: ['running'],
  stopping: ['stopping', 'stopped'],
  stopped: ['stopped'],
  'shutting-down': ['shutting-down', 'terminated'],
  terminated: ['terminated'],
};

const GOING_AWAY = ['shutting-down', 'terminated'];

/** Why an instance that was starting falls back to `stopped` (an older stop's reason, e.g. Server.ScheduledStop, is not one). */
const FAILED_START = ['Server.InsufficientInstanceCapacity', 'Server.InternalError'];

function stateReason(instance: Instance): string {
  return instance.StateReason?.Message ?? instance.StateReason?.Code ?? instance.StateTransitionReason ?? 'no reason given';
}

/**
 * Whether an instance has reached the target state, may still reach it, or never will: one going away never comes
 * up again, and one that fell back to `stopped` because it could not start (no capacity, an internal error) will not run.
 */
export function judgeState(instance: Instance, target: InstanceStateName): Judgement {
  const state = instance.State?.Name ?? '';
  if (REACHED[target].includes(state)) return { kind: 'reached' };
  const id = instance.InstanceId ?? 'instance';
  if (GOING_AWAY.includes(state) && !GOING_AWAY.includes(target)) {
    return { kind: 'failed', reason: `${id} is ${state} while waiting for ${target}: ${stateReason(instance)}` };
  }
  if (target === 'running' && state === 'stopped' && FAILED_START.includes(instance.StateReason?.Code ?? '')) {
    return { kind: 'failed', reason: `${id} stopped while waiting for running: ${stateReason(instance)}` };
  }
  return { kind: 'waiting' };
}

/** The outputs of an action on instances. */
export function instancesOutput(ids: readonly string[], state: string): ProviderResult {
  return { output: { instanceId: ids[0], instanceIds: [...ids], state } };
}

/** Ask again in POLL_SECONDS, saying what the action waits for (`waitingFor`, see ../contract.ts). */
export function pollAgain(state: unknown, waitingFor: string): ProviderResult {
  return { poll: { after: POLL_SECONDS, state, waitingFor } };
}

/** "i-1, i-2 to be running (now: i-1 pending, i-2 not listed yet)": what a wait for instance states waits for. */
export function stateWords(ids: readonly string[], target: string, seen?: ReadonlyMap<string, string | undefined>): string {
  const now = seen ? ` (now: ${ids.map((id) => `${id} ${seen.get(id) ?? 'not listed yet'}`).join(', ')})` : '';
  return `${ids.join(', ')} to be ${target}${now}`;
}

/** A StateWait, with no `region` key when the region is the Lambda's own. */
export function stateWait(
  instanceIds: readonly string[],
  region: string | undefined,
  state: StateWait['state'],
): StateWait {
  return region ? { instanceIds: [...instanceIds], region, state } : { instanceIds: [...instanceIds], state };
}

/** The poll state handed back by the state machine, checked. */
export function readStateWait(poll: unknown): StateWait {
  const p = poll as Partial<StateWait> | null | undefined;
  const idsOk = Array.isArray(p?.instanceIds) && p.instanceIds.length > 0 && p.instanceIds.every((id) => typeof id === 'string');
  const stateOk = p?.state === 'status-ok' || INSTANCE_STATES.includes(p?.state as InstanceStateName);
  const regionOk = p?.region === undefined || typeof p.region === 'string';
  if (!p || typeof p !== 'object' || !idsOk || !stateOk || !regionOk) {
    throw new InvalidError('the poll state must be { instanceIds, region?, state } as this action answered it');
  }
  return p as StateWait;
}

/**
 * The instances named, by id. With `goneIsReached` (waiting for `terminated`), an instance EC2 no longer knows
 * (InvalidInstanceID.NotFound) is left out of the map rather than failing the look.
 */
async function describeByIds(
  client: EC2Client,
  ids: readonly string[],
  goneIsReached: boolean,
): Promise<Map<string, Instance>> {
  const found = new Map<string, Instance>();
  try {
    for (const instance of await describeAll(client, { InstanceIds: [...ids] })) {
      if (instance.InstanceId) found.set(instance.InstanceId, instance);
    }
  } catch (error) {
    if (!goneIsReached || !hasErrorCode(error, 'InvalidInstanceID.NotFound')) throw error;
    // One unknown id fails the whole call: look at each alone to learn which ones are gone.
    if (ids.length > 1) {
      for (const id of ids) for (const [key, value] of await describeByIds(client, [id], true)) found.set(key, value);
    }
  }
  return found;
}

/** Looks at the instances once: output when all reached the state, poll when some are on their way, else Failed. */
export async function checkStates(client: EC2Client, wait: StateWait & { state: InstanceStateName }): Promise<ProviderResult> {
  const goneIsReached = wait.state === 'terminated' || wait.state === 'shutting-down';
  const found = await describeByIds(client, wait.instanceIds, goneIsReached);
  const failures: string[] = [];
  const waiting: string[] = [];
  for (const id of wait.instanceIds) {
    const instance = found.get(id);
    if (!instance) {
      if (!goneIsReached) waiting.push(id);
      continue;
    }
    const judgement = judgeState(instance, wait.state);
    if (judgement.kind === 'failed') failures.push(judgement.reason);
    else if (judgement.kind === 'waiting') waiting.push(id);
  }
  if (failures.length > 0) throw new FailedError(failures.join('; '));
  const seen = new Map(waiting.map((id) => [id, found.get(id)?.State?.Name]));
  return waiting.length > 0 ? pollAgain(wait, stateWords(waiting, wait.state, seen)) : instancesOutput(wait.instanceIds, wait.state);
}

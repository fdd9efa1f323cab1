/**
 * What every provider Lambda does around its actions: check the event, check the input against the catalog,
 * resolve secrets, call the action, log one structured line, and make sure that what leaves (result or error)
 * follows the contract and carries no secret.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SSMClient } from '@aws-sdk/client-ssm';
import { findAction, type ProviderName } from '#task/catalog';
import {
  FailedError,
  keepTail,
  MAX_ITEM_TEXT,
  InvalidError,
  ProviderError,
  type Phase,
  type ProviderContext,
  type ProviderEvent,
  type ProviderResult,
} from './contract.ts';
import { checkInput } from './inputs.ts';
import { SecretResolver, redact, redactValue } from './secrets.ts';

/** What an action receives besides its input. */
export interface ActionCall {
  readonly phase: Phase;
  /** With phase "poll": the state the action handed back last time. */
  readonly poll?: unknown;
  readonly context: ProviderContext;
  readonly logger: Logger;
}

/** One action of a provider: input already checked (defaults applied) and secrets resolved. */
export type Action = (input: Record<string, unknown>, call: ActionCall) => Promise<ProviderResult>;

export type ProviderActions = Readonly<Record<string, Action>>;

export interface ProviderDependencies {
  readonly logger?: Logger;
  readonly secrets?: SecretResolver;
}

const PHASES: readonly Phase[] = ['do', 'undo', 'poll'];

let sharedSsm: SSMClient | undefined;
const sharedSecrets = new SecretResolver(() => (sharedSsm ??= new SSMClient({})));

function checkEvent(event: unknown): ProviderEvent {
  const e = event as Partial<ProviderEvent> | null;
  const problems: string[] = [];
  if (!e || typeof e !== 'object') throw new InvalidError('the provider event must be an object');
  if (typeof e.action !== 'string') problems.push('action must be a string');
  if (!e.input || typeof e.input !== 'object' || Array.isArray(e.input)) problems.push('input must be an object');
  if (!PHASES.includes(e.phase as Phase)) problems.push(`phase must be one of ${PHASES.join(', ')}`);
  if (!e.context || typeof e.context !== 'object') problems.push('context must be an object');
  if (problems.length > 0) throw new InvalidError(`invalid provider event: ${problems.join('; ')}`);
  return e as ProviderEvent;
}

function checkResult(result: unknown): ProviderResult {
  const r = result as Record<string, unknown> | null;
  if (r && typeof r === 'object') {
    if (r.output && typeof r.output === 'object' && !Array.isArray(r.output)) return r as ProviderResult;
    const poll = r.poll as { after?: unknown } | undefined;
    if (poll && typeof poll === 'object' && typeof poll.after === 'number' && poll.after >= 0) return r as ProviderResult;
  }
  throw new FailedError('the action returned neither { output } nor { poll: { after, state } }');
}

/**
 * Inside `each`, every item's output stays in the execution state: long text fields are cut to their last
 * MAX_ITEM_TEXT characters, and an output that says whether it was cut (`truncated`) says so.
 */
export function cutForItem(result: ProviderResult): ProviderResult {
  if (!('output' in result)) return result;
  let cut = false;
  const output = Object.fromEntries(
    Object.entries(result.output).map(([field, value]) => {
      if (typeof value !== 'string') return [field, value];
      const tail = keepTail(value, MAX_ITEM_TEXT);
      cut ||= tail.truncated;
      return [field, tail.text];
    }),
  );
  if (cut && typeof output.truncated === 'boolean') output.truncated = true;
  return { output };
}

/** A Lambda handler for one provider, dispatching to its actions. */
export function createProviderHandler(
  provider: ProviderName,
  actions: ProviderActions,
  dependencies: ProviderDependencies = {},
): (event: ProviderEvent) => Promise<ProviderResult> {
  const logger = dependencies.logger ?? new Logger({ serviceName: `mastermind-${provider}` });
  const secrets = dependencies.secrets ?? sharedSecrets;

  return async (raw: ProviderEvent): Promise<ProviderResult> => {
    const started = Date.now();
    let secretValues: readonly string[] = [];
    const event = raw as Partial<ProviderEvent> | undefined;
    const keys = {
      provider,
      action: event?.action,
      phase: event?.phase,
      henchman: event?.context?.henchman,
      execution: event?.context?.execution,
      attempt: event?.context?.attempt,
    };
    try {
      const checked = checkEvent(raw);
      const spec = findAction(provider, checked.action);
      const run = Object.hasOwn(actions, checked.action) ? actions[checked.action] : undefined;
      if (!spec || !run) {
        throw new InvalidError(`${provider} has no action ${checked.action}: it has ${Object.keys(actions).join(', ')}`);
      }
      // An undo is fed the henchman's own output (launch → terminate gets instanceId, privateIp, ...): only the
      // fields the undo action takes are its input.
      const given =
        checked.phase === 'undo'
          ? Object.fromEntries(Object.entries(checked.input).filter(([name]) => Object.hasOwn(spec.input, name)))
          : checked.input;
      const input = checkInput(provider, checked.action, spec, given);
      const resolved = await secrets.resolve(input);
      secretValues = resolved.secrets;
      const result = checkResult(
        await run(resolved.value, { phase: checked.phase, poll: checked.poll, context: checked.context, logger }),
      );
      const clean = redactValue(checked.context.item === undefined ? result : cutForItem(result), secretValues);
      logger.info('move done', {
        ...keys,
        durationMs: Date.now() - started,
        outcome: 'poll' in clean ? 'poll' : 'output',
      });
      return clean;
    } catch (error) {
      const failure =
        error instanceof ProviderError
          ? error
          : new FailedError(error instanceof Error ? error.message : String(error));
      const message = redact(failure.message, secretValues);
      logger.warn('move failed', { ...keys, durationMs: Date.now() - started, error: failure.name, reason: message }); // "message" is reserved by Powertools
      const clean = new ProviderError(failure.name, message);
      throw clean;
    }
  };
}

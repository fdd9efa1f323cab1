/**
 * What every provider Lambda does around its actions: check the event, check the input against the catalog,
 * resolve the secrets at the places the compiler marked (and nowhere else: ./secrets.ts), call the action (handing it a logger that tags its lines with the move and redacts its secrets),
 * log one structured line, and make sure that what leaves (result or error) follows the contract and carries no secret.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SSMClient } from '@aws-sdk/client-ssm';
import { findAction, type ProviderName } from '#task/catalog';
import { cancelCheckFromEnv, cancelMessage, type CancelCheck } from '#service/cancels';
import {
  CancelledError,
  FailedError,
  keepTail,
  MAX_ITEM_TEXT,
  InvalidError,
  joinContext,
  markPath,
  ProviderError,
  settlePoll,
  settlePollError,
  settleAnswer,
  waitsInItsTask,
  PolledError,
  WaitingError,
  type Phase,
  type ProviderContext,
  type ProviderEvent,
  type ProviderResult,
  type WireSecretMark,
} from './contract.ts';
import { deadlineOf, type MoveDeadline } from './deadline.ts';
import { checkInput } from './inputs.ts';
import { completeOutput, resolveLate } from './late.ts';
import { secretLayoutFromEnv, type SecretLayout } from '#task/secret-layout';
import { SecretResolver, redact, redactValue } from './secrets.ts';

/** What an action receives besides its input. */
export interface ActionCall {
  readonly phase: Phase;
  /** With phase "poll": the state the action handed back last time. */
  readonly poll?: unknown;
  readonly context: ProviderContext;
  readonly logger: Logger;
  /** In phase do or undo of a move with a timeout (context.timeout): when its time is up (see ./deadline.ts). */
  readonly deadline?: MoveDeadline;
}

/** One action of a provider: input already checked (defaults applied) and secrets resolved. */
export type Action = (input: Record<string, unknown>, call: ActionCall) => Promise<ProviderResult>;

export type ProviderActions = Readonly<Record<string, Action>>;

export interface ProviderDependencies {
  readonly logger?: Logger;
  readonly secrets?: SecretResolver;
  /** Where each project's secrets lie; the stack's (MASTERMIND_SECRETS_PATH, ...) when left out. */
  readonly layout?: SecretLayout;
  /**
   * Looks up a cancel request before every do and poll (lambdas/service/cancels.ts); the table MASTERMIND_TABLE
   * names when left out, none when that is not set. `null`: never look.
   */
  readonly cancels?: CancelCheck | null;
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
  else if (typeof e.context.project !== 'string') problems.push('context.project must be a string');
  if (e.secrets !== undefined && !validMarks(e.secrets)) problems.push('secrets must be a list of { path, text }, paths or field names');
  if (e.late !== undefined && !validLateMarks(e.late)) problems.push('late must be a list of { path, text, at } or { path, join }');
  if (problems.length > 0) throw new InvalidError(`invalid provider event: ${problems.join('; ')}`);
  return e as ProviderEvent;
}

function validMarks(marks: unknown): marks is WireSecretMark[] {
  return (
    Array.isArray(marks) &&
    marks.every((m) => (typeof m === 'string' && m.length > 0) || validPath(m, false) || (m !== null && typeof m === 'object' && typeof m.text === 'string' && validPath(m.path, false)))
  );
}

function validPath(path: unknown, empty: boolean): boolean {
  return (
    Array.isArray(path) &&
    (empty || path.length > 0) &&
    path.every((k: unknown) => typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k) && k >= 0))
  );
}

function validLateMarks(marks: unknown): boolean {
  return (
    Array.isArray(marks) &&
    marks.every(
      (m) =>
        m !== null &&
        typeof m === 'object' &&
        validPath(m.path, false) &&
        (m.join === true || (typeof m.text === 'string' && validPath(m.at, false))),
    )
  );
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
 * Long text fields of an output cut to their last `max` characters; an output that says whether it was cut
 * (`truncated`) says so. The compiler sets the limit (context.maxText) when the task's moves together could fill
 * the execution state; inside `each` it is at most MAX_ITEM_TEXT, since every item's output stays in the state.
 */
export function cutText(result: ProviderResult, max: number): ProviderResult {
  if (!('output' in result)) return result;
  let cut = false;
  const output = Object.fromEntries(
    Object.entries(result.output).map(([field, value]) => {
      if (typeof value !== 'string') return [field, value];
      const tail = keepTail(value, max);
      cut ||= tail.truncated;
      return [field, tail.text];
    }),
  );
  if (cut && typeof output.truncated === 'boolean') output.truncated = true;
  return { output };
}

/**
 * The logger an action writes through: a child of the provider's logger whose every line carries the keys of the
 * move (provider, action, phase, henchman, execution, play, item), and whose every string (the message, attributes,
 * an error's message and stack) has the move's secret values replaced by ***.
 */
export function actionLoggerOf(logger: Logger, keys: Record<string, unknown>, secrets: readonly string[]): Logger {
  const persistentKeys = Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined));
  return logger.createChild({
    persistentKeys,
    jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? redact(value, secrets) : value),
  });
}

function textLimit(context: ProviderContext): number | undefined {
  const given = typeof context.maxText === 'number' && context.maxText > 0 ? context.maxText : undefined;
  if (context.item === undefined) return given;
  return Math.min(given ?? MAX_ITEM_TEXT, MAX_ITEM_TEXT);
}

/**
 * Throws Mastermind.Cancelled when a cancel request stands for the execution. A look that fails is logged and the
 * move played: the next move boundary looks again.
 */
async function refuseIfCancelled(cancels: CancelCheck, execution: string, logger: Logger, keys: Record<string, unknown>): Promise<void> {
  let request;
  try {
    request = await cancels(execution);
  } catch (error) {
    logger.warn('cancel look-up failed', { ...keys, reason: (error as Error).message });
    return;
  }
  if (request) throw new CancelledError(cancelMessage(request));
}

/**
 * The keys every log line of a move carries. `play` is how often the henchman has been played in the execution
 * (context.attempt: 1, then 2 after a retreat, ...), which a retry of the same Task state does not change: the
 * provider is not told which retry it is (the event is the same each time, and the local engine cannot hand over
 * Step Functions' $$.State.RetryCount), so the log says nothing it cannot know. A move's retries are the lines with
 * the same execution, henchman, play, item and phase; the execution's history counts them (a move's `attempts`).
 */
export function moveKeys(provider: ProviderName, event: Partial<ProviderEvent> | undefined): Record<string, unknown> {
  return {
    provider,
    action: event?.action,
    phase: event?.phase,
    henchman: event?.context?.henchman,
    execution: event?.context?.execution,
    play: event?.context?.attempt,
    ...(event?.context?.item !== undefined ? { item: event.context.item } : {}),
  };
}

/** A Lambda handler for one provider, dispatching to its actions. */
export function createProviderHandler(
  provider: ProviderName,
  actions: ProviderActions,
  dependencies: ProviderDependencies = {},
): (event: ProviderEvent) => Promise<ProviderResult> {
  const logger = dependencies.logger ?? new Logger({ serviceName: `mastermind-${provider}` });
  const secrets = dependencies.secrets ?? sharedSecrets;
  const layout = dependencies.layout ?? secretLayoutFromEnv();
  const cancels = dependencies.cancels === undefined ? cancelCheckFromEnv() : (dependencies.cancels ?? undefined);

  return async (sent: ProviderEvent): Promise<ProviderResult> => {
    const started = Date.now();
    let secretValues: readonly string[] = [];
    // The context comes in two parts (the execution's, the move's): one from here on.
    const inItsTask = waitsInItsTask(sent);
    const raw = joinContext(sent);
    const event = raw as Partial<ProviderEvent> | undefined;
    const keys = moveKeys(provider, event);
    try {
      const checked = checkEvent(raw);
      if (cancels && checked.phase !== 'undo') await refuseIfCancelled(cancels, checked.context.execution, logger, keys);
      const spec = findAction(provider, checked.action);
      const run = Object.hasOwn(actions, checked.action) ? actions[checked.action] : undefined;
      if (!spec || !run) {
        throw new InvalidError(`${provider} has no action ${checked.action}: it has ${Object.keys(actions).join(', ')}`);
      }
      // An undo is fed the henchman's own output (launch → terminate gets instanceId, privateIp, ...): only the
      // fields the undo action takes are its input.
      // References the state machine could not prove present are completed first: a missing one fails the move.
      const complete = resolveLate(checked.input, checked.late, checked.context.henchman);
      const given =
        checked.phase === 'undo'
          ? Object.fromEntries(Object.entries(complete).filter(([name]) => Object.hasOwn(spec.input, name)))
          : complete;
      const input = checkInput(provider, checked.action, spec, given);
      // Only the places the compiler marked hold secrets; an undo's marks follow the fields it keeps.
      const marks = (checked.secrets ?? []).filter((mark) => checked.phase !== 'undo' || Object.hasOwn(given, String(markPath(mark)[0])));
      const resolved = await secrets.resolve(input, marks, { project: checked.context.project, layout });
      secretValues = resolved.secrets;
      const actionLogger = actionLoggerOf(logger, keys, secretValues);
      const deadline = deadlineOf(checked.phase, checked.context, started);
      const call: ActionCall = { phase: checked.phase, poll: checked.poll, context: checked.context, logger: actionLogger, ...(deadline ? { deadline } : {}) };
      const answer = checkResult(await run(resolved.value, call));
      // Every output field the catalog lists is in the output: the compiler reads them without a guard.
      const result = 'output' in answer ? { output: completeOutput(answer.output, spec.output) } : answer;
      const limit = textLimit(checked.context);
      const clean = redactValue(limit === undefined ? result : cutText(result, limit), secretValues);
      const waiting = checked.phase === 'poll' && 'poll' in clean;
      logger.info('move done', {
        ...keys,
        durationMs: Date.now() - started,
        outcome: waiting ? 'waiting' : 'poll' in clean ? 'poll' : 'output',
        ...('poll' in clean && clean.poll.waitingFor !== undefined ? { waitingFor: clean.poll.waitingFor } : {}),
      });
      return settleAnswer(checked, settlePoll(checked.phase, clean), inItsTask);
    } catch (error) {
      if (error instanceof WaitingError || error instanceof PolledError) throw error;
      const failure =
        error instanceof ProviderError
          ? error
          : new FailedError(error instanceof Error ? error.message : String(error));
      const message = redact(failure.message, secretValues);
      const clean = new ProviderError(failure.name, message);
      const settled = settlePollError(keys.phase as Phase, clean);
      if (settled instanceof WaitingError) {
        logger.info('move done', { ...keys, durationMs: Date.now() - started, outcome: 'waiting', reason: message });
        throw settled;
      }
      logger.warn('move failed', { ...keys, durationMs: Date.now() - started, error: failure.name, reason: message }); // "message" is reserved by Powertools
      throw clean;
    }
  };
}

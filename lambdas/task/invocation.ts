/**
 * One provider invocation's budget, and the moves that need more: the one place that says how long a single
 * provider Lambda call may work, read by the compiler, validation and the providers alike.
 *
 * A Lambda runs 15 minutes at most ({@link LAMBDA_MAX_SECONDS}). A move may ask one invocation for
 * {@link INVOCATION_BUDGET_SECONDS} (14 minutes): the minute left over covers connecting, setting up and reporting.
 *
 * | the move                                              | how it is played                                   |
 * | ----------------------------------------------------- | -------------------------------------------------- |
 * | an action that waits for the world (catalog `polls`)  | a poll loop: every invocation is short             |
 * | a detachable action (catalog `detaches`: ssh run and  | attached (one invocation, one Task state) when its |
 * | script, chef bootstrap and converge) with `detach:    | limit fits the budget; else DETACHED: started on   |
 * | true`, or whose limit (the smaller of its `timeout`   | the host under its own watchdog, then polled       |
 * | input and the henchman's `timeout`) is beyond budget  | (phase poll) until it ends or its timeout kills it |
 * | any other action whose henchman `timeout` is beyond   | refused by validation (rules/invocation.ts)        |
 * | the budget; a fired move that would need detaching    |                                                    |
 *
 * Every provider Task state of a henchman with a timeout gets TimeoutSeconds = the move's limit (at most the
 * budget) + {@link DEADLINE_GRACE_SECONDS}: the provider ends the remote work at the limit and reports
 * Mastermind.Timeout within the grace, so its own end always comes before the state machine gives up.
 */
import { findAction } from './catalog.ts';
import type { ActionSpec, PollSpec } from './catalog.ts';
import { parseDuration } from './duration.ts';

/** The longest a Lambda function runs (AWS Lambda quotas). */
export const LAMBDA_MAX_SECONDS = 15 * 60;

/** What one provider invocation may spend on a move: 14 minutes, the rest of the Lambda's 15 kept as a margin. */
export const INVOCATION_BUDGET_SECONDS = 14 * 60;

/**
 * After a move's limit, how long the provider has to end the remote work (the host's watchdog kills the process
 * group at the limit; the provider then closes the channel or looks at the status file) and report it, before the
 * Task state's own TimeoutSeconds (or the poll loop's bound) ends the move.
 */
export const DEADLINE_GRACE_SECONDS = 30;

/** How a detached move is polled: a first look after 2 s (short commands end soon), then every 5 s. */
export const DETACHED_POLLS: PollSpec = { every: 5, firstWait: 2 };

/** A henchman as far as these decisions need it (a henchman, or an undo with its own input). */
export interface MoveShape {
  readonly provider: string;
  readonly action: string;
  readonly with?: Record<string, unknown>;
  /** The henchman's timeout (a duration), when it gives one. */
  readonly timeout?: string;
}

/** Seconds of a literal duration (e.g. "20m"); undefined for a reference or anything else. */
function literalSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.includes('${')) return undefined;
  const seconds = parseDuration(value);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

/** The action's `timeout` input as written (literal or the catalog default); undefined when it is a reference. */
function commandTimeoutSeconds(spec: ActionSpec, given: Record<string, unknown> | undefined): number | undefined {
  const written = given && Object.hasOwn(given, 'timeout') ? given.timeout : spec.input.timeout?.default;
  return literalSeconds(written);
}

/**
 * The seconds a move may take as the compiler knows it: the smaller of the henchman's timeout and the action's
 * literal `timeout` input (or its default). Undefined when neither is known.
 */
export function moveLimitSeconds(move: MoveShape): number | undefined {
  const spec = findAction(move.provider, move.action);
  const henchman = literalSeconds(move.timeout);
  const command = spec ? commandTimeoutSeconds(spec, move.with) : undefined;
  if (henchman === undefined) return command;
  return command === undefined ? henchman : Math.min(henchman, command);
}

export interface Detached {
  /** The move's limit in seconds: the watchdog on the host ends it then. */
  readonly limitSeconds: number;
  /** How the move is polled. */
  readonly polls: PollSpec;
}

/**
 * Whether the move runs detached on the host (and so compiles to a poll loop): a detachable action with
 * `detach: true`, or whose limit is beyond one invocation's budget. Undefined for a move played attached.
 */
export function detachedMove(move: MoveShape): Detached | undefined {
  const spec = findAction(move.provider, move.action);
  if (!spec?.detaches) return undefined;
  const limitSeconds = moveLimitSeconds(move);
  const forced = move.with?.detach === true;
  if (limitSeconds === undefined) return undefined;
  if (!forced && limitSeconds <= INVOCATION_BUDGET_SECONDS) return undefined;
  return { limitSeconds, polls: DETACHED_POLLS };
}

/** The TimeoutSeconds of one provider invocation for a move of that limit: the limit (at most the budget) + the grace. */
export function invocationTimeoutSeconds(limitSeconds: number): number {
  return Math.ceil(Math.min(limitSeconds, INVOCATION_BUDGET_SECONDS)) + DEADLINE_GRACE_SECONDS;
}

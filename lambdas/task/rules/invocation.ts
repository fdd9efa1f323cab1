/**
 * No move needs more than one provider invocation can give (../invocation.ts): a Lambda runs 15 minutes at most, and
 * one invocation may spend 14 of them on a move. Commands that may take longer (ssh run and script, chef bootstrap and
 * converge: catalog `detaches`) run detached on the host and are polled; everything else must fit. Code `beyond-invocation`:
 *
 * | the henchman                                                   | place             |
 * | -------------------------------------------------------------- | ----------------- |
 * | an action that neither waits nor runs detached (ssh upload,    | plot[i].timeout   |
 * | chef set-run-list, ...), henchman timeout beyond the budget    |                   |
 * | such an action (or its undo) with a `timeout` input beyond it  | plot[i].with.timeout, plot[i].undo.with.timeout |
 * | fired (fire: true) while its command would run detached        | plot[i].fire      |
 * | `detach` written as a reference                                | plot[i].with.detach |
 * | `detach: true` with neither a literal `timeout` input nor a    | plot[i].with.timeout |
 * | henchman timeout (the compiler cannot bound the polls)         |                   |
 */
import { findAction } from '../catalog.ts';
import type { ActionSpec } from '../catalog.ts';
import { parseDuration } from '../duration.ts';
import { taskError } from '../errors.ts';
import type { PlacePath, TaskError } from '../errors.ts';
import { detachedMove, INVOCATION_BUDGET_SECONDS, moveLimitSeconds } from '../invocation.ts';
import type { Henchman } from '../schema.ts';
import { actionOf } from './context.ts';
import type { Rule } from './context.ts';

const CODE = 'beyond-invocation';
const BUDGET = `${INVOCATION_BUDGET_SECONDS / 60}m`;
const WHY = `one provider invocation may spend at most ${BUDGET} on a move (a Lambda runs 15 minutes at most)`;

function beyondBudget(duration: unknown): boolean {
  if (typeof duration !== 'string' || duration.includes('${')) return false;
  const seconds = parseDuration(duration);
  return seconds !== undefined && seconds > INVOCATION_BUDGET_SECONDS;
}

/** A move of an action that must fit in one invocation: its `timeout` input, and the henchman's timeout. */
function mustFit(
  errors: TaskError[],
  h: Henchman,
  index: number,
  spec: ActionSpec,
  action: string,
  given: Record<string, unknown> | undefined,
  withPlace: PlacePath,
  what: string,
): void {
  if (spec.polls || spec.detaches) return;
  if (beyondBudget(h.timeout)) {
    errors.push(
      taskError(CODE, ['plot', index, 'timeout'], `henchman '${h.name}' has timeout ${h.timeout}, but ${what === `henchman '${h.name}'` ? `${h.provider} ${action}` : `its undo (${h.provider} ${action})`} runs in one provider invocation and ${WHY}: give a timeout of ${BUDGET} or less`),
    );
  }
  const timeout = given && Object.hasOwn(given, 'timeout') ? given.timeout : undefined;
  if (beyondBudget(timeout)) {
    errors.push(
      taskError(CODE, [...withPlace, 'timeout'], `the input 'timeout' of ${what} is ${String(timeout)}, but ${h.provider} ${action} runs in one provider invocation and ${WHY}: give ${BUDGET} or less`),
    );
  }
}

export const invocation: Rule = (task) => {
  const errors: TaskError[] = [];
  task.plot.forEach((h, index) => {
    const spec = actionOf(h);
    if (!spec) return;
    const withPlace = ['plot', index, 'with'];
    mustFit(errors, h, index, spec, h.action, h.with, withPlace, `henchman '${h.name}'`);
    if (typeof h.undo === 'object' && h.undo !== null) {
      const undo = findAction(h.provider, h.undo.action);
      if (undo) mustFit(errors, h, index, undo, h.undo.action, h.undo.with, ['plot', index, 'undo', 'with'], `the undo of henchman '${h.name}'`);
    }
    if (!spec.detaches) return;
    const detach = h.with?.detach;
    if (typeof detach === 'string') {
      errors.push(
        taskError(CODE, [...withPlace, 'detach'], `the input 'detach' of henchman '${h.name}' must be written true or false, not a reference: whether the move runs detached is decided when the task is compiled`),
      );
      return;
    }
    if (detach === true && moveLimitSeconds(h) === undefined) {
      errors.push(
        taskError(CODE, [...withPlace, 'timeout'], `henchman '${h.name}' runs detached (detach: true), but how long it may run is known only when it runs: write its timeout literally (e.g. 2h) or give the henchman a timeout, which bounds its polls`),
      );
      return;
    }
    const detached = detachedMove(h);
    if (detached && h.fire === true) {
      const reason = detach === true ? 'detach: true' : `it may run ${detached.limitSeconds}s, beyond the ${BUDGET} one provider invocation may spend`;
      const remedy = detach === true ? 'drop fire or detach' : `drop fire, or keep its timeout within ${BUDGET}`;
      errors.push(
        taskError(CODE, ['plot', index, 'fire'], `henchman '${h.name}' is fired (fire: true) but runs detached (${reason}): a detached move must be polled, and a fired move is never waited for; ${remedy}`),
      );
    }
  });
  return errors;
};

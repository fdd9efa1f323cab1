/**
 * The moves between henchmen: `next`, `onFailure.goto` and `onFailure.retreat` name henchmen of the task; a
 * retreat goes back (to this henchman or an earlier one); every henchman can be reached from the first.
 */
import { didYouMean, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

export const flowTargets: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  const names = [...ctx.henchmen.keys()];
  const unknown = (target: string, path: (string | number)[], what: string, extra = '') =>
    errors.push(taskError('unknown-target', path, `${what} '${target}', which is no henchman of this task${didYouMean(target, names)}${extra}`));
  task.plot.forEach((henchman, index) => {
    const who = `henchman '${henchman.name}'`;
    if (henchman.next !== undefined && henchman.next !== 'end' && !ctx.henchmen.has(henchman.next)) {
      unknown(henchman.next, ['plot', index, 'next'], `${who} advances to`, " (write 'end' to end the task)");
    }
    const onFailure = henchman.onFailure;
    if (onFailure !== undefined && typeof onFailure === 'object' && 'goto' in onFailure && !ctx.henchmen.has(onFailure.goto)) {
      unknown(onFailure.goto, ['plot', index, 'onFailure', 'goto'], `on failure, ${who} goes to`);
    }
    if (onFailure !== undefined && typeof onFailure === 'object' && 'retreat' in onFailure) {
      const target = ctx.henchmen.get(onFailure.retreat);
      if (!target) unknown(onFailure.retreat, ['plot', index, 'onFailure', 'retreat'], `on failure, ${who} retreats to`);
      else if (target.index > index) {
        errors.push(
          taskError(
            'retreat-forward',
            ['plot', index, 'onFailure', 'retreat'],
            `${who} retreats to '${onFailure.retreat}', which comes later in the plot: a retreat goes back to this henchman or an earlier one (use goto to jump forward)`,
          ),
        );
      }
    }
  });
  // With a target unknown, the moves are not known either: reachability is judged once they are.
  if (errors.some((e) => e.code === 'unknown-target')) return errors;
  const live = ctx.flow.reachable();
  for (const [name, { index }] of ctx.henchmen) {
    if (!live.has(name) && name !== '') {
      errors.push(
        taskError('unreachable-henchman', ['plot', index], `henchman '${name}' can never run: no move leads to it (the one before it ends the task or jumps elsewhere, and no next, goto or retreat names it)`),
      );
    }
  }
  return errors;
};

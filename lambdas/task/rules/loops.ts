/**
 * Loops are bounded: a cycle of advance / next / goto / continue moves never has to end, since only retreats
 * carry a bound (`times`). Each backward next or goto that closes such a cycle is reported.
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Rule } from './context.ts';

export const boundedLoops: Rule = (_task, ctx) => {
  const errors: TaskError[] = [];
  for (const loop of ctx.flow.unboundedLoops()) {
    const members = new Set(loop);
    const order = (n: string) => ctx.henchmen.get(n)?.index ?? 0;
    const back = ctx.flow.edges.filter(
      (e) => members.has(e.from) && members.has(e.to) && (e.kind === 'next' || e.kind === 'goto') && order(e.to) <= order(e.from),
    );
    const cycle = [...loop, loop[0]].map((n) => `'${n}'`).join(' → ');
    for (const edge of back) {
      const path = edge.kind === 'next' ? ['plot', order(edge.from), 'next'] : ['plot', order(edge.from), 'onFailure', 'goto'];
      const what = edge.kind === 'next' ? `the next from '${edge.from}'` : `the goto on failure of '${edge.from}'`;
      errors.push(
        taskError(
          'unbounded-loop',
          path,
          `${what} back to '${edge.to}' makes a loop (${cycle}) that nothing bounds: every loop must go through a retreat with times`,
        ),
      );
    }
  }
  return errors;
};

/** Long tasks for the dashboard's layout tests and its bench. */
import type { Task } from '#task/schema';
import { checkTask } from '#task/validate';

/** The YAML of a task of `n` ssh henchmen: every fourth with an undo, retreats, gotos and continues spread along it. */
export function longTaskSource(n: number, name = `long-${n}`): string {
  const step = (i: number) => `step-${String(i).padStart(3, '0')}`;
  const host = 'with: { host: web-1, user: ops, key: "${secret:/mastermind/default/k}", command: "true" }';
  const lines = [`task: ${name}`, 'plot:'];
  for (let i = 0; i < n; i++) {
    lines.push(`  - name: ${step(i)}`, '    provider: ssh', '    action: run', `    ${host}`);
    if (i % 4 === 1) lines.push(`    undo: { action: run, ${host} }`);
    if (i % 10 === 5) lines.push(`    onFailure: { retreat: ${step(i - 4)}, times: 1 }`);
    else if (i % 10 === 8 && i + 2 < n) lines.push(`    onFailure: { goto: ${step(i + 2)} }`);
    else if (i % 10 === 9) lines.push('    onFailure: continue');
  }
  return `${lines.join('\n')}\n`;
}

/** The task of {@link longTaskSource}, validated. */
export function longTask(n: number): Task {
  const { task, errors } = checkTask(longTaskSource(n));
  if (!task) throw new Error(JSON.stringify(errors.slice(0, 3)));
  return task;
}

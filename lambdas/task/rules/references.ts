/**
 * References: each `${...}` in a henchman's inputs, `each`, undo inputs and expect values is well written and
 * names something that exists: a param, a project setting, an execution field (id, name, startTime), a
 * trigger field (lambdas/task/trigger.ts; `body.*` reaches into a hook's body), `${item}` inside an `each` henchman, or a henchman and one of its output fields (for an
 * `each` henchman, the list of its per-item outputs). A `fire` henchman has no output to refer to.
 */
import { PROJECT_SETTING_NAMES } from '../catalog.ts';
import { TRIGGER_FIELDS } from '../trigger.ts';
import { didYouMean, listWords, taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import type { Reference } from '../references.ts';
import { actionOf, EXECUTION_FIELDS, stringSites } from './context.ts';
import type { Rule, RuleContext, StringSite } from './context.ts';

const ROOTS = ['params', 'project', 'execution', 'trigger', 'item'];

export const references: Rule = (task, ctx) => {
  const errors: TaskError[] = [];
  for (const site of stringSites(task)) {
    if (site.parsed.errors.length === 0 && site.parsed.parts.every((part) => typeof part === 'string')) continue; // plain text
    const who = `henchman '${site.henchman.name}'`;
    for (const error of site.parsed.errors) {
      errors.push(taskError('reference-syntax', site.path, `${who} has a broken reference: ${error.message}`));
    }
    for (const part of site.parsed.parts) {
      if (typeof part === 'string') continue;
      const problem = referenceProblem(part, site, ctx);
      if (problem) errors.push(taskError(problem.code, site.path, `${who} refers to ${part.text}, but ${problem.message}`));
    }
  }
  return errors;
};

function referenceProblem(reference: Reference, site: StringSite, ctx: RuleContext): { code: string; message: string } | undefined {
  const [first] = reference.path;
  switch (reference.root) {
    case 'params': {
      const names = Object.keys(ctx.task.params ?? {});
      if (typeof first === 'string' && names.includes(first)) return undefined;
      if (names.length === 0) return { code: 'unknown-param', message: 'the task declares no params' };
      const what = typeof first === 'string' ? `there is no param '${first}'${didYouMean(first, names)}` : 'it names no param';
      return { code: 'unknown-param', message: `${what}; the params are ${listWords(names, 'and')}` };
    }
    case 'project': {
      if (typeof first === 'string' && (PROJECT_SETTING_NAMES as readonly string[]).includes(first) && reference.path.length === 1) return undefined;
      const what = typeof first === 'string' ? `there is no project setting '${first}'${didYouMean(first, PROJECT_SETTING_NAMES)}` : 'it names no project setting';
      return { code: 'unknown-project-setting', message: `${what}; the settings are ${listWords(PROJECT_SETTING_NAMES, 'and')}` };
    }
    case 'execution': {
      if (typeof first === 'string' && (EXECUTION_FIELDS as readonly string[]).includes(first) && reference.path.length === 1) return undefined;
      return { code: 'unknown-execution-field', message: `an execution has only the fields ${listWords(EXECUTION_FIELDS, 'and')}` };
    }
    case 'trigger': {
      if (typeof first === 'string' && (TRIGGER_FIELDS as readonly string[]).includes(first) && (first === 'body' || reference.path.length === 1)) return undefined;
      const what = typeof first === 'string' ? `a trigger has no field '${first}'${didYouMean(first, TRIGGER_FIELDS)}` : 'it names no trigger field';
      return { code: 'unknown-trigger-field', message: `${what}; its fields are ${listWords(TRIGGER_FIELDS, 'and')}` };
    }
    case 'item': {
      if (site.henchman.each !== undefined && site.area !== 'each') return undefined;
      return { code: 'item-outside-each', message: '${item} stands for the current item only in a henchman with `each`' };
    }
    case 'henchman':
      return henchmanProblem(reference, ctx);
    default:
      return undefined;
  }
}

function henchmanProblem(reference: Reference, ctx: RuleContext): { code: string; message: string } | undefined {
  const name = reference.henchman ?? '';
  const target = ctx.henchmen.get(name)?.henchman;
  if (!target) {
    const candidates = [...ctx.henchmen.keys(), ...ROOTS];
    return {
      code: 'unknown-reference',
      message: `'${name}' is no henchman of this task${didYouMean(name, candidates)}, nor params, project, execution, trigger or item`,
    };
  }
  if (target.fire === true) {
    return { code: 'output-of-fire', message: `'${name}' is fired (fire: true): nothing waits for its result, so it has no output to refer to` };
  }
  const action = actionOf(target);
  if (!action) return undefined; // its provider or action is unknown: reported there
  let path = reference.path;
  if (target.each !== undefined) {
    if (path.length === 0) return undefined;
    if (typeof path[0] !== 'number') {
      return {
        code: 'unknown-output',
        message: `'${name}' plays once per item (each), so its output is a list: write \${${name}} for the whole list or \${${name}[0].${String(path[0])}} for one item`,
      };
    }
    path = path.slice(1);
  }
  if (path.length === 0) return undefined;
  const field = path[0];
  if (typeof field === 'string' && Object.hasOwn(action.output, field)) return undefined;
  const outputs = Object.keys(action.output);
  return {
    code: 'unknown-output',
    message: `${target.provider} ${target.action} has no output '${String(field)}'${typeof field === 'string' ? didYouMean(field, outputs) : ''}; its outputs are ${listWords(outputs, 'and')}`,
  };
}

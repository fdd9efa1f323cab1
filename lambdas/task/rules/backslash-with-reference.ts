/**
 * Text that the compiler joins at run time goes through `States.Format` (a string holding references) or
 * `States.Array` (a list holding references), whose literal parts are intrinsic-function strings. A backslash there
 * has no form that every engine reads alike: Step Functions wants it written `\\`, asl-validator refuses `\\`, and the
 * local engine drops backslashes from what States.Format makes. So a backslash may not stand in such text; it is
 * fine anywhere else (a literal string, a shell command, whose values travel apart, a param's value or default).
 *
 *   path: 'C:\temp'                                  fine (no reference)
 *   command: grep -E '\d+' ${params.log}              fine (shell field)
 *   label: 'web\${params.n}'                          backslash-with-reference
 *   names: ['a\b', '${params.n}']                    backslash-with-reference (the list is built at run time)
 */
import { taskError } from '../errors.ts';
import type { TaskError } from '../errors.ts';
import { stringSites } from './context.ts';
import type { Rule, StringSite } from './context.ts';

const ADVICE =
  'a backslash cannot stand in text that is joined with a run-time reference (Step Functions\' States.Format and States.Array read it differently from asl-validator and the local engine): put that text in a param, or in a shell command, whose values travel apart';

function literalHasBackslash(site: StringSite): boolean {
  return site.parsed.parts.some((part) => typeof part === 'string' && part.includes('\\'));
}

function runtimeReferences(site: StringSite): number {
  return site.parsed.parts.filter((part) => typeof part !== 'string' && part.root !== 'secret' && part.root !== 'project').length;
}

export const backslashWithReference: Rule = (task) => {
  const errors: TaskError[] = [];
  const sites = stringSites(task).filter((site) => (site.area === 'with' || site.area === 'undo') && site.parsed.errors.length === 0);
  // Lists (by their path) that hold a run-time reference: compiled to States.Array, every item an intrinsic argument.
  const dynamicLists = new Set<string>();
  for (const site of sites) {
    if (runtimeReferences(site) > 0 && typeof site.path[site.path.length - 1] === 'number') dynamicLists.add(site.path.slice(0, -1).join('\u0000'));
  }
  for (const site of sites) {
    if (!literalHasBackslash(site)) continue;
    const fieldItself = site.path.length === (site.area === 'with' ? 4 : 5);
    if (site.input?.field?.shell === true && fieldItself) continue;
    const joined = runtimeReferences(site) > 0;
    const inDynamicList = typeof site.path[site.path.length - 1] === 'number' && dynamicLists.has(site.path.slice(0, -1).join('\u0000'));
    if (joined || inDynamicList) errors.push(taskError('backslash-with-reference', site.path, ADVICE));
  }
  return errors;
};

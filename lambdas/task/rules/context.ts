/**
 * What every validation rule is handed: the task (its shape already checked by the schema), the project
 * settings when known, the flow graph, and helpers to look henchmen, actions and references up.
 */
import { catalog, findAction, inputField, PROJECT_SETTING_NAMES } from '../catalog.ts';
import type { ActionSpec, FieldType, InputField, ProjectSettings } from '../catalog.ts';
import type { TaskError } from '../errors.ts';
import { flowOf } from '../flow.ts';
import type { Flow } from '../flow.ts';
import { parseTemplate, templatesOf, walkStrings, wholeReference } from '../references.ts';
import type { ParsedTemplate, Reference } from '../references.ts';
import type { Henchman, ParamType, Task } from '../schema.ts';
import { DEFAULT_SECRET_LAYOUT } from '../secret-layout.ts';
import type { SecretLayout } from '../secret-layout.ts';

export interface RuleContext {
  readonly task: Task;
  /** The project's settings; undefined when not known (then project-setting inputs are not reported missing). */
  readonly project?: ProjectSettings;
  readonly flow: Flow;
  /** Henchmen by name (the first of duplicates). */
  readonly henchmen: ReadonlyMap<string, { henchman: Henchman; index: number }>;
  /** parseTemplate, each string parsed once for the task (see templatesOf). */
  readonly template: (text: string) => ParsedTemplate;
  /** The project the task runs in: the one it is saved in, else its `project`, else "default". */
  readonly projectName: string;
  /** Where the project's secrets may lie (../secret-layout.ts). */
  readonly secretLayout: SecretLayout;
}

/** What a rule context may be told besides the task. */
export interface ContextOptions {
  readonly projectName?: string;
  readonly secretLayout?: SecretLayout;
}

export type Rule = (task: Task, ctx: RuleContext) => TaskError[];

export function makeContext(task: Task, project?: ProjectSettings, options: ContextOptions = {}): RuleContext {
  const henchmen = new Map<string, { henchman: Henchman; index: number }>();
  task.plot.forEach((henchman, index) => {
    if (!henchmen.has(henchman.name)) henchmen.set(henchman.name, { henchman, index });
  });
  return {
    task,
    project,
    flow: flowOf(task),
    henchmen,
    template: templatesOf(task),
    projectName: options.projectName ?? (typeof task.project === 'string' ? task.project : 'default'),
    secretLayout: options.secretLayout ?? DEFAULT_SECRET_LAYOUT,
  };
}

/** The henchman's action in the catalog, when provider and action exist. */
export function actionOf(henchman: Henchman): ActionSpec | undefined {
  return findAction(henchman.provider, henchman.action);
}

/** The type of a value as far as the validator knows it: a catalog type, a list of unknown items, or unknown. */
export type ValueType = FieldType | 'list' | 'unknown';

const PARAM_TYPES: Record<ParamType, ValueType> = {
  string: 'string',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  list: 'list',
  map: 'map',
};

export const EXECUTION_FIELDS = ['id', 'name', 'startTime'] as const;

/** The input field a project setting fills, for its type. */
function projectSettingType(setting: string): ValueType {
  for (const provider of Object.values(catalog)) {
    for (const action of Object.values(provider.actions)) {
      const field = action.input[setting];
      if (field?.projectSetting) return field.type;
    }
  }
  return 'unknown';
}

export function isProjectSetting(name: string): boolean {
  return (PROJECT_SETTING_NAMES as readonly string[]).includes(name);
}

export function elementType(type: ValueType): ValueType | undefined {
  if (type === 'string[]') return 'string';
  if (type === 'integer[]') return 'integer';
  if (type === 'object[]') return 'object';
  if (type === 'list' || type === 'unknown') return 'unknown';
  return undefined;
}

/**
 * The type of the value a reference stands for, where it is known. `at` is the henchman holding the
 * reference (for `${item}`: the element type of its `each` list).
 */
export function referenceType(reference: Reference, ctx: RuleContext, at?: Henchman, seen = new Set<Henchman>()): ValueType {
  const [first, ...rest] = reference.path;
  switch (reference.root) {
    case 'secret':
      return 'string';
    case 'params': {
      const param = typeof first === 'string' && ctx.task.params && Object.hasOwn(ctx.task.params, first) ? ctx.task.params[first] : undefined;
      if (!param || rest.length > 0) return 'unknown';
      return PARAM_TYPES[param.type] ?? 'unknown';
    }
    case 'project':
      return typeof first === 'string' && rest.length === 0 && isProjectSetting(first) ? projectSettingType(first) : 'unknown';
    case 'execution':
      return reference.path.length === 1 ? 'string' : 'unknown';
    case 'trigger':
      return 'unknown';
    case 'item': {
      if (!at?.each || seen.has(at)) return 'unknown';
      seen.add(at);
      const list = wholeReference(ctx.template(at.each));
      if (!list || list.root === 'item') return 'unknown';
      const type = elementType(referenceType(list, ctx, at, seen)) ?? 'unknown';
      return reference.path.length === 0 ? type : 'unknown';
    }
    case 'henchman': {
      const target = ctx.henchmen.get(reference.henchman ?? '')?.henchman;
      const action = target ? actionOf(target) : undefined;
      if (!target || !action) return 'unknown';
      let path = reference.path;
      if (target.each !== undefined) {
        if (path.length === 0) return 'object[]';
        if (typeof path[0] !== 'number') return 'unknown';
        path = path.slice(1);
      }
      if (path.length === 0) return 'object';
      const field = typeof path[0] === 'string' && Object.hasOwn(action.output, path[0]) ? action.output[path[0]] : undefined;
      if (!field) return 'unknown';
      if (path.length === 1) return field.type;
      if (path.length === 2 && typeof path[1] === 'number') return elementType(field.type) ?? 'unknown';
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** The reference when the string is exactly one reference, else undefined. */
export function wholeReferenceIn(text: string, ctx?: RuleContext): Reference | undefined {
  return wholeReference(ctx ? ctx.template(text) : parseTemplate(text));
}

/** Where in a henchman a string stands: its inputs, its `each`, its undo's inputs, or its expect values. */
export type SiteArea = 'with' | 'each' | 'undo' | 'expect';

export interface StringSite {
  readonly text: string;
  readonly parsed: ParsedTemplate;
  readonly path: (string | number)[];
  readonly henchman: Henchman;
  readonly index: number;
  readonly area: SiteArea;
  /** For `with` and `undo`: the input field the string is (inside of), with its name. */
  readonly input?: { name: string; field?: InputField; action?: ActionSpec };
}

const sitesOf = new WeakMap<Task, readonly StringSite[]>();

/**
 * Every string of every henchman where references are read: with, each, undo.with and expect values. Several
 * rules read them; they are found and parsed once per task.
 */
export function stringSites(task: Task): readonly StringSite[] {
  const known = sitesOf.get(task);
  if (known) return known;
  const sites: StringSite[] = [];
  const template = templatesOf(task);
  // Plain loops and one shared helper: this runs for every string of every henchman.
  for (let index = 0; index < task.plot.length; index += 1) {
    const henchman = task.plot[index]!;
    const at = { henchman, index };
    const action = actionOf(henchman);
    const given = henchman.with ?? {};
    for (const name of Object.keys(given)) {
      addSites(sites, template, at, 'with', given[name], ['plot', index, 'with', name], { name, field: inputField(action, name), action });
    }
    if (henchman.each !== undefined) addSites(sites, template, at, 'each', henchman.each, ['plot', index, 'each']);
    if (henchman.undo !== undefined && typeof henchman.undo === 'object') {
      const undoAction = findAction(henchman.provider, henchman.undo.action);
      const undoGiven = henchman.undo.with ?? {};
      for (const name of Object.keys(undoGiven)) {
        addSites(sites, template, at, 'undo', undoGiven[name], ['plot', index, 'undo', 'with', name], { name, field: inputField(undoAction, name), action: undoAction });
      }
    }
    if (henchman.expect !== undefined) {
      const expected = henchman.expect;
      if (Array.isArray(expected)) addSites(sites, template, at, 'expect', expected, ['plot', index, 'expect']);
      else for (const field of Object.keys(expected)) addSites(sites, template, at, 'expect', expected[field], ['plot', index, 'expect', field]);
    }
  }
  sitesOf.set(task, sites);
  return sites;
}

/** Adds the sites of the strings in `value` (a string, or a list or map holding some) at `path`. */
function addSites(
  sites: StringSite[],
  template: (text: string) => ParsedTemplate,
  at: { henchman: Henchman; index: number },
  area: SiteArea,
  value: unknown,
  path: (string | number)[],
  input?: StringSite['input'],
): void {
  // A string value (most of them) is its own site: no walk needed.
  if (typeof value === 'string') {
    sites.push({ text: value, parsed: template(value), path, henchman: at.henchman, index: at.index, area, input });
    return;
  }
  walkStrings(value, path, (text, place) =>
    sites.push({ text, parsed: template(text), path: place, henchman: at.henchman, index: at.index, area, input }),
  );
}

/** True when the input field is given literally or by reference, or filled by the project settings. */
export function inputGiven(name: string, given: Record<string, unknown> | undefined, field: InputField, project?: ProjectSettings): boolean {
  if (given && Object.hasOwn(given, name) && given[name] !== undefined && given[name] !== null) return true;
  if (field.projectSetting && project && isProjectSetting(name)) {
    const setting = (project as Record<string, unknown>)[name];
    return setting !== undefined && setting !== null;
  }
  return false;
}

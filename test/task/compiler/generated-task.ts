/**
 * Generated valid tasks for the compiler's property tests: any action of the catalog, with references,
 * shell fields, secrets, expect, undo, retry, timeout, each, fire, next and every kind of onFailure.
 *
 * Each draft is turned into a task that obeys the validator's rules by construction:
 * - every required input is given (project-setting inputs may be left to PROJECT), exactly one field of each
 *   oneOf group, optional inputs sometimes, each with a value of its catalog type;
 * - secret inputs are whole references (`${secret:...}` or `${project.<setting>}`), and only they hold secrets;
 * - shell inputs hold no single quotes and no `{{`;
 * - a reference to a henchman's output names an earlier henchman that completed on every path (neither
 *   `each` nor `fire`, leaving by no goto nor continue, jumped over by no next or goto) and one of its output fields;
 *   a whole-value reference only to a text output, text with references only to single-value outputs;
 * - expect names the action's own outputs, with conditions the rehearsal's plausible outputs
 *   ("<henchman>-<field>", 0, false: lambdas/engine/rehearsal.ts) meet;
 * - goto jumps forward, retreat goes to this henchman or an earlier one, next skips a henchman only when a
 *   goto still reaches it; fire comes without expect, undo, retry and each;
 * - the worst case of its history fits Step Functions' 25,000 events (withinHistoryBudget).
 */
import fc from 'fast-check';
import { catalog, PROVIDER_NAMES } from '#task/catalog';
import type { ActionSpec, FieldType, InputField, ProjectSettings, ProviderName } from '#task/catalog';
import { HISTORY_EVENT_LIMIT, historyWorstCase } from '#task/rules/history';
import type { Condition, Task } from '#task/schema';

/** The project settings the generated tasks are validated and compiled with. */
export const PROJECT: ProjectSettings = {
  region: 'eu-west-1',
  user: 'ubuntu',
  key: '${secret:/mastermind/default/ssh-key}',
  chefServerUrl: 'https://chef.example.com/organizations/acme',
  chefClientName: 'mastermind',
  chefClientKey: '${secret:/mastermind/default/chef-key}',
};

const ACTIONS: readonly { provider: ProviderName; action: string; spec: ActionSpec }[] = PROVIDER_NAMES.flatMap((provider) =>
  Object.entries(catalog[provider].actions).map(([action, spec]) => ({ provider, action, spec })),
);

type ValueKind = 'literal' | 'param' | 'output' | 'format';

export interface Draft {
  action: number;
  /** Choices the builder consumes in turn, over and over: what kind of value, and which one. */
  choices: { kind: ValueKind; pick: number }[];
  /** Bits: which optional inputs are given, and which project-setting inputs are given in the task. */
  optional: number;
  undo: boolean;
  expect: 0 | 1 | 2;
  onFailure: { kind: 'abort' | 'continue' | 'goto' | 'retreat'; pick: number; times: number };
  retry: boolean;
  timeout: boolean;
  each: boolean;
  fire: boolean;
  next: boolean;
}

/** True once in `n` draws: for features that take a henchman's output out of reach of the ones after it. */
function oneIn(n: number): fc.Arbitrary<boolean> {
  return fc.nat(n - 1).map((k) => k === 0);
}

export const draftArbitrary: fc.Arbitrary<Draft> = fc.record({
  action: fc.nat(ACTIONS.length - 1),
  choices: fc.array(fc.record({ kind: fc.constantFrom<ValueKind>('literal', 'param', 'output', 'output', 'format', 'format'), pick: fc.nat(1000) }), {
    minLength: 6,
    maxLength: 6,
  }),
  optional: fc.nat(0xffff),
  undo: fc.boolean(),
  expect: fc.constantFrom(0, 1, 2),
  // abort and retreat more often: a henchman that may continue or go to leaves no output to refer to.
  onFailure: fc.record({ kind: fc.constantFrom('abort', 'abort', 'retreat', 'retreat', 'continue', 'goto'), pick: fc.nat(100), times: fc.integer({ min: 1, max: 3 }) }),
  retry: fc.boolean(),
  timeout: fc.boolean(),
  each: oneIn(4),
  fire: oneIn(4),
  next: fc.boolean(),
});

/** Drafts of a plot (1 to 6 henchmen) and whether the task rolls back. */
export const taskArbitrary = fc
  .tuple(fc.array(draftArbitrary, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([drafts, rollback]) => buildTask(drafts, rollback));

const SINGLE_VALUES: readonly FieldType[] = ['string', 'integer', 'number', 'boolean', 'duration'];

/** The flow of the plot: each henchman's goto / retreat target (index), its next (index) and its flags. */
interface Shape {
  each: boolean;
  fire: boolean;
  goto?: number;
  retreat?: { to: number; times: number };
  continue: boolean;
  next?: number;
}

function shapesOf(drafts: readonly Draft[]): Shape[] {
  const n = drafts.length;
  const shapes: Shape[] = drafts.map((d, i) => {
    const each = d.each;
    const fire = d.fire && !d.each;
    const f = d.onFailure;
    return {
      each,
      fire,
      continue: f.kind === 'continue',
      ...(f.kind === 'goto' && i + 1 < n ? { goto: i + 1 + (f.pick % (n - i - 1)) } : {}),
      ...(f.kind === 'retreat' ? { retreat: { to: f.pick % (i + 1), times: f.times } } : {}),
    };
  });
  // A next that skips henchman i + 1 is kept only when a goto of a reachable henchman still leads there.
  const reachable = new Set<number>([0]);
  for (let i = 0; i < n; i++) {
    if (!reachable.has(i)) continue;
    const s = shapes[i]!;
    const gotoReaches = (k: number) => [...reachable].some((m) => m <= i && shapes[m]!.goto === k);
    if (drafts[i]!.next && i + 2 < n && gotoReaches(i + 1)) s.next = i + 2;
    reachable.add(s.next ?? i + 1);
    if (s.goto !== undefined) reachable.add(s.goto);
  }
  return shapes;
}

/** Whether henchman j has completed on every path to henchman i (a conservative test). */
function completedBefore(shapes: readonly Shape[], j: number, i: number): boolean {
  if (j >= i || shapes[j]!.each || shapes[j]!.fire || shapes[j]!.continue || shapes[j]!.goto !== undefined) return false;
  return shapes.slice(0, j).every((s) => (s.next ?? 0) <= j && (s.goto ?? 0) <= j);
}

function outputsOf(index: number, drafts: readonly Draft[]): [string, FieldType][] {
  return Object.entries(ACTIONS[drafts[index]!.action]!.spec.output).map(([field, f]) => [field, f.type]);
}

/** The rehearsal's answer for a single-value output field (lambdas/engine/rehearsal.ts, plausibleOutput). */
function plausible(henchman: string, field: string, type: FieldType): unknown {
  if (type === 'integer' || type === 'number') return 0;
  if (type === 'boolean') return false;
  return `${henchman}-${field}`;
}

/** A condition the rehearsal's answer for an output field meets (lambdas/engine/rehearsal.ts, plausibleOutput). */
function expectation(henchman: string, field: string, type: FieldType, pick: number): Condition {
  switch (type) {
    case 'string':
    case 'duration':
      return pick % 2 === 0 ? { field, matches: `*-${field}` } : { field, equals: `${henchman}-${field}` };
    case 'integer':
    case 'number':
      return pick % 2 === 0 ? { field, lessThan: 1 } : { field, greaterThanOrEquals: 0 };
    case 'boolean':
      return { field, equals: false };
    default:
      return { field, exists: true };
  }
}

export function buildTask(drafts: readonly Draft[], rollback: boolean): unknown {
  const names = drafts.map((_, i) => `h${i}`);
  const shapes = shapesOf(drafts);
  const plot = drafts.map((d, i) => {
    const { provider, action, spec } = ACTIONS[d.action]!;
    const shape = shapes[i]!;
    const name = names[i]!;
    let turn = 0;
    const choose = () => d.choices[turn++ % d.choices.length]!;
    let itemUsed = false;
    const sources = drafts.map((_, j) => j).filter((j) => completedBefore(shapes, j, i));
    const reference = (pick: number, types: readonly FieldType[]): string | undefined => {
      const candidates = sources.flatMap((j) => outputsOf(j, drafts).filter(([, t]) => types.includes(t)).map(([field]) => `\${${names[j]}.${field}}`));
      return candidates.length > 0 ? candidates[pick % candidates.length] : undefined;
    };
    /** A text value; the first one of an `each` henchman is its item. */
    const text = (field: string, shell = false): string => {
      if (shape.each && !itemUsed) {
        itemUsed = true;
        return '${item}';
      }
      const { kind, pick } = choose();
      const single = reference(pick, SINGLE_VALUES) ?? '${execution.name}';
      switch (kind) {
        case 'literal':
          return shell ? `${field}-{${pick}}` : `${field}-{${pick}}'s \\ $\${x}`;
        case 'param':
          return '${params.name}';
        case 'output':
          return reference(pick, ['string']) ?? '${params.name}';
        case 'format':
          return `x-${single}-\${params.name}-\${execution.id}`;
      }
    };
    const value = (field: string, input: InputField): unknown => {
      if (input.secret) return input.projectSetting && choose().pick % 2 === 0 ? `\${project.${field}}` : `\${secret:/mastermind/default/${field}}`;
      if (input.shell) return `run ${text(field, true)} \${raw:params.name} --then "${text(field, true)}"`;
      if (input.enum) return input.enum[choose().pick % input.enum.length];
      switch (input.type) {
        case 'string':
          return text(field);
        case 'duration':
          return '90s';
        case 'integer':
        case 'number':
          return 22;
        case 'boolean':
          // A fired move is never polled, so it cannot run detached (rules/invocation.ts).
          return !(field === 'detach' && shape.fire);
        case 'string[]':
          return [text(field), 'literal'];
        case 'integer[]':
          return [0, 2];
        case 'map':
          return { role: text(field), team: 'ops' };
        case 'object':
          return { note: text(field) };
        case 'object[]':
          return [{ note: text(field) }];
      }
    };
    const oneOf = (spec.oneOf ?? []).map((group) => group[choose().pick % group.length]!);
    const inGroup = (field: string) => (spec.oneOf ?? []).some((group) => group.includes(field));
    const given: Record<string, unknown> = {};
    Object.entries(spec.input).forEach(([field, input], bit) => {
      const wanted = (d.optional >> bit) & 1;
      const leftToProject = input.projectSetting && Object.hasOwn(PROJECT, field) && wanted === 0;
      const give = inGroup(field) ? oneOf.includes(field) : input.required ? !leftToProject : wanted === 1 && !leftToProject;
      if (give) given[field] = value(field, input);
    });

    const henchman: Record<string, unknown> = { name, provider, action, with: given };
    if (d.undo && spec.undoneBy && !shape.fire) henchman.undo = spec.undoneBy;
    const outputs = outputsOf(i, drafts);
    if (d.expect !== 0 && !shape.fire) {
      const [first, second] = [outputs[choose().pick % outputs.length]!, outputs[choose().pick % outputs.length]!];
      if (d.expect === 1) {
        const fields = [first, second].filter(([, t]) => SINGLE_VALUES.includes(t));
        if (fields.length > 0) henchman.expect = Object.fromEntries(fields.map(([field, t]) => [field, plausible(name, field, t)]));
      } else {
        henchman.expect = [
          { any: [expectation(name, first[0], first[1], d.optional), { field: second[0], equals: 'never this' }] },
          { not: { field: second[0], exists: false } },
          expectation(name, second[0], second[1], d.optional >> 1),
        ];
      }
    }
    if (shape.continue) henchman.onFailure = 'continue';
    if (shape.goto !== undefined) henchman.onFailure = { goto: names[shape.goto] };
    if (shape.retreat) henchman.onFailure = { retreat: names[shape.retreat.to], times: shape.retreat.times };
    if (d.retry && !shape.fire) henchman.retry = { attempts: 2, interval: '2s', backoff: 1.5, maxDelay: '10s', jitter: true };
    if (d.timeout) henchman.timeout = '2m';
    if (shape.each) {
      henchman.each = '${params.list}';
      henchman.concurrency = 2;
    }
    if (shape.fire) henchman.fire = true;
    if (shape.next !== undefined) henchman.next = names[shape.next];
    return henchman;
  });
  const task = {
    task: 'generated',
    rollback,
    params: { name: { type: 'string', default: "o'brien {x}" }, list: { type: 'list', default: ['a', 'b'] } },
    timeout: '1h',
    plot,
  };
  return withinHistoryBudget(task);
}

/**
 * The task made to fit Step Functions' history budget (rules/history.ts), giving up what costs most in turn:
 * retreats taken more than once, then retreats (the henchman aborts instead), then waits of `each` longer than a
 * minute, then every `each` but the first (its `${item}` becomes `${params.name}`).
 */
function withinHistoryBudget(task: { plot: Record<string, unknown>[] }): typeof task {
  const fits = () => historyWorstCase(task as unknown as Task).events <= HISTORY_EVENT_LIMIT;
  const retreats = () => task.plot.filter((h) => typeof h.onFailure === 'object' && h.onFailure !== null && 'retreat' in h.onFailure);
  const steps: (() => void)[] = [
    () => retreats().forEach((h) => (h.onFailure = { ...(h.onFailure as object), times: 1 })),
    () => retreats().forEach((h) => delete h.onFailure),
    () => task.plot.filter((h) => h.each !== undefined).forEach((h) => (h.timeout = '1m')),
    () =>
      task.plot
        .filter((h) => h.each !== undefined)
        .slice(1)
        .forEach((h) => {
          delete h.each;
          delete h.concurrency;
          h.with = JSON.parse(JSON.stringify(h.with).replaceAll('${item}', '${params.name}'));
        }),
  ];
  for (const step of steps) {
    if (fits()) return task;
    step();
  }
  if (!fits()) throw new Error(`a generated task beyond the history budget: ${JSON.stringify(task)}`);
  return task;
}

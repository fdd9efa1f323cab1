/**
 * No uncatchable failure from data: every JSONPath a compiled definition reads at run time is present in every
 * execution that reaches it, or tested by a Choice first. A path to nothing is a States.Runtime error in Step
 * Functions, which no Catch takes (no rollback); a value the compiler cannot prove present travels as a late value
 * (lambdas/providers/late.ts) and fails the move with Mastermind.Invalid, which the failure route takes.
 *
 * The static analysis below reads every path of a definition (Parameters and ItemSelector values and the paths
 * inside their intrinsic functions, ItemsPath, InputPath, SecondsPath, ErrorPath, CausePath, Choice variables) and
 * accepts it only when it is
 * - a root the start states fill ($.params, a param with a default, $.trigger and its fields, $.out, $.count, the
 *   empty record of a henchman that waits for the world in its one Task state: its `was`),
 *   the execution's context ($$.Execution.Id/Name/StartTime, $$.Map.Item.Value/Index);
 * - a henchman's output or one of its catalog output fields ($.out.<h>.output[.<field>]): validation proves the
 *   henchman completed on every path (rules/output-guaranteed.ts), the providers complete every catalog field;
 * - a helper's own record, written by the state before it ($.failure, $.input at the start, the undo walk's
 *   $.walk.<field> and the walk itself (an undo's `was`); $.event, $.value, $.poll, $.result and $.failure inside a Map iteration; the failed items of an each
 *   after its "<h>: failed items?" Choice found one);
 * - or, in a Choice, tested by IsPresent first (in the same And, or in an earlier rule of the same Choice), and an
 *   ItemsPath tested so by the "<h>: items?" Choice before the Map.
 * Then the missing cases are played on the local engine, with rollback.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findAction } from '#task/catalog';
import { checkAsl } from '#task/check-asl';
import type { JsonValue, State, StateMachineDefinition } from '#task/compiler/asl';
import { compileTask } from '#task/compile';
import { conformanceErrors } from '#task/conformance';
import { henchmanOfKey, stateKey } from '#task/keys';
import { TRIGGER_FIELDS } from '#task/trigger';
import type { Task } from '#task/schema';
import { validateTask } from '#task/validate';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask } from '#engine/run';
import { PROJECT, taskArbitrary } from './generated-task.ts';

/** `'it\'s'` literals taken out of an intrinsic, so that the paths left are the arguments. */
function withoutLiterals(intrinsic: string): string {
  return intrinsic.replace(/'(?:\\.|[^'\\])*'/g, "''");
}

/** The JSONPaths a Parameters-like value reads. */
function pathsOfTemplate(value: JsonValue, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) return value.forEach((v) => pathsOfTemplate(v, out));
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith('.$') && typeof v === 'string') out.push(...(withoutLiterals(v).match(/\$\$?(?:[.[][^,)\s]*)?/g) ?? []));
    else pathsOfTemplate(v, out);
  }
}

/** A Choice rule, loosely typed for reading. */
interface Rule {
  Variable?: string;
  IsPresent?: boolean;
  And?: Rule[];
  Or?: Rule[];
  Not?: Rule;
}

function variablesOf(rule: Rule, out: { variable: string; guarded: boolean }[], guards: ReadonlySet<string>): void {
  if (rule.And) {
    const seen = new Set(guards);
    for (const r of rule.And) {
      variablesOf(r, out, seen);
      if (r.Variable !== undefined && r.IsPresent === true) seen.add(r.Variable);
    }
  } else if (rule.Or) rule.Or.forEach((r) => variablesOf(r, out, guards));
  else if (rule.Not) variablesOf(rule.Not, out, guards);
  else if (rule.Variable !== undefined) out.push({ variable: rule.Variable, guarded: rule.IsPresent !== undefined || guards.has(rule.Variable) });
}

/** The variable a rule proves absent when it matches (`Not: { Variable, IsPresent: true }`), if it is one. */
function absentTest(rule: Rule): string | undefined {
  return rule.Not?.Variable !== undefined && rule.Not.IsPresent === true ? rule.Not.Variable : undefined;
}

interface Read {
  state: string;
  path: string;
  /** Tested by IsPresent before it is read. */
  guarded: boolean;
  /** Inside a Map iteration (its input is the ItemSelector's output). */
  inner: boolean;
  /** In the ItemSelector of a Map over the outputs of this henchman (the undo of an `each`). */
  items?: string;
}

/** The paths a Choice rule proves present when it matches: its own IsPresent tests (alone or in an And). */
function provenByRule(rule: Rule): string[] {
  if (rule.Variable !== undefined && rule.IsPresent === true) return [rule.Variable];
  return (rule.And ?? []).filter((r) => r.Variable !== undefined && r.IsPresent === true).map((r) => r.Variable!);
}

/**
 * Per state: the paths proven present on the only way into it, when that way is a Choice rule that tested them (and
 * on down a chain of states each with one way in, as "start: input?" → "start: resume" → "resume: from?").
 */
function provenOnEntry(states: Record<string, State>): Map<string, Set<string>> {
  const ways = new Map<string, number>();
  const add = (target: string | undefined) => target !== undefined && ways.set(target, (ways.get(target) ?? 0) + 1);
  for (const state of Object.values(states)) {
    const s = state as { Next?: string; Default?: string; Choices?: { Next: string }[]; Catch?: { Next: string }[] };
    add(s.Next);
    add(s.Default);
    s.Choices?.forEach((c) => add(c.Next));
    s.Catch?.forEach((c) => add(c.Next));
  }
  const proven = new Map<string, Set<string>>();
  for (const state of Object.values(states)) {
    if (state.Type !== 'Choice') continue;
    for (const rule of state.Choices as (Rule & { Next: string })[]) {
      let target: string | undefined = rule.Next;
      const paths = new Set(provenByRule(rule));
      while (paths.size > 0 && target !== undefined && ways.get(target) === 1 && !proven.has(target)) {
        proven.set(target, paths);
        target = (states[target] as { Next?: string } | undefined)?.Next;
      }
    }
  }
  return proven;
}

function readsOf(states: Record<string, State>, inner: boolean, out: Read[]): void {
  const onEntry = provenOnEntry(states);
  const presentTested = new Set<string>();
  for (const state of Object.values(states)) {
    if (state.Type !== 'Choice') continue;
    for (const rule of state.Choices as Rule[]) {
      const absent = absentTest(rule);
      if (absent) presentTested.add(absent);
    }
  }
  for (const [name, state] of Object.entries(states)) {
    const paths: string[] = [];
    if ('Parameters' in state && state.Parameters) pathsOfTemplate(state.Parameters, paths);
    if ('InputPath' in state && state.InputPath) paths.push(state.InputPath);
    if (state.Type === 'Wait' && state.SecondsPath) paths.push(state.SecondsPath);
    if (state.Type === 'Fail') paths.push(...[state.ErrorPath, state.CausePath].filter((p): p is string => p !== undefined));
    // "<h>: list" reads the list of an each (its InputPath) where "<h>: items?" has tested it present (it is that
    // Choice's Default); its intrinsic reads `$`, that list.
    const listed = (path: string) => name.endsWith(': list') && presentTested.has(path);
    for (const path of paths) out.push({ state: name, path, guarded: (onEntry.get(name)?.has(path) ?? false) || listed(path), inner });
    if (state.Type === 'Map') {
      out.push({ state: name, path: state.ItemsPath, guarded: presentTested.has(state.ItemsPath), inner });
      const selected: string[] = [];
      pathsOfTemplate(state.ItemSelector ?? {}, selected);
      const key = /^\$\.out\.([A-Za-z0-9_]+)\.output$/.exec(state.ItemsPath)?.[1];
      const over = key === undefined ? undefined : henchmanOfKey(key);
      for (const path of selected) out.push({ state: name, path, guarded: false, inner, ...(over ? { items: over } : {}) });
      readsOf(state.ItemProcessor.States, true, out);
    }
    if (state.Type === 'Choice') {
      const earlier = new Set<string>(onEntry.get(name) ?? []);
      for (const rule of state.Choices as Rule[]) {
        const variables: { variable: string; guarded: boolean }[] = [];
        variablesOf(rule, variables, earlier);
        for (const v of variables) out.push({ state: name, path: v.variable, guarded: v.guarded, inner });
        const absent = absentTest(rule);
        if (absent) earlier.add(absent);
      }
    }
  }
}

/** Why a read path may be absent at run time; undefined when it is present in every execution that reads it. */
function absence(read: Read, task: Task, records: ReadonlySet<string>): string | undefined {
  if (read.guarded) return undefined;
  const { path } = read;
  if (/^\$\$\.Execution\.(Id|Name|StartTime)$/.test(path) || /^\$\$\.Map\.Item\.(Value|Index)$/.test(path)) return undefined;
  // Inside an iteration: its event, the item (value), and what the states before wrote: poll, result, failure.
  if (read.inner && /^\$(\.(event|poll|value|result)(\..*)?|\.failure\.(Error|Cause))?$/.test(path)) return undefined;
  if (read.inner) return 'an iteration reads only its own event, item, poll, result and failure';
  // "<h>: items failed" ("<h>: items aborted") gathers the failed (aborted) items of an each (a filter, cut here at its
  // first blank) only after "<h>: failed items?" ("<h>: aborted?") proved one there.
  if (/^\$\.out\.[A-Za-z0-9_]+\.output\[\?\(@\.(failed|aborted)$/.test(path)) return undefined;
  // What they gathered, in $.failure: read by the helpers after them ("<h>: item failure", "<h>: aborted?", "<h>: item abort").
  if (/: (item failure|aborted\?|item abort)$/.test(read.state) && /^\$\.failure\.(index|item|error|cause|aborted)$/.test(path)) return undefined;
  const itemField = /^\$\$\.Map\.Item\.Value\.([A-Za-z]+)$/.exec(path);
  if (itemField && read.items) {
    // An item of an each henchman's output list: one output of its action, every catalog field completed.
    const h = task.plot.find((p) => p.name === read.items);
    return h && Object.hasOwn(findAction(h.provider, h.action)?.output ?? {}, itemField[1]!) ? undefined : 'not a catalog output field';
  }
  // $.context: the shared part of the events' context, written by the start states.
  if (/^\$(\.(input|failure|count|out|params|trigger|context)(\.(params|trigger|Error|Cause|pass|retreats))?)?$/.test(path)) return undefined;
  if (/^\$\.count\.retreats\.[A-Za-z0-9_]+$/.test(path)) return undefined;
  const param = /^\$\.params(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([A-Za-z_][A-Za-z0-9_-]*)'\])$/.exec(path);
  if (param) {
    const name = param[1] ?? param[2]!;
    return task.params?.[name]?.default !== undefined ? undefined : `param ${name} has no default`;
  }
  // The undo walk's record: every walk starts with a Pass that writes at, stop, mode and then ("<h>: retreat", "task:
  // rollback"); pass and retreats are written by the state before the one that reads them, error by the Catch.
  // An undo that waits sends the walk as its `was`.
  if (/^\$\.walk(\.(at|stop|mode|then|pass|retreats|error|spent|cost))?$/.test(path)) return undefined;
  const trigger = /^\$\.trigger\.([A-Za-z]+)$/.exec(path);
  if (trigger) return (TRIGGER_FIELDS as readonly string[]).includes(trigger[1]!) ? undefined : 'no such trigger field';
  // The JSON text of an each's list, written by "<h>: list" just before "<h>: list?" reads it.
  if (/: list\?$/.test(read.state) && /^\$\.out\.[A-Za-z0-9_]+\.list$/.test(path)) return undefined;
  // A move that waits in its one Task state: its record (`was`), given by the start states to every such henchman.
  const record = /^\$\.out\.([A-Za-z0-9_]+)$/.exec(path);
  if (record) return records.has(record[1]!) ? undefined : 'no empty record from the start states';
  const output = /^\$\.out\.([A-Za-z0-9_]+)\.output(?:\.([A-Za-z]+))?$/.exec(path);
  if (output) {
    const h = task.plot.find((p) => stateKey(p.name) === output[1]);
    if (!h) return 'no such henchman';
    if (output[2] === undefined) return undefined;
    return h.each === undefined && Object.hasOwn(findAction(h.provider, h.action)?.output ?? {}, output[2]) ? undefined : 'not a catalog output field';
  }
  return 'nothing proves it present';
}

function unprovenReads(definition: StateMachineDefinition, task: Task): string[] {
  const reads: Read[] = [];
  readsOf(definition.States, false, reads);
  const out = (definition.States['start: params'] as { Parameters?: { out?: Record<string, unknown> } } | undefined)?.Parameters?.out ?? {};
  const records = new Set(Object.keys(out));
  return reads.flatMap((read) => {
    const why = absence(read, task, records);
    return why ? [`${read.state}: ${read.path} (${why})`] : [];
  });
}

function checked(source: string | unknown): { task: Task; definition: StateMachineDefinition } {
  const { task, errors } = validateTask(typeof source === 'string' ? parse(source) : source, { project: PROJECT });
  expect(errors).toStrictEqual([]);
  return { task: task!, definition: compileTask(task!, { project: PROJECT }) };
}

const SSH_WITH = 'host: h, user: u, key: "${secret:/mastermind/default/ssh-key}"';

/** Tasks whose references the compiler cannot prove present: each has a "mark" move with an undo before. */
const EDGES = {
  'a field of a hook body': { with: 'host: h, command: "configure ${trigger.body.host}"', input: {}, reference: '${trigger.body.host}' },
  'a whole field of a hook body': { with: 'host: h, command: "x", timeout: "${trigger.body.timeout}"', input: {}, reference: '${trigger.body.timeout}' },
  'an index of an empty list param': { with: 'host: h, command: "ping ${params.hosts[0]}"', input: { params: { hosts: [] } }, reference: '${params.hosts[0]}' },
  'a param without default left out': { with: 'host: h, command: "x", timeout: "${params.wait}"', input: {}, reference: '${params.wait}' },
  'a key inside a map param': { with: 'host: h, command: "x-${params.config.zone}"', input: { params: { config: {} } }, reference: '${params.config.zone}' },
  'a field inside an output typed as a list': { with: 'command: "x", host: "${lookup.nodes[0].ip}"', input: {}, reference: '${lookup.nodes[0].ip}' },
} as const;

function edgeTask(withText: string): string {
  return `
task: t
rollback: true
params:
  hosts: { type: list }
  wait: { type: string }
  config: { type: map, default: {} }
plot:
  - { name: lookup, provider: chef, action: search, with: { query: "role:web" } }
  - name: mark
    provider: ssh
    action: run
    with: { ${SSH_WITH}, command: "echo mark" }
    undo: { action: run, with: { ${SSH_WITH}, command: "echo undo" } }
  - name: configure
    provider: ssh
    action: run
    with: { user: u, key: "\${secret:/mastermind/default/ssh-key}", ${withText} }
`;
}

const EACH_TASK = `
task: t
rollback: true
params:
  hosts: { type: list, default: [] }
plot:
  - name: mark
    provider: ssh
    action: run
    with: { ${SSH_WITH}, command: "echo mark" }
    undo: { action: run, with: { ${SSH_WITH}, command: "echo undo" } }
  - name: configure
    provider: ssh
    action: run
    each: \${trigger.body.hosts}
    with: { ${SSH_WITH}, command: "configure \${item.ip}" }
`;

describe('every path a definition reads is present or tested first', () => {
  it('holds for generated tasks', () => {
    fc.assert(
      fc.property(taskArbitrary, (value) => {
        const { task, definition } = checked(value);
        expect(unprovenReads(definition, task)).toStrictEqual([]);
        // And every path of it, in every field kind, is in the grammar AWS documents (lambdas/task/conformance.ts).
        expect(conformanceErrors(task, definition).filter((e) => e.code === 'bad-path')).toStrictEqual([]);
      }),
      { numRuns: 100 },
    );
  }, 180_000);

  it.each(Object.entries(EDGES))('holds for a reference to %s', (_, edge) => {
    const { task, definition } = checked(edgeTask(edge.with));
    expect(unprovenReads(definition, task)).toStrictEqual([]);
    expect(checkAsl(definition)).toStrictEqual({ isValid: true, errors: [] });
  });

  it('holds for each over a hook body list whose items may lack a field', () => {
    const { task, definition } = checked(EACH_TASK);
    expect(unprovenReads(definition, task)).toStrictEqual([]);
    expect(checkAsl(definition)).toStrictEqual({ isValid: true, errors: [] });
  });

  it('finds a read the analysis cannot prove (the analysis can fail)', () => {
    const { task, definition } = checked(edgeTask('host: h, command: "x"'));
    const configure = definition.States.configure as unknown as { Parameters: { input: Record<string, unknown> } };
    configure.Parameters.input['host.$'] = '$.trigger.body.host';
    expect(unprovenReads(definition, task)).toStrictEqual(['configure: $.trigger.body.host (nothing proves it present)']);
  });
});

describe('a reference with no value in an execution', () => {
  it.each(Object.entries(EDGES))('(%s) fails the move with Mastermind.Invalid naming it, and the rollback undoes the move before', async (_, edge) => {
    // Prepare
    const { definition } = checked(edgeTask(edge.with));

    // Act
    const result = await runTask(definition, edge.input, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });

    // Assess
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: `configure: ${edge.reference} has no value in this execution`,
    });
    expect(result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`)).toStrictEqual([
      'lookup do succeeded',
      'mark do succeeded',
      'configure do failed',
      'mark undo succeeded',
    ]);
  });

  it('takes the failure route when the list of each is missing, before any item plays', async () => {
    const { definition } = checked(EACH_TASK);
    const result = await runTask(definition, {}, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'configure: ${trigger.body.hosts} has no value in this execution',
    });
    expect(result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`)).toStrictEqual(['mark do succeeded', 'mark undo succeeded']);
  });

  it('takes the failure route when the list of each is an object, which a Map cannot play over', async () => {
    const { definition } = checked(EACH_TASK);
    const result = await runTask(definition, { trigger: { body: { hosts: { web: '10.0.0.1' } } } }, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'configure: ${trigger.body.hosts} is not a list in this execution',
    });
    expect(result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`)).toStrictEqual(['mark do succeeded', 'mark undo succeeded']);
  });

  it('plays each over a list from a hook body, through the check of its JSON text', async () => {
    const { definition } = checked(EACH_TASK);
    const result = await runTask(definition, { trigger: { body: { hosts: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] } } }, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.moves.map((m) => `${m.henchman} ${m.phase} ${m.status}`)).toStrictEqual(['mark do succeeded', 'configure do succeeded', 'configure do succeeded']);
  });

  it('takes the failure route when the list of each is not a list', async () => {
    const { definition } = checked(EACH_TASK);
    const result = await runTask(definition, { trigger: { body: { hosts: 'a,b' } } }, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });
    expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({
      status: 'FAILED',
      error: 'Mastermind.Invalid',
      cause: 'configure: ${trigger.body.hosts} is not a list in this execution',
    });
  });

  it('plays the items that have the field and resolves the late value with its type', async () => {
    const { definition } = checked(EACH_TASK);
    const rehearsal = rehearsalHandler(loadScenario('{}'));
    const commands: unknown[] = [];
    const handler: typeof rehearsal = (event, provider) => {
      if (event.context.henchman === 'configure') commands.push(event.input.command);
      return rehearsal(event, provider);
    };
    const result = await runTask(definition, { trigger: { body: { hosts: [{ ip: '10.0.0.1' }, { ip: 2 }] } } }, { handler, skipWaits: true });
    expect(result.status).toBe('SUCCEEDED');
    expect(commands).toStrictEqual([
      { template: 'configure {{0}}', values: { '0': '10.0.0.1' } },
      { template: 'configure {{0}}', values: { '0': 2 } },
    ]);
  });
});

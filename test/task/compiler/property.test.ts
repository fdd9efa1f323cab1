import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTask } from '#task/compile';
import { catalog } from '#task/catalog';
import type { ProviderName } from '#task/catalog';
import { taskSchema } from '#task/schema';
import type { Henchman, Task } from '#task/schema';
import { aslErrors } from './support.ts';

/** Actions the generator plays, with their required inputs (values filled by the generator). */
const ACTIONS: { provider: ProviderName; action: string; fields: string[]; shell?: string; undo?: string }[] = [
  { provider: 'ec2', action: 'launch', fields: ['imageId'], undo: 'terminate' },
  { provider: 'ec2', action: 'stop', fields: ['instanceId'], undo: 'start' },
  { provider: 'ec2', action: 'tag', fields: ['instanceId'] },
  { provider: 'ssh', action: 'run', fields: ['host', 'user', 'key'], shell: 'command' },
  { provider: 'chef', action: 'bootstrap', fields: ['host', 'user', 'key', 'nodeName', 'chefServerUrl', 'chefClientName', 'chefClientKey'], shell: 'installCommand', undo: 'deregister' },
  { provider: 'chef', action: 'deregister', fields: ['nodeName', 'chefServerUrl', 'chefClientName', 'chefClientKey'] },
];

interface Draft {
  action: number;
  values: { kind: 'literal' | 'param' | 'output' | 'format' | 'secret'; pick: number }[];
  undo: boolean;
  expect: 0 | 1 | 2;
  onFailure: { kind: 'abort' | 'continue' | 'goto' | 'retreat'; pick: number; times: number };
  retry: boolean;
  timeout: boolean;
  each: boolean;
  fire: boolean;
  next: 0 | 1;
}

const draft: fc.Arbitrary<Draft> = fc.record({
  action: fc.nat(ACTIONS.length - 1),
  values: fc.array(fc.record({ kind: fc.constantFrom('literal', 'param', 'output', 'format', 'secret'), pick: fc.nat(100) }), { minLength: 8, maxLength: 8 }),
  undo: fc.boolean(),
  expect: fc.constantFrom(0, 1, 2),
  onFailure: fc.record({ kind: fc.constantFrom('abort', 'continue', 'goto', 'retreat'), pick: fc.nat(100), times: fc.integer({ min: 1, max: 3 }) }),
  retry: fc.boolean(),
  timeout: fc.boolean(),
  each: fc.boolean(),
  fire: fc.boolean(),
  next: fc.constantFrom(0, 1),
});

/** A valid task from drafts: references only to henchmen earlier in the plot (completed on every path). */
function build(drafts: Draft[], rollback: boolean): Task {
  const names = drafts.map((_, i) => `h${i}`);
  const plot: Henchman[] = drafts.map((d, i) => {
    const spec = ACTIONS[d.action]!;
    const earlier = drafts.slice(0, i).map((e, j) => ({ name: names[j]!, fields: Object.keys(catalog[ACTIONS[e.action]!.provider].actions[ACTIONS[e.action]!.action]!.output) }));
    const value = (n: number, field: string): string => {
      const v = d.values[n % d.values.length]!;
      const from = earlier.length > 0 ? earlier[v.pick % earlier.length]! : undefined;
      const ref = from ? `\${${from.name}.${from.fields[v.pick % from.fields.length]}}` : '${params.name}';
      switch (v.kind) {
        case 'literal':
          return `${field}-{${v.pick}}'s`;
        case 'param':
          return '${params.name}';
        case 'output':
          return ref;
        case 'format':
          return `x-${ref}-\${params.name}-\${execution.id}`;
        case 'secret':
          return `\${secret:/s/${field}}`;
      }
    };
    const h: Henchman = {
      name: names[i]!,
      provider: spec.provider,
      action: spec.action,
      with: Object.fromEntries(spec.fields.map((f, n) => [f, d.each && n === 0 ? '${item}' : value(n, f)])),
    };
    if (spec.shell) h.with![spec.shell] = `run ${value(5, 'x')} \${raw:params.name} --key \${secret:/k}`;
    if (d.undo && spec.undo) h.undo = spec.undo;
    if (d.expect === 1) h.expect = { exitCode: 0, state: 'running' };
    if (d.expect === 2) h.expect = [{ any: [{ field: 'exitCode', lessThan: 2 }, { not: { field: 'stdout', matches: '*err*' } }] }, { field: 'state', exists: true }];
    if (d.onFailure.kind === 'continue') h.onFailure = 'continue';
    if (d.onFailure.kind === 'goto') h.onFailure = { goto: names[d.onFailure.pick % names.length]! };
    if (d.onFailure.kind === 'retreat') h.onFailure = { retreat: names[d.onFailure.pick % (i + 1)]!, times: d.onFailure.times };
    if (d.retry) h.retry = { attempts: 2, interval: '2s', backoff: 1.5, jitter: true };
    if (d.timeout) h.timeout = '2m';
    if (d.each) {
      h.each = '${params.list}';
      h.concurrency = 2;
    }
    if (d.fire && !d.each) h.fire = true;
    if (d.next === 1 && i + 2 < drafts.length) h.next = names[i + 2]!;
    return h;
  });
  return taskSchema.parse({
    task: 'generated',
    rollback,
    params: { name: { type: 'string', default: "o'brien {x}" }, list: { type: 'list', default: ['a', 'b'] } },
    timeout: '1h',
    plot,
  });
}

describe('compiling generated tasks', () => {
  it('compiles every valid task to a definition asl-validator accepts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { minLength: 1, maxLength: 6 }), fc.boolean(), async (drafts, rollback) => {
        const definition = compileTask(build(drafts, rollback), { project: { region: 'eu-west-1', user: 'ubuntu' } });
        expect(await aslErrors(definition)).toStrictEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});

/**
 * A seeded fuzz of 10,000 task mutations: valid tasks (the examples and generated ones) mutated by deleting,
 * replacing, renaming and inserting fields, with hostile values among the replacements (references where a
 * literal is needed, names of Object.prototype's members, empty maps and lists, long names, deep nesting).
 * validateTask never throws; a mutation that validates compiles, and its definition passes asl-validator.
 *
 * asl-validator is slow (30-100 ms a definition): it checks at most ASL_CHECKS distinct definitions, in batches.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAsl } from '#task/check-asl';
import { compileTask } from '#task/compile';
import { parseTask } from '#task/parse';
import { validateTask } from '#task/validate';
import { PROJECT, taskArbitrary } from './compiler/generated-task.ts';

const examples = readdirSync(new URL('../../examples/', import.meta.url))
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.scenario.yaml'))
  .map((f) => parseTask(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8')).value);

type Path = (string | number)[];

function paths(value: unknown, at: Path = [], found: Path[] = []): Path[] {
  found.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], found));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...at, k], found);
  return found;
}

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const HOSTILE_NAMES = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf'];

const hostile = fc.constantFrom<unknown>(
  '${params.imageId}', '${provision.instanceId}', '${execution.name}', '${trigger.alarmName}', '${item}', '${project.region}',
  '${secret:/a}', '$${x}', 'C:\\temp', 'say "hi"', '\\${params.imageId}', '${', '}', '{{0}}', '', ' ', 'end', 'abort', 'continue', '-1s', '0s', '1ms', '99999999999d', '10 minutes',
  ...HOSTILE_NAMES, {}, [], [{}], { all: [] }, { any: [] }, { not: {} }, { all: [{}] }, { goto: 'toString' }, { retreat: '__proto__' },
  'a'.repeat(300), 'é'.repeat(70), '../x', 'x/y', null, true, 0, -1, 1e300, 2 ** 53, 0.5, Number.NaN,
  nested(40), nested(200),
);

/** Any printable ASCII, backslashes and quotes included (a default holding them travels as data; text joining a backslash
 * with a run-time reference is refused by validation: rules/backslash-with-reference.ts). */
const unit = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

const garbage = fc.oneof(fc.jsonValue({ maxDepth: 2, stringUnit: unit }), hostile, hostile);

const mutation = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'replace', 'rename', 'insert'),
  target: fc.nat(),
  key: fc.oneof(
    fc.string({ maxLength: 8, unit }),
    fc.constantFrom(...HOSTILE_NAMES, 'with', 'next', 'each', 'fire', 'undo', 'onFailure', 'goto', 'retreat', 'times', 'expect', 'all', 'any', 'not', 'timeout', 'retry', 'interval', 'maxDelay', 'alarms', 'hook', 'params', 'concurrency'),
  ),
  value: garbage,
});

type Step = { kind: string; target: number; key: string; value: unknown };

function mutate(original: unknown, steps: readonly Step[]): unknown {
  let root: unknown = structuredClone(original);
  for (const step of steps) {
    const all = paths(root);
    const path = all[step.target % all.length]!;
    const value = structuredClone(step.value);
    if (path.length === 0) {
      if (step.kind === 'replace') root = value;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], root) as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    const target = parent[last];
    switch (step.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete parent[last];
        break;
      case 'replace':
        parent[last] = value;
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[last];
          // The new name: the key alone (`__proto__`, `constructor`...) or appended to the old one. defineProperty,
          // since assigning `__proto__` would set the prototype instead of making a field.
          const renamed = step.target % 2 === 0 ? step.key : `${String(last)}${step.key}`;
          Object.defineProperty(parent, renamed, { value: target, enumerable: true, writable: true, configurable: true });
        }
        break;
      default:
        if (target && typeof target === 'object' && !Array.isArray(target)) {
          Object.defineProperty(target, step.key, { value, enumerable: true, writable: true, configurable: true });
        } else if (Array.isArray(target)) target.push(value);
        else parent[last] = value;
    }
  }
  return root;
}

/**
 * Definitions that differ only in the literal text of a payload are the same to asl-validator (it reads keys,
 * paths and intrinsic functions, not literal values): JSON.stringify's replacer blanks that text, so such
 * definitions are checked once.
 */
function literalsBlanked(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'string' || key.endsWith('.$') || !inPayload.has(this as object)) return value;
  return '';
}
const inPayload = new WeakSet<object>();
const PAYLOAD_KEYS = new Set(['Parameters', 'ItemSelector', 'Result', 'ResultSelector', 'Output', 'Arguments']);

/** Marks every object under a payload key, so that literalsBlanked knows its strings are payload text. */
function markPayloads(node: unknown, inside = false): void {
  if (node === null || typeof node !== 'object') return;
  if (inside) inPayload.add(node);
  for (const [key, value] of Object.entries(node)) markPayloads(value, inside || PAYLOAD_KEYS.has(key));
}

const RUNS = 10_000;
const BATCH = 100;
const ASL_CHECKS = 100;

describe('10,000 mutated tasks', () => {
  it('never make validation throw; each one that validates compiles to a definition asl-validator accepts', () => {
    const generated = fc.sample(taskArbitrary, { numRuns: 40, seed: 8 });
    const originals = [...examples, ...generated];
    const cases = fc.sample(fc.tuple(fc.nat(originals.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 })), { numRuns: RUNS, seed: 2024 });
    const crashes: string[] = [];
    const definitions = new Map<string, { text: string; steps: string }>();
    let validated = 0;
    for (const [which, steps] of cases) {
      const mutated = mutate(originals[which], steps);
      let result;
      try {
        result = validateTask(mutated, { project: PROJECT });
      } catch (error) {
        crashes.push(`validate: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')} after ${JSON.stringify(steps).slice(0, 300)}`);
        continue;
      }
      if (!result.task) {
        if (result.errors.length === 0) crashes.push(`no task and no errors after ${JSON.stringify(steps).slice(0, 300)}`);
        continue;
      }
      validated++;
      try {
        const definition = compileTask(result.task, { project: PROJECT });
        markPayloads(definition);
        const shape = JSON.stringify(definition, literalsBlanked);
        if (!definitions.has(shape)) definitions.set(shape, { text: JSON.stringify(definition), steps: JSON.stringify(steps).slice(0, 300) });
      } catch (error) {
        crashes.push(`compile: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')} after ${JSON.stringify(steps).slice(0, 300)}`);
      }
    }
    // asl-validator takes 30-100 ms a definition: at most ASL_CHECKS distinct ones, spread evenly over the run, as
    // the branches of one Parallel state per BATCH; a batch it rejects is checked one definition at a time to
    // name the culprits.
    const distinct = [...definitions.values()];
    const every = Math.max(1, Math.ceil(distinct.length / ASL_CHECKS));
    const all = distinct.filter((_, i) => i % every === 0);
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH).map(({ text, steps }) => ({ definition: JSON.parse(text) as { StartAt: string; States: object }, steps }));
      const branches = batch.map(({ definition }) => ({ StartAt: definition.StartAt, States: definition.States }));
      if (checkAsl({ StartAt: 'all', States: { all: { Type: 'Parallel', Branches: branches, End: true } } }).isValid) continue;
      for (const { definition, steps } of batch) {
        const check = checkAsl(definition);
        if (!check.isValid) crashes.push(`asl: ${check.errors.map((e) => e.message).join('; ')} after ${steps}`);
      }
    }
    expect(crashes).toStrictEqual([]);
    // The mutations leave enough tasks valid that compilation is exercised.
    expect(validated).toBeGreaterThan(RUNS / 20);
  }, 120_000);
});

/**
 * Random mutations of valid tasks (delete a field, change a value's type, rename a field, insert garbage)
 * never make the validator throw, and always give either a task or a non-empty list of complete errors.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseTask } from '#task/parse';
import { checkTask, validateTask } from '#task/validate';
import type { Validation } from '#task/validate';

const valid = ['scale-out.yaml', 'rolling-restart.yaml'].map(
  (name) => parseTask(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')).value,
);

type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
  const found: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => found.push(...paths(v, [...at, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) found.push(...paths(v, [...at, k]));
  return found;
}

const garbage = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('${', '${x.y}', '${item}', '${provision}', '${secret:/a}', '{{0}}', '', 'end', 'provision', '-1s', 'abort', null),
);

const mutation = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'rename', 'insert'),
  target: fc.nat(),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('with', 'next', 'each', 'fire', 'undo', 'onFailure', 'goto', 'retreat', 'times')),
  value: garbage,
});

function mutate(original: unknown, steps: { kind: string; target: number; key: string; value: unknown }[]): unknown {
  const copy = structuredClone(original);
  let root: unknown = copy;
  for (const step of steps) {
    const all = paths(root);
    const path = all[step.target % all.length]!;
    if (path.length === 0) {
      if (step.kind === 'replace') root = step.value;
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
        parent[last] = step.value;
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[last];
          parent[`${String(last)}${step.key}`] = target;
        }
        break;
      default:
        if (target && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, unknown>)[step.key] = step.value;
        else if (Array.isArray(target)) target.push(step.value);
        else parent[last] = step.value;
    }
  }
  return root;
}

function assertWellFormed(result: Validation): void {
  if (result.task) {
    expect(result.errors).toStrictEqual([]);
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(error.code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(typeof error.place).toBe('string');
    expect(error.message.length).toBeGreaterThan(0);
  }
}

describe('validation of mutated tasks', () => {
  it('validateTask never throws and answers a task or complete errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 4 }), (task, steps) => {
        assertWellFormed(validateTask(mutate(task, steps)));
      }),
      { numRuns: 300 },
    );
  });

  it('checkTask never throws on the YAML of a mutated task, and locates its errors', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.array(mutation, { minLength: 1, maxLength: 3 }), (task, steps) => {
        const mutated = mutate(task, steps);
        const result = checkTask(stringify(mutated ?? null));
        assertWellFormed(result);
        if (mutated !== null && typeof mutated === 'object' && !Array.isArray(mutated)) {
          for (const error of result.errors) expect(error.line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('leaves the valid fixtures valid without mutation', () => {
    for (const task of valid) expect(validateTask(task).errors).toStrictEqual([]);
  });
});

/**
 * Tasks at the edges of the language (the longest names, dashes everywhere, the longest durations and the most
 * retries the rules take, retreats over the whole plot, every henchman undoable, rollback), generated: what the
 * task rules accept compiles to a definition that meets every limit of lambdas/task/conformance.ts and that
 * asl-validator accepts, so the conformance check at save time is a net, never the first to say no. What the rules
 * refuse is refused with its place.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkAsl } from '#task/check-asl';
import { compileTask } from '#task/compile';
import { conformanceErrors } from '#task/conformance';
import { checkTask } from '#task/validate';
import { PROJECT } from './compiler/generated-task.ts';

/** A name of `length` characters (2..64), dashes inside, unique by its index. */
function nameOf(index: number, length: number): string {
  const head = `m${index}`;
  let name = head;
  while (name.length < length) name += name.length % 3 === 1 ? '-' : 'x';
  return name.endsWith('-') ? `${name.slice(0, -1)}y` : name;
}

const DURATIONS = ['1s', '59s', '14m', '1h', '1d', '30d', '364d', '365d', '366d', '400d', '1200d'] as const;

const henchmanDraft = fc.record({
  length: fc.integer({ min: 2, max: 64 }),
  kind: fc.constantFrom('run', 'launch', 'search'),
  timeout: fc.option(fc.constantFrom(...DURATIONS), { nil: undefined }),
  retry: fc.option(
    fc.record({ attempts: fc.integer({ min: 1, max: 10 }), interval: fc.constantFrom(...DURATIONS), maxDelay: fc.option(fc.constantFrom(...DURATIONS), { nil: undefined }) }),
    { nil: undefined },
  ),
  retreat: fc.option(fc.record({ back: fc.nat(), times: fc.integer({ min: 1, max: 3 }) }), { nil: undefined }),
});

const taskDraft = fc.record({
  henchmen: fc.array(henchmanDraft, { minLength: 1, maxLength: 40 }),
  timeout: fc.option(fc.constantFrom(...DURATIONS), { nil: undefined }),
  rollback: fc.boolean(),
  param: fc.integer({ min: 1, max: 64 }),
});

type Draft = typeof taskDraft extends fc.Arbitrary<infer T> ? T : never;

function source(draft: Draft): string {
  const param = nameOf(0, draft.param).replace(/^m/, 'p');
  const plot = draft.henchmen.map((h, i) => {
    const name = nameOf(i, h.length);
    const base =
      h.kind === 'run'
        ? { provider: 'ssh', action: 'run', with: { host: `\${params.${param}}`, command: 'uptime' }, undo: { action: 'run', with: { host: `\${params.${param}}`, command: 'true' } } }
        : h.kind === 'launch'
          ? { provider: 'ec2', action: 'launch', with: { imageId: 'ami-0123456789abcdef0' }, undo: 'terminate' }
          : { provider: 'chef', action: 'search', with: { query: `role:\${params.${param}}` } };
    const retreatTo = h.retreat ? nameOf(h.retreat.back % (i + 1), draft.henchmen[h.retreat.back % (i + 1)]!.length) : undefined;
    return {
      name,
      ...base,
      ...(h.timeout ? { timeout: h.timeout } : {}),
      ...(h.retry ? { retry: { attempts: h.retry.attempts, interval: h.retry.interval, ...(h.retry.maxDelay ? { maxDelay: h.retry.maxDelay } : {}) } } : {}),
      ...(retreatTo ? { onFailure: { retreat: retreatTo, times: h.retreat!.times } } : {}),
    };
  });
  return stringify({
    task: 'edges',
    params: { [param]: { type: 'string', default: '127.0.0.1' } },
    ...(draft.timeout ? { timeout: draft.timeout } : {}),
    rollback: draft.rollback,
    plot,
  });
}

describe('tasks at the edges', () => {
  it('either are refused by the rules with a place, or compile to a definition within every AWS limit', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(taskDraft, (draft) => {
        const checked = checkTask(source(draft), { project: PROJECT });
        if (checked.errors.length > 0) {
          refused += 1;
          for (const error of checked.errors) expect(typeof error.place).toBe('string');
          return;
        }
        accepted += 1;
        const definition = compileTask(checked.task!, { project: PROJECT });
        expect(conformanceErrors(checked.task!, definition)).toStrictEqual([]);
        expect(checkAsl(definition).errors).toStrictEqual([]);
      }),
      { numRuns: 150, seed: 20261202 },
    );
    // Both sides are exercised: the generator reaches tasks the rules take and tasks they refuse.
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  }, 240_000);
});

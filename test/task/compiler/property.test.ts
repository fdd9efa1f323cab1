import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAsl } from '#task/check-asl';
import { compileTask } from '#task/compile';
import type { StateMachineDefinition } from '#task/compile';
import { validateTask } from '#task/validate';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask } from '#engine/run';
import { PROJECT, taskArbitrary } from './generated-task.ts';

/** Validates a generated task (every error is a failure of the generator or of the validator) and compiles it. */
function validAndCompiled(value: unknown): StateMachineDefinition {
  const { task, errors } = validateTask(value, { project: PROJECT });
  expect(errors).toStrictEqual([]);
  return compileTask(task!, { project: PROJECT });
}

describe('generated valid tasks', () => {
  it('pass the validator and compile to a definition asl-validator accepts', () => {
    fc.assert(
      fc.property(taskArbitrary, (value) => {
        const definition = validAndCompiled(value);

        expect(checkAsl(definition)).toStrictEqual({ isValid: true, errors: [] });
      }),
      { numRuns: 100 },
    );
  }, 180_000);

  it('run to completion on the local engine when every provider answers with a plausible output', async () => {
    await fc.assert(
      fc.asyncProperty(taskArbitrary, async (value) => {
        const definition = validAndCompiled(value);

        const result = await runTask(definition, {}, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });

        expect({ status: result.status, error: result.error, cause: result.cause }).toStrictEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask } from '#engine/run';
import { checkAsl } from '#task/check-asl';
import { compileSource } from '#task/compile';

const example = (file: string) => readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');

async function rehearse(name: string, input: { params?: Record<string, unknown>; trigger?: Record<string, unknown> }) {
  const { definition, errors } = compileSource(example(`${name}.yaml`));
  expect(errors).toStrictEqual([]);
  const result = await runTask(definition!, input, {
    handler: rehearsalHandler(loadScenario(example(`${name}.scenario.yaml`))),
    skipWaits: true,
  });
  return { status: result.status, moves: result.moves.map((m) => `${m.henchman}:${m.phase}:${m.status}`) };
}

describe('examples', () => {
  it.each(['scale-out', 'rolling-restart', 'replace-node'])('%s compiles to a definition asl-validator accepts', (name) => {
    // Act
    const { definition, errors } = compileSource(example(`${name}.yaml`));
    // Assess
    expect(errors).toStrictEqual([]);
    expect(checkAsl(definition)).toStrictEqual({ isValid: true, errors: [] });
  });

  it('scale-out: configure fails once, the task retreats (the box is terminated), launches again and advances to the end', async () => {
    // Act
    const result = await rehearse('scale-out', { trigger: { type: 'alarm', alarmName: 'web-cpu-high' } });
    // Assess
    expect(result).toStrictEqual({
      status: 'SUCCEEDED',
      moves: [
        'provision:do:succeeded',
        'provision:poll:succeeded',
        'provision:poll:succeeded',
        'reachable:do:succeeded',
        'configure:do:failed',
        'provision:undo:succeeded',
        'provision:do:succeeded',
        'provision:poll:succeeded',
        'reachable:do:succeeded',
        'configure:do:succeeded',
        'connect:do:succeeded',
      ],
    });
  });

  it('rolling-restart: finds three nodes and restarts them one at a time, retrying a transient error', async () => {
    // Act
    const result = await rehearse('rolling-restart', {});
    // Assess
    expect(result).toStrictEqual({
      status: 'SUCCEEDED',
      moves: [
        'find-nodes:do:succeeded',
        'restart:do:failed',
        'restart:do:succeeded',
        'restart:do:succeeded',
        'restart:do:succeeded',
      ],
    });
  });

  it('replace-node: the smoke test fails, so the task aborts and rolls back every move, newest first', async () => {
    // Act
    const result = await rehearse('replace-node', { params: { oldInstanceId: 'i-0123456789abcdef0', oldNodeName: 'web-old' } });
    // Assess
    expect(result).toStrictEqual({
      status: 'FAILED',
      moves: [
        'launch:do:succeeded',
        'bootstrap:do:succeeded',
        'swap-in:do:succeeded',
        'smoke-test:do:failed',
        'swap-in:undo:succeeded',
        'bootstrap:undo:succeeded',
        'launch:undo:succeeded',
      ],
    });
  });
});

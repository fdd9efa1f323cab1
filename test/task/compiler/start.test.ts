/**
 * The start states: param defaults that hold a backslash or a quote travel as data ("start: defaults", a Pass
 * state's Result), since no intrinsic string can hold them for every engine; other defaults stay in the intrinsic.
 */
import { describe, expect, it } from 'vitest';
import { runTask } from '#engine/run';
import type { ProviderEvent } from '#providers/contract';
import { compileTask } from '#task/compile';
import { aslErrors, task } from './support.ts';

const PLOT = `
plot:
  - name: tag
    provider: ec2
    action: tag
    with: { instanceId: i-0123456789abcdef0, tags: { note: '\${params.note}' }, region: '\${params.region}' }
`;

describe('start states', () => {
  it.each([
    ['an API start', { params: { region: 'us-east-2' }, trigger: {} }],
    ['a console start without a trigger', { params: { region: 'us-east-2' } }],
  ])('sends defaults holding a backslash or a quote as data, and the providers get them exactly (%s)', async (_what, input) => {
    // Prepare
    const definition = compileTask(
      task(String.raw`task: t
params:
  note: { type: string, default: 'C:\temp "quoted" é' }
  region: { type: string, default: eu-west-1 }
  hosts: { type: list, default: [1, null, 'x\y'] }
` + PLOT),
    );
    const events: ProviderEvent[] = [];

    // Act
    const result = await runTask(definition, input, {
      handler: async (event) => {
        events.push(event);
        return { output: { instanceIds: ['i-0123456789abcdef0'], tags: {} } };
      },
    });

    // Assess
    expect(definition.StartAt).toBe('start: input?');
    expect((definition.States['start: input?'] as { Default: string }).Default).toBe('start: defaults');
    expect((definition.States['start: input'] as { Next: string }).Next).toBe('start: defaults');
    expect(definition.States['start: defaults']).toStrictEqual({
      Type: 'Pass',
      Result: { note: String.raw`C:\temp "quoted" é`, region: 'eu-west-1', hosts: [1, null, String.raw`x\y`] },
      ResultPath: '$.defaults',
      Next: 'start: params',
    });
    expect((definition.States['start: params'] as { Parameters: Record<string, unknown> }).Parameters['params.$']).toBe(
      'States.JsonMerge($.defaults, $.params, false)',
    );
    expect(await aslErrors(definition)).toStrictEqual([]);
    expect(result.status).toBe('SUCCEEDED');
    expect(events.map((e) => [e.input.tags, e.input.region])).toStrictEqual([[{ note: String.raw`C:\temp "quoted" é` }, 'us-east-2']]);
  });

  it('keeps plain defaults in the intrinsic, with no extra state', () => {
    const definition = compileTask(task('task: t\nparams:\n  note: { type: string, default: hello }\n  region: { type: string, default: eu-west-1 }\n' + PLOT));

    expect((definition.States['start: input?'] as { Default: string }).Default).toBe('start: params');
    expect(Object.keys(definition.States).filter((name) => name.startsWith('start: '))).toStrictEqual(['start: input?', 'start: input', 'start: params', 'start: resume']);
  });
});

/**
 * Validation of hostile tasks: each known way a task once crashed the validator or the compiler, or passed the
 * validator and then failed to compile or was rejected by asl-validator, is now a validation error with its place.
 */
import { describe, expect, it } from 'vitest';
import { findAction, inputField } from '#task/catalog';
import { checkAsl } from '#task/check-asl';
import { compileTask } from '#task/compile';
import { jsonTextDepth, MAX_DEPTH, valueDepth, yamlTextDepth } from '#task/depth';
import { closest, listWords, MAX_LISTED_WORDS } from '#task/errors';
import { checkTask, validateTask } from '#task/validate';

const run = (extra: Record<string, unknown> = {}) => ({
  name: 'restart',
  provider: 'ssh',
  action: 'run',
  with: { host: 'api-1', user: 'ops', key: '${secret:/mastermind/default/ops-key}', command: 'systemctl restart api' },
  ...extra,
});

const codesAndPlaces = (value: unknown) => validateTask(value).errors.map(({ code, place }) => ({ code, place }));

describe('lookups keyed by user text', () => {
  it.each(['toString', '__proto__', 'constructor', 'hasOwnProperty'])('finds no provider or action named %s', (word) => {
    // Act / Assess
    expect(findAction(word, 'run')).toBeUndefined();
    expect(findAction('ssh', word)).toBeUndefined();
    expect(inputField(findAction('ssh', 'run'), word)).toBeUndefined();
  });

  it('reports provider: toString and action: constructor as unknown, without throwing', () => {
    // Act
    const errors = codesAndPlaces({ task: 't', plot: [run({ provider: 'toString' }), run({ name: 'b', action: 'constructor' }), run({ name: 'c', provider: '__proto__' })] });
    // Assess
    expect(errors).toStrictEqual([
      { code: 'unknown-provider', place: 'plot[0].provider' },
      { code: 'unknown-action', place: 'plot[1].action' },
      { code: 'unknown-provider', place: 'plot[2].provider' },
    ]);
  });

  it('refuses a henchman called constructor (asl-validator reads it as a member of every object)', () => {
    // Act
    const { errors } = validateTask({ task: 't', plot: [run({ name: 'constructor' })] });
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'reserved-name',
        place: 'plot[0].name',
        message: "a henchman cannot be called 'constructor': the name of a member of every JavaScript object confuses the tools that check state machines",
      },
    ]);
  });
});

describe('expect', () => {
  it('refuses an empty map, which would compile to an empty And', () => {
    // Act
    const { errors } = validateTask({ task: 't', plot: [run({ expect: {} })] });
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'bad-condition',
        place: 'plot[0].expect',
        message: "henchman 'restart' expects nothing: name at least one output field and the value it must equal, or leave expect out",
      },
    ]);
  });

  it('refuses lists and maps as the value a field must equal, in the map form and in conditions', () => {
    // Act
    const { errors } = validateTask({
      task: 't',
      plot: [run({ expect: { exitCode: [0] } }), run({ name: 'b', expect: [{ any: [{ field: 'stdout', equals: 'ok' }, { field: 'stdout', notEquals: { a: 1 } }] }] })],
    });
    // Assess
    expect(errors).toStrictEqual([
      { code: 'bad-condition', place: 'plot[0].expect.exitCode', message: 'expect can compare a field with a text, a number, true/false or null, not a list' },
      { code: 'bad-condition', place: 'plot[1].expect[0].any[1].notEquals', message: 'expect can compare a field with a text, a number, true/false or null, not a map' },
    ]);
  });

  it('refuses a field that is not names and positions joined by dots (it becomes a JSONPath), and compiles one that is', () => {
    // Act
    const refused = validateTask({ task: 't', plot: [run({ expect: { "exitCode.?a)'": 0 } }), run({ name: 'b', expect: [{ field: 'stdout..x', exists: true }] })] });
    const accepted = validateTask({ task: 't', plot: [run({ expect: { 'stdout.a-b_c.0': 'x' } })] });
    // Assess
    const rule = 'a field is written as output field names and list positions joined by dots (letters, digits, _ and -), such as stdout or nodes.0.name';
    expect(refused.errors).toStrictEqual([
      { code: 'unknown-expect-field', place: 'plot[0].expect["exitCode.?a)\'"]', message: `henchman 'restart' expects 'exitCode.?a)\'', but ${rule}` },
      { code: 'unknown-expect-field', place: 'plot[1].expect[0].field', message: `henchman 'b' expects 'stdout..x', but ${rule}` },
    ]);
    expect(checkAsl(compileTask(accepted.task!))).toStrictEqual({ isValid: true, errors: [] });
  });

  it.each([{ all: [] }, { any: [] }])('refuses %j with its place', (condition) => {
    // Act
    const errors = codesAndPlaces({ task: 't', plot: [run({ expect: [condition] })] });
    // Assess
    expect(errors).toStrictEqual([{ code: 'out-of-range', place: `plot[0].expect[0].${Object.keys(condition)[0]}` }]);
  });
});

describe('keys and lengths', () => {
  it('refuses a key ending in .$ anywhere in with, which Step Functions would read as a path', () => {
    // Act
    const { errors } = validateTask({
      task: 't',
      plot: [
        { name: 'launch', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1', region: 'eu-west-1', tags: { 'role.$': '$$.Execution.Input', ok: 'x' } } },
      ],
    });
    // Assess
    expect(errors).toStrictEqual([
      { code: 'reserved-key', place: 'plot[0].with.tags["role.$"]', message: "the key 'role.$' ends with '.$', which Step Functions reads as a path: name it otherwise" },
    ]);
  });

  it('refuses an alarm name longer than CloudWatch takes (255 characters)', () => {
    // Act
    const { errors } = validateTask({ task: 't', triggers: { alarms: ['a'.repeat(255), 'b'.repeat(256)] }, plot: [run()] });
    // Assess
    expect(errors).toStrictEqual([
      { code: 'out-of-range', place: 'triggers.alarms[1]', message: 'triggers.alarms[1] must be at most 255 characters long, not 256' },
    ]);
  });
});

describe('depth', () => {
  it('measures JSON, YAML and values without recursion, 10,000 levels deep', () => {
    // Act / Assess
    expect(jsonTextDepth(`{"a": "[[[", "b": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`)).toBe(10_001);
    expect(yamlTextDepth(`${'- '.repeat(10_000)}x\n`)).toBe(10_001);
    expect(yamlTextDepth('a:\n  b:\n    c: [1, {d: "[[["}]\n# [[[[\n')).toBe(5);
    expect(valueDepth(JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`))).toBe(MAX_DEPTH + 1);
  });

  it.each([
    ['JSON', `{"task": "t", "plot": [{"name": "a", "with": ${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`, 'JSON'],
    ['YAML lists', `task: t\nplot:\n  - name: a\n    with: ${'- '.repeat(10_000)}x\n`, 'YAML'],
    ['YAML flow', `task: t\nplot: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 'YAML'],
    ['YAML maps', `task: t\nplot:\n${Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n')}\n`, 'YAML'],
  ])('refuses %s 10,000 levels deep before parsing it, naming the limit', (_what, source, format) => {
    // Act
    const { errors } = checkTask(source);
    // Assess
    expect(errors).toStrictEqual([
      { code: 'too-deep', place: '', line: 1, column: 1, message: `the ${format} nests deeper than 64 levels: a task needs far fewer` },
    ]);
  });

  it('refuses a value nested deeper than the limit, and validates one at the limit', () => {
    // Prepare
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    let atLimit: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH - 4; i++) atLimit = [atLimit];
    // Act
    const refused = validateTask({ task: 't', plot: [run({ with: { ...run().with, extra: deep } })] });
    const accepted = validateTask({ task: 't', params: { p: { type: 'list', default: atLimit } }, plot: [run()] });
    // Assess
    expect(refused.errors).toStrictEqual([{ code: 'too-deep', place: '', message: 'the task nests deeper than 64 levels: a task needs far fewer' }]);
    expect(accepted.errors).toStrictEqual([]);
    expect(checkAsl(compileTask(accepted.task!))).toStrictEqual({ isValid: true, errors: [] });
  });
});

describe('many errors', () => {
  it('bounds "did you mean" and word lists: thousands of names cost neither quadratic time nor text', () => {
    // Prepare
    const names = Array.from({ length: 1000 }, (_, i) => `henchman-${i}`);
    // Act / Assess
    const padding = Array.from({ length: 255 }, (_, i) => `padding-${i}`);
    expect(closest('targat', [...padding, 'target'])).toBe('target');
    expect(closest('targat', [...padding, 'x', 'target'])).toBeUndefined(); // past the 256 candidates looked at
    expect(listWords(names, 'and')).toBe(`${names.slice(0, MAX_LISTED_WORDS).map((n) => `'${n}'`).join(', ')} and 980 more`);
  });

  it('reports 8,000 unknown fields and 8,000 unknown references, each once and located, and the history such a plot would write', () => {
    // Prepare
    let source = 'task: t\nplot:\n';
    for (let i = 0; i < 8000; i++) source += `  - { name: h${i}, provider: ssh, action: run, bogus: 1, with: { host: "\${nope${i}.x}", user: u, key: "\${secret:/mastermind/default/k}", command: x } }\n`;
    // Act
    const { errors } = checkTask(source);
    // Assess
    expect(errors.length).toBe(16_001);
    // 8,000 plain moves of 28 events each in the worst case, and the execution's 12 (rules/history.ts).
    const history = errors.filter((e) => e.code === 'history-budget');
    expect(history.map(({ place, message }) => ({ place, message: message.split(';')[0] }))).toStrictEqual([
      { place: 'plot[0]', message: 'the task could write 224,012 history events in the worst case, beyond the 25,000 Step Functions keeps for one execution' },
    ]);
    expect(errors.filter((e) => e.code !== 'history-budget').slice(0, 2).map(({ code, place, line }) => ({ code, place, line }))).toStrictEqual([
      { code: 'unknown-field', place: 'plot[0].bogus', line: 3 },
      { code: 'unknown-reference', place: 'plot[0].with.host', line: 3 },
    ]);
  }, 30_000);
});

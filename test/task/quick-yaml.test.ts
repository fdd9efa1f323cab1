/**
 * The fast reading of YAML (js-yaml, lambdas/task/quick-yaml.ts) against the reference reading (the `yaml` package,
 * `parseTask(source, { quick: false })`): for every document, either the fast reading declines (and the `yaml`
 * package reads it, errors and all, as before), or both give the same value and the reference has no error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { chainTask } from '../../bench/compile.bench.ts';
import { parseTask } from '#task/parse';
import { quickYamlValue } from '#task/quick-yaml';

/** Asserts the agreement of both readings of `source`; answers which reading parseTask takes. */
function agreement(source: string): 'quick' | 'yaml' {
  const reference = parseTask(source, { format: 'yaml', quick: false });
  const quick = quickYamlValue(source);
  const parsed = parseTask(source, { format: 'yaml' });
  expect({ value: parsed.value, errors: parsed.errors }).toStrictEqual({ value: reference.value, errors: reference.errors });
  if (!quick) return 'yaml';
  expect(reference.errors).toStrictEqual([]);
  expect(quick.value).toStrictEqual(reference.value);
  return 'quick';
}

describe('quickYamlValue', () => {
  // The yaml package warns on the process when it turns a collection key into text; expected here (the spy is
  // restored after each test: restoreMocks).
  beforeEach(() => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });

  // Scalars: the fast reading resolves them with the `yaml` core schema's own tests, so they all agree.
  it.each([
    'a: 1', 'a: -0', 'a: +5', 'a: 012', 'a: 09', 'a: 0o17', 'a: +0o17', 'a: 0x1F', 'a: -0x1F', 'a: 0b101', 'a: 1_000',
    'a: 1_000.5', 'a: .5', 'a: -.5', 'a: 1.', 'a: 0.', 'a: 1e3', 'a: 1E3', 'a: 1.0e+3', 'a: .inf', 'a: -.Inf', 'a: +.INF',
    'a: .nan', 'a: .NaN', 'a: 123456789012345678901234567890', `a: ${'9'.repeat(400)}`, 'a: 2001-12-14',
    'a: 2001-12-14t21:59:43.10-05:00', 'a: yes', 'a: no', 'a: on', 'a: Off', 'a: y', 'a: ~', 'a: null', 'a: Null',
    'a: NULL', 'a: nULL', 'a:', 'a: True', 'a: TRUE', 'a: tRUE', '<<: {x: 1}', '"null": 1', '{a}', '---\na: 1',
    'a: 1\n...\n', 'a: "x\ty"', 'a:\tb', 'a: b\t', 'a: [1 2]', 'a: "x\\ny"', 'a: "\\x41\\u0042\\U00000043"',
    'a: "\\N\\_\\L\\P"', 'a: "\\e\\0\\a"', "a: 'it''s'", 'a: x\n  y', 'a: x\n\n  y', 'a: x # c', 'a: x#c', 'a: "x" # c',
    'a: |\n  x\n  y\n', 'a: |-\n  x\n', 'a: |+\n  x\n\n', 'a: >\n  x\n  y\n\n  z\n', 'a: >-\n  x\n   y\n  z\n', 'a: |2\n   x\n',
    'a: >\n\n  x\n', 'a: |\n', 'a: >+\n', 'a: |\n  x\n\n\n', 'a: >\n  x\n\n   y\n  z', 'a:\n- 1\n- 2', 'a:\n  - 1\n  -  2',
    '{a: 1}', 'a: ?b', 'a: :b', 'a: b:c', '"a": 1', "'a': 1", '"a" : 1', 'a : 1', '"a\\nb": 1', 'a b: 1', 'a: b\n c',
    'a: \u00e9\u4e2d\ud83d\ude00', 'a: "\\ud83d\\ude00"', 'a: "\\ud83d"', '\ufeffa: 1', 'a: 1\r\nb: 2\r\n', 'a: x\u0085y',
    'a: x\u2028y', 'a: x\u00a0y', 'a: \u00a0', '__proto__: 1', 'a:\n  __proto__: {x: 1}', 'constructor: 1',
    'a: {b: [c, {d: e}], f: [[]]}', 'a: []', 'a: {}', 'a: [[[[[[[[[[1]]]]]]]]]]', 'a:\n  - - - x', 'a:\n  - b: 1\n    c: 2\n  - d',
    'a: "${params.x}"', 'a: ${params.x}', 'a: $${x}', 'host: "${x}:8080"', 'matches: web-*', 'cmd: a && b', 'cmd: a & b',
    'cmd: "a ! b"', 'cmd: a ! b', 'cmd: echo hi!', 'a: 50%', 'a: "%"', 'a: |\n  ---\n  x\n', 'a: 1\n... ', 'a: -1',
    'a:\n  - -1', "a: x'", 'a: x"', 'a: x!', '"a": {"b": 1}', '{"a": 1, "b": [1, 2]}', 'a: b  # c  ', '  a: 1\n  b: 2',
  ])('reads %j as the yaml package does', (source) => {
    // Act
    const reading = agreement(source);
    // Assess
    expect(reading).toBe('quick');
  });

  // What only the `yaml` package reads right (or reports as an error): the fast reading declines.
  it.each([
    // explicit tags and directives
    'a: !!str 1', 'a: !!int "1"', 'a: ! 1', 'a: !foo x', 'a: !!binary aGVsbG8=', 'a: !!timestamp 2001-12-14',
    'a: !<tag:yaml.org,2002:str> 1', 'a: !!set {x}', 'a: !!omap [a: 1]', '!!map {a: 1}', '%YAML 1.1\n---\na: yes',
    '%YAML 1.2\n---\na: 1', '%TAG !e! tag:example.com,2000:\n---\na: !e!x 1',
    // anchors, aliases, merge keys, and the alias bomb `yaml` stops
    'a: &x 1\nb: *x', 'a: &x {y: 1}\nb: *x', 'a: &x [1]\nb: *x', 'base: &b {x: 1}\nc:\n  <<: *b\n  y: 2', 'a: &x', 'a: *x',
    `a: &a [x, x]\n${Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [*${'abcdefgh'[i]}, *${'abcdefgh'[i]}]`).join('\n')}`,
    'matches: *.example', 'a: &', 'a: & x',
    // keys that are not text
    '~: 1', 'null: 1', ': 1', '? a\n: 1', '? [a, b]\n: 1', '? - a\n: 1', '[a]: 1', '[a, b]: 1', '{a: 1}: 2', '1: a',
    '1.0: a', 'true: a', '0x10: a', '.inf: a', '-0: a', '{~: a}', '{: a}', '[a: 1]', '[? a : 1]',
    // content on the line of a document marker
    '--- a: 1', '--- {a: 1}',
    // duplicate keys, several documents, documents that are not a map
    'a: 1\na: 2', 'a: 1\n"a": 2', '1: a\n"1": b', '1: a\n0o1: b', 'a: {b: 1, b: 2}', 'a: x\n---\nb: y', 'a: 1\n---\n',
    '--- |\n  x', '- a', 'x', '"x"', '', '# c', '[1]',
    // tabs, bare carriage returns, long keys, flow collections and quoted texts over several lines
    'a:\n\t- b', 'a:\n  b: 1\n\tc: 2', 'a: |\n  \tx\n', 'a: |\n\tx\n', '\ta: 1', 'a: 1\rb: 2', `${'x'.repeat(1030)}: 1`,
    `"${'x'.repeat(1030)}": 1`, `a: ${'x'.repeat(2000)}`, 'a: [\n1, 2]', 'a: [1,\n 2]', 'a: {\nb: 1}', 'a:\n  - [1,\n  2]',
    'a: "x\n  y"', 'a: "x\n\n  y"', "a: 'x\n  y'",
    'description: "a quoted text\n cut by a line break"\nplot: []',
    // syntax errors
    'a: [1, 2', 'a: [1,, 2]', 'a: "\\q"', 'a: |\n  x\n b: 1', 'a: b: c', 'a:\n  b\n  c: d', 'a: -', 'a: - b', 'a: ?',
    'a: ? b', 'a: "b":c', 'a: @b', 'a: `b', 'a: %b', 'a: |b', 'a:\n  b: 1\n c: 2', 'a:\n    b: 1\n  c: 2', 'a: 1\n  b: 2',
    'a: "\u0007"', 'a: \u0007', 'command: echo ${a}: done',
  ])('leaves %j to the yaml package', (source) => {
    // Act
    const reading = agreement(source);
    // Assess
    expect(reading).toBe('yaml');
  });

  it('reads the examples, the fixtures and the benchmark tasks itself', () => {
    // Prepare
    const files = ['examples', 'test/task/fixtures'].flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => readFileSync(`${dir}/${name}`, 'utf8')),
    );
    // Act
    const readings = [...files, chainTask(10), chainTask(100)].map(agreement);
    // Assess
    expect(readings).toStrictEqual(readings.map(() => 'quick'));
  });

  /** Plain scalars written as a person might, several of them spelled differently by YAML 1.1 or js-yaml. */
  const plainScalar = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        'x', 'web-1', 'ami-0123', '0', '-0', '007', '1.5', '1e3', '.5', '0x1F', '0o17', '0b1', '1_000', '.inf', '-.inf', '.nan',
        'true', 'False', 'yes', 'no', 'on', '~', 'null', 'NULL', '2001-12-14', '12:30', 'a b', 'a#b', 'a:b', 'a-', '${params.x}',
        'echo ${step-1.stdout}', '$${x}', 'web-*', 'a&b', 'hi!', 'é', '"q"', "'q'", '"a\\tb"', "'it''s'",
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom('x,y', '[x]', '{x}', '*x', '&x', '!x', '? x', '- x', '"\\q"', "'x") },
  );
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('a', 'task', 'with', 'host', 'a b', '"q"', "'r'", '<<', '"1"') },
    { weight: 1, arbitrary: fc.constantFrom('1', 'true', 'null', '~', '? k', '[k]', '-k', '{k: 1}') },
  );

  /** A YAML text for a value of some depth, in block or flow style, with a variable indentation. */
  const text: fc.Memo<string> = fc.memo((depth) =>
    depth <= 1
      ? plainScalar
      : fc.oneof(
          plainScalar,
          fc
            .uniqueArray(fc.tuple(key, text(depth - 1)), { minLength: 1, maxLength: 3, selector: ([k]) => k })
            .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
          fc.array(text(depth - 1), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
        ),
  );
  const document = fc
    .uniqueArray(fc.tuple(key, text(3), fc.constantFrom(' ', ' ', '  ', ' ', '\n  ', '\n    ', ' # c\n  ', '\n  - ', ' |\n  ', ' >-\n  ')), {
      minLength: 1,
      maxLength: 5,
      selector: ([k]) => k,
    })
    .map((pairs) => pairs.map(([k, v, gap]) => `${k}:${gap}${v}`).join('\n'));
  const mutation = fc.tuple(
    fc.nat(),
    fc.constantFrom('', ' ', '\n', '\t', ':', '-', '?', '#', '&a ', '*a', '!', '|', '>', '"', "'", '[', '{', ']', '}', ',', '%', '\r', '---\n', '\n--- ', '\n... '),
  );

  it('agrees with the yaml package on generated documents and on mutations of them', () => {
    fc.assert(
      fc.property(document, fc.array(mutation, { maxLength: 3 }), (source, edits) => {
        // Prepare
        const mutated = edits.reduce((text, [at, insert]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(insert === '' ? i + 1 : i);
        }, source);
        // Act, Assess (agreement asserts)
        agreement(source);
        agreement(mutated);
      }),
      { numRuns: 400 },
    );
  });
});

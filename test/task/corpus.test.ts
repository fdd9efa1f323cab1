/**
 * The corpus of invalid tasks: test/task/corpus/<code>.yaml, one per error code, each opening with the
 * errors it must produce and no others: `# expect: <code> at <place>` ((document) for the whole document).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTask } from '#task/validate';

const directory = new URL('./corpus/', import.meta.url);
const files = readdirSync(directory).filter((f) => f.endsWith('.yaml')).sort();

/** Every code parseTask and validateTask can give; the corpus holds one file for each. */
const CODES = [
  'backslash-with-reference', 'bad-condition', 'bad-duration', 'beyond-invocation', 'bad-name', 'concurrency-without-each', 'duplicate-field', 'duplicate-name',
  'each-not-list', 'empty-document', 'fire-conflict', 'history-budget', 'invalid-value', 'item-outside-each', 'missing-field',
  'missing-input', 'multiple-documents', 'not-in-enum', 'one-of-inputs', 'out-of-range', 'output-not-guaranteed',
  'output-of-fire', 'reference-not-text', 'reference-syntax', 'reserved-key', 'reserved-name', 'retreat-forward', 'secret-not-reference', 'secret-outside-project', 'secret-with-reference', 'shell-placeholder',
  'shell-reference-quoted', 'too-deep',
  'unbounded-loop', 'undo-input-unsatisfied', 'unknown-action', 'unknown-execution-field', 'unknown-expect-field',
  'unknown-field', 'unknown-input', 'unknown-output', 'unknown-param', 'unknown-project-setting', 'unknown-provider',
  'unknown-reference', 'unknown-target', 'unknown-trigger-field', 'unknown-undo-action', 'unreachable-henchman', 'wrong-input-type',
  'wrong-param-type', 'wrong-type', 'yaml-syntax',
];

function expectations(source: string): { code: string; place: string }[] {
  const found: { code: string; place: string }[] = [];
  for (const line of source.split('\n')) {
    const match = /^# expect: (\S+) at (.+)$/.exec(line);
    if (!match) break;
    found.push({ code: match[1]!, place: match[2] === '(document)' ? '' : match[2]! });
  }
  return found;
}

describe('corpus of invalid tasks', () => {
  it('holds one file for every error code (json-syntax aside: a .yaml file is read as YAML)', () => {
    // Act
    const codes = files.map((f) => f.replace(/\.yaml$/, ''));
    // Assess
    expect(codes).toStrictEqual([...CODES].sort());
  });

  it.each(files)('%s produces exactly the errors it expects', (file) => {
    // Prepare
    const source = readFileSync(new URL(file, directory), 'utf8');
    const expected = expectations(source);
    // Act
    const { task, errors } = checkTask(source);
    // Assess
    expect(expected.length).toBeGreaterThan(0);
    expect(expected[0]!.code).toBe(file.replace(/\.yaml$/, ''));
    expect(task).toBeUndefined();
    expect(errors.map(({ code, place }) => ({ code, place }))).toStrictEqual(expected);
    for (const error of errors) {
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.line).toBeGreaterThan(0);
      expect(error.column).toBeGreaterThan(0);
    }
  });
});

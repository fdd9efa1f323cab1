import { describe, expect, it } from 'vitest';
import { guessFormat, parseTask } from '#task/parse';

describe('parseTask', () => {
  it('reads YAML and locates map members at their key and list items at their start', () => {
    // Prepare
    const source = 'task: a\nplot:\n  - name: x\n    with: { host: "h" }\n';
    // Act
    const parsed = parseTask(source);
    // Assess
    expect(parsed.value).toStrictEqual({ task: 'a', plot: [{ name: 'x', with: { host: 'h' } }] });
    expect(parsed.errors).toStrictEqual([]);
    expect(parsed.locate(['plot', 0, 'with', 'host'])).toStrictEqual({ line: 4, column: 13 });
    expect(parsed.locate(['plot', 0])).toStrictEqual({ line: 3, column: 5 });
    expect(parsed.locate([])).toStrictEqual({ line: 1, column: 1 });
  });

  it('locates a place that does not exist at its nearest enclosing node', () => {
    // Prepare
    const parsed = parseTask('task: a\nplot:\n  - name: x\n    with: { host: "h" }\n');
    // Act
    const missingInput = parsed.locate(['plot', 0, 'with', 'port']);
    const missingItem = parsed.locate(['plot', 3]);
    // Assess
    expect(missingInput).toStrictEqual({ line: 4, column: 5 });
    expect(missingItem).toStrictEqual({ line: 2, column: 1 });
  });

  it('reads JSON, guessed from the leading brace, with positions', () => {
    // Prepare
    const source = '{\n  "task": "a",\n  "plot": [ { "name": "x" } ]\n}';
    // Act
    const parsed = parseTask(source);
    // Assess
    expect(guessFormat(source)).toBe('json');
    expect(parsed.value).toStrictEqual({ task: 'a', plot: [{ name: 'x' }] });
    expect(parsed.locate(['plot', 0, 'name'])).toStrictEqual({ line: 3, column: 15 });
  });

  it('reports a JSON syntax error with its line and column', () => {
    // Act
    const parsed = parseTask('{"task": "a",\n "plot": [}');
    // Assess
    expect(parsed.value).toBeUndefined();
    expect(parsed.errors.map(({ code, line, column }) => ({ code, line, column }))).toStrictEqual([{ code: 'json-syntax', line: 2, column: 11 }]);
    expect(parsed.errors[0]!.message.startsWith('the JSON cannot be read: ')).toBe(true);
  });

  it('reports a YAML syntax error with line and column (an unclosed quote: where the input ends)', () => {
    // Act
    const parsed = parseTask('task: a\nplot:\n  - name: "x\n');
    // Assess
    expect(parsed.value).toBeUndefined();
    expect(parsed.errors.map(({ code, place, line, column }) => ({ code, place, line, column }))).toStrictEqual([
      { code: 'yaml-syntax', place: '', line: 4, column: 1 },
    ]);
  });

  it.each([
    ['task: a\n---\ntask: b\n', { code: 'multiple-documents', place: '', line: 2, column: 1, message: 'the source holds more than one document: write one task per file, without "---" between tasks' }],
    ['task: a\ntask: b\n', { code: 'duplicate-field', place: '', line: 2, column: 1, message: "the field 'task' is written twice in the same map" }],
    ['# nothing\n', { code: 'empty-document', place: '', line: 1, column: 1, message: 'the document is empty: a task needs at least `task` and `plot`' }],
  ])('reports %j', (source, error) => {
    // Act
    const parsed = parseTask(source);
    // Assess
    expect(parsed.errors).toStrictEqual([error]);
  });

  it('parses a flow mapping as YAML when told so', () => {
    // Act
    const parsed = parseTask('{task: a}', { format: 'yaml' });
    // Assess
    expect(parsed).toMatchObject({ value: { task: 'a' }, errors: [] });
  });
});

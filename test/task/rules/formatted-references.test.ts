import { describe, expect, it } from 'vitest';
import { formattedReferences } from '#task/rules/formatted-references';
import type { Task } from '#task/schema';
import { check, run, taskOf } from '../fixtures/tasks.ts';

const withParams = (task: Task): Task => ({ ...task, params: { hosts: { type: 'list' }, tags: { type: 'map' }, zone: { type: 'string' } } });

describe('formatted-references rule', () => {
  it('accepts single values inside text, lists as whole values, and lists inside shell commands', () => {
    // Prepare
    const task = withParams(
      taskOf(run({ with: { ...run().with, host: 'web-${params.zone}', command: 'echo ${params.hosts}' } }), run({ name: 'all', each: '${params.hosts}' })),
    );
    // Act
    const errors = check(formattedReferences, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it.each([
    ['${params.hosts}', 'a list', 'one item such as ${params.hosts[0]}'],
    ['${params.tags}', 'a map of texts (name: value)', 'one of its fields'],
  ])('reports %s formatted into a longer text', (reference, words, advice) => {
    // Prepare
    const task = withParams(taskOf(run({ with: { ...run().with, host: `web-${reference}` } })));
    // Act
    const errors = check(formattedReferences, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'reference-not-text',
        place: 'plot[0].with.host',
        message: `henchman 'connect' formats ${reference} into a longer text, but it is ${words}: only a single value can stand inside text; give it as the whole value, or refer to ${advice}`,
      },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { taskJsonSchema } from '#task/json-schema';

const REGENERATE =
  'schema/task.schema.json is out of date with lambdas/task/schema.ts; regenerate it with:\n' +
  `  npx tsx -e "import('#task/json-schema').then(m => require('node:fs').writeFileSync('schema/task.schema.json', JSON.stringify(m.taskJsonSchema(), null, 2) + '\\n'))"`;

describe('taskJsonSchema', () => {
  it('is what schema/task.schema.json holds', () => {
    // Prepare
    const stored = readFileSync(new URL('../../schema/task.schema.json', import.meta.url), 'utf8');
    // Act
    const generated = `${JSON.stringify(taskJsonSchema(), null, 2)}\n`;
    // Assess
    expect(stored === generated, REGENERATE).toBe(true);
  });

  it('names itself and describes the task fields', () => {
    // Act
    const schema = taskJsonSchema() as { $schema: string; $id: string; title: string; required: string[]; properties: Record<string, unknown>; additionalProperties: boolean };
    // Assess
    expect({ $schema: schema.$schema, $id: schema.$id, title: schema.title, required: schema.required, additionalProperties: schema.additionalProperties }).toStrictEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:mastermind:schema:task',
      title: 'Mastermind task',
      required: ['task', 'plot'],
      additionalProperties: false,
    });
    expect(Object.keys(schema.properties)).toStrictEqual(['task', 'project', 'description', 'params', 'triggers', 'rollback', 'timeout', 'plot']);
  });
});

/**
 * The JSON Schema of the task language, for editors (YAML language server, VS Code): generated from the
 * zod schema and stored in schema/task.schema.json (a test keeps the file equal to this function's answer).
 */
import { z } from 'zod';
import { taskSchema } from './schema.ts';

export const TASK_SCHEMA_ID = 'urn:mastermind:schema:task';

export function taskJsonSchema(): object {
  const { $schema, ...body } = z.toJSONSchema(taskSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema: $schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: TASK_SCHEMA_ID,
    title: 'Mastermind task',
    description: 'A Mastermind task: its params, triggers and plot (the henchmen, the moves of the game).',
    ...body,
  };
}

import { taskJsonSchema } from '#task/json-schema';
import type { Command } from './io.ts';

export const usage = 'mastermind schema';

/** The JSON Schema of the task language (what schema/task.schema.json holds). */
export const schema: Command = async (args, io) => {
  if (args.length > 0) {
    io.stderr(`usage: ${usage}\n`);
    return 2;
  }
  io.stdout(`${JSON.stringify(taskJsonSchema(), null, 2)}\n`);
  return 0;
};

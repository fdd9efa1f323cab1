import { catalogMarkdown } from '#task/catalog-doc';
import type { Command } from './io.ts';

export const usage = 'mastermind providers';

/** The providers, their actions, inputs and outputs, as Markdown. */
export const providers: Command = async (args, io) => {
  if (args.length > 0) {
    io.stderr(`usage: ${usage}\n`);
    return 2;
  }
  io.stdout(catalogMarkdown());
  return 0;
};

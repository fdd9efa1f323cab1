/** The mastermind CLI: `npx mastermind <command>` (bin/mastermind.mjs runs this file through tsx). */
import { processIo } from './commands/io.ts';
import { main } from './commands/index.ts';

process.exitCode = await main(process.argv.slice(2), processIo);

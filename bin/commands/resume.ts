/**
 * `mastermind resume`: starts a new execution of the same task version at the move an ended execution failed on
 * (or at `--from`, an earlier henchman), the outputs of the moves before it carried over, through the API.
 */
import { parseArgs } from 'node:util';
import type { Command } from './io.ts';
import { shortExecutionId } from './execution-id.ts';
import { actOnExecution, oneExecution, URL_OPTION } from './remote.ts';

export const usage = 'mastermind resume <project>/<task>/<execution> | <execution ARN> [--from <henchman>] [--json] [--url <API URL>]';

interface Resumed {
  project: string;
  task: string;
  name: string;
  version?: number;
  executionArn: string;
  consoleUrl: string;
  resumes: { name: string; failed: string; from: string; carried: string[] };
}

export const resume: Command = async (args, io) => {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { ...URL_OPTION, from: { type: 'string' } } });
  const execution = oneExecution(positionals);
  const answer = await actOnExecution(execution, 'resume', values.from !== undefined ? { from: values.from } : {}, [201], io, values.url);
  if (!answer) return 1;
  const r = answer.body as Resumed;
  const carried = r.resumes.carried.length > 0 ? r.resumes.carried.join(', ') : 'none';
  io.stdout(
    `started ${shortExecutionId(r)}${r.version !== undefined ? ` (version ${r.version})` : ''}, resuming ${shortExecutionId({ ...r, name: r.resumes.name })} from ${r.resumes.from}\n` +
      `carried over (not played again): ${carried}\narn     ${r.executionArn}\nconsole ${r.consoleUrl}\n`,
  );
  return 0;
};

/** The CLI run in-process against an API URL (local mode's), with what it printed and its exit code. */
import { main } from '../../bin/commands/index.ts';

export async function runCli(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...args, '--url', url], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

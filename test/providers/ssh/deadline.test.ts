/**
 * The ssh provider against a real sshd: a henchman's timeout (context.timeout) ends the command on the host before the
 * move fails with Mastermind.Timeout, and a detached command (context.detach) is started, polled until it ends and
 * cleaned up, with the output an attached run gives; one ended by its timeout while detached leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderContext, ProviderResult } from '#providers/contract';
import type { DetachedJob } from '#providers/ssh/detached';
import { startSshd, type Sshd } from '../../support/sshd.ts';
import { callSsh, connection, described } from './harness.ts';

let sshd: Sshd;

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
});

/** A context of its own for each test: its own execution, so its own job directory on the host. */
function contextOf(more: Partial<ProviderContext>): Partial<ProviderContext> {
  return { execution: `arn:aws:states:eu-west-1:123456789012:execution:ssh-test:${randomUUID()}`, ...more };
}

/** Plays a detached move to its end as the poll loop does: phase do, then polls with the first answer's state. */
async function playDetached(action: string, input: Record<string, unknown>, context: Partial<ProviderContext>): Promise<{ first: ProviderResult | Error; last: unknown; polls: number }> {
  const first = await callSsh(action, input, { context });
  if (first instanceof Error || !('poll' in first)) return { first, last: first, polls: 0 };
  let polls = 0;
  for (;;) {
    await sleep(500);
    polls += 1;
    const answer = await callSsh(action, input, { phase: 'poll', poll: first.poll.state, context });
    if (!(answer instanceof Error && answer.name === 'Mastermind.Waiting')) return { first, last: answer, polls };
  }
}

describe('ssh run within the henchman timeout', () => {
  it('ends the command on the host when the henchman timeout runs out first, and fails with Mastermind.Timeout', async () => {
    // Prepare
    const marker = join(sshd.dir, `late-${randomUUID()}`);

    // Act
    const result = await callSsh('run', { ...connection(sshd), command: `echo started >&2; sleep 3; echo late >> ${marker}` }, { context: contextOf({ timeout: 1 }) });
    await sleep(4000); // past the sleep: had the command gone on, the marker would be there

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Timeout',
      message: `henchman 'remote' ran out of its timeout (1s): the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}; stderr: started`,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps the command\'s own timeout when it is the smaller limit (Mastermind.Failed, as before)', async () => {
    // Act
    const result = await callSsh('run', { ...connection(sshd), command: 'sleep 30', timeout: '1s' }, { context: contextOf({ timeout: 60 }) });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the command did not finish within 1s on ${sshd.user}@127.0.0.1:${sshd.port} and was ended`,
    });
  });

  it('refuses an attached command whose timeout is beyond one invocation, before anything runs', async () => {
    // Prepare
    const marker = join(sshd.dir, `never-${randomUUID()}`);

    // Act
    const result = await callSsh('run', { ...connection(sshd), command: `touch ${marker}`, timeout: '20m' }, { context: contextOf({}) });

    // Assess
    expect(described(result)).toStrictEqual({
      name: 'Mastermind.Invalid',
      message:
        'timeout 1200s is beyond what one provider invocation may spend (14m) and this move was compiled to run attached: write the timeout literally (the compiler then runs it detached) or give the henchman a timeout',
    });
    expect(existsSync(marker)).toBe(false);
  });
});

describe('ssh run and script detached', () => {
  it('starts the command detached, answers poll until it ends, then gives the attached output and removes its files', async () => {
    // Prepare: the henchman's 60 s, less than the command's own 5m, set the limit (byDeadline)
    const context = contextOf({ detach: true, timeout: 60 });
    const input = { ...connection(sshd), command: 'sleep 1; echo out; echo err >&2; exit 3', allowExitCodes: [3] };

    // Act
    const { first, last } = await playDetached('run', input, context);

    // Assess
    const job = (first as { poll: { after: number; state: DetachedJob } }).poll;
    const execution = context.execution!.split(':').pop()!;
    expect(job).toStrictEqual({
      after: 2,
      state: { dir: `.mastermind/${execution}/remote-1-do`, until: job.state.until, seconds: 60, byDeadline: true, henchman: 'remote', timeout: 60 },
      waitingFor: 'the detached command to end (its limit: 60 s)',
      for: { execution: context.execution, attempt: 1 },
    });
    expect(last).toStrictEqual({ output: { exitCode: 3, stdout: 'out', stderr: 'err', truncated: false } });
    expect(existsSync(join(homedir(), '.mastermind', execution))).toBe(false);
  });

  it('gives exactly what an attached run gives for output beyond the kept tail', async () => {
    // Prepare: 40,000 characters of stdout, more than the 8 KiB kept
    const input = { ...connection(sshd), command: "awk 'BEGIN { for (i = 0; i < 4000; i++) printf \"%09d\\n\", i }'" };

    // Act
    const attached = await callSsh('run', input, { context: contextOf({}) });
    const { last: detached } = await playDetached('run', input, contextOf({ detach: true }));

    // Assess
    expect((attached as { output: { truncated: boolean } }).output.truncated).toBe(true);
    expect(detached).toStrictEqual(attached);
  });

  it('ends a detached command on the host at its timeout: nothing it would do later lands', async () => {
    // Prepare
    const marker = join(sshd.dir, `late-${randomUUID()}`);
    const context = contextOf({ detach: true, timeout: 60 });
    const started = Date.now();

    // Act
    const { last } = await playDetached('run', { ...connection(sshd), command: `echo begun >&2; sleep 4; echo late >> ${marker}`, timeout: '1s' }, context);
    await sleep(Math.max(0, started + 5000 - Date.now())); // past the sleep

    // Assess
    expect(described(last)).toStrictEqual({
      name: 'Mastermind.Failed',
      message: `the command did not finish within 1s on ${sshd.user}@127.0.0.1:${sshd.port} and was ended; stderr: begun`,
    });
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(homedir(), '.mastermind', context.execution!.split(':').pop()!))).toBe(false);
  });

  it('names the henchman when its timeout ends a detached command', async () => {
    // Prepare
    const marker = join(sshd.dir, `late-${randomUUID()}`);
    const started = Date.now();

    // Act
    const { last } = await playDetached('run', { ...connection(sshd), command: `sleep 4; echo late >> ${marker}`, timeout: '2h' }, contextOf({ detach: true, timeout: 1 }));
    await sleep(Math.max(0, started + 5000 - Date.now()));

    // Assess
    expect(described(last)).toStrictEqual({
      name: 'Mastermind.Timeout',
      message: `henchman 'remote' ran out of its timeout (1s): the command was ended on ${sshd.user}@127.0.0.1:${sshd.port}`,
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('runs a script detached and removes the uploaded script with the job', async () => {
    // Prepare
    const out = join(sshd.dir, `script-${randomUUID()}`);
    const context = contextOf({ detach: true });

    // Act
    const { last } = await playDetached('script', { ...connection(sshd), script: `echo "$0" > ${out}\necho done` }, context);

    // Assess
    expect(last).toStrictEqual({ output: { exitCode: 0, stdout: 'done', stderr: '', truncated: false } });
    const scriptPath = (await readFile(out, 'utf8')).trim();
    expect(scriptPath).toMatch(/^\/tmp\/mastermind-script-[0-9a-f]{24}$/);
    expect(existsSync(scriptPath)).toBe(false);
  });
});

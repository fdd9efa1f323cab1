/**
 * The compiler and the local engine (GitHub issue 2): compile time at scale, state transitions per henchman and
 * per poll round on the happy path, and rehearsal time of a 100-henchman task. Issue 10: bytes of the compiled
 * definition (Step Functions takes at most 1 MB), and what a retreat and a rollback cost in transitions.
 */
import { performance } from 'node:perf_hooks';
import { parse, stringify } from 'yaml';
import { loadScenario, rehearsalHandler } from '#engine/rehearsal';
import { runTask, type ProviderHandler } from '#engine/run';
import { compileSource, compileTask } from '#task/compile';
import { parseTask } from '#task/parse';
import { checkShape } from '#task/rules/schema';
import { validateTask } from '#task/validate';
import { median, type Row } from './row.ts';

/** A task of n ssh moves, each reading the one before, every fifth with an expect and a retry. */
export function chainTask(n: number): string {
  const plot = Array.from({ length: n }, (_, i) => ({
    name: `step-${i}`,
    provider: 'ssh',
    action: 'run',
    with: {
      host: i === 0 ? '${params.host}' : `\${step-${i - 1}.stdout}`,
      user: 'ops',
      key: '${secret:/mastermind/default/ssh-key}',
      command: i === 0 ? 'uptime' : `echo \${step-${i - 1}.exitCode}`,
    },
    ...(i % 5 === 4 ? { expect: { exitCode: 0 }, retry: { attempts: 2, interval: '1s' } } : {}),
  }));
  return stringify({ task: `chain-${n}`, params: { host: { type: 'string', default: '10.0.0.1' } }, plot });
}

/** A task of n plain ssh moves (nothing but host, user, key and command). */
export function plainTask(n: number): string {
  return stringify({
    task: `plain-${n}`,
    plot: Array.from({ length: n }, (_, i) => ({ name: `step-${i}`, provider: 'ssh', action: 'run', with: { host: 'h', user: 'ops', key: '${secret:/mastermind/default/ssh-key}', command: 'true' } })),
  });
}

/**
 * Issue 10's plot: n moves, each an ec2 launch (a polled action) with `undo: terminate` and `onFailure: { retreat:
 * <the first move>, times: 2 }`, with `rollback: true`. Its worst case is beyond the history budget (validate refuses
 * it for that), but its definition is what the 1 MB limit is about.
 */
export function retreatTask(n: number): string {
  return stringify({
    task: `retreat-${n}`,
    rollback: true,
    plot: Array.from({ length: n }, (_, i) => ({
      name: `move-${i}`,
      provider: 'ec2',
      action: 'launch',
      with: { imageId: 'ami-0123456789abcdef0' },
      undo: 'terminate',
      onFailure: { retreat: 'move-0', times: 2 },
    })),
  });
}

/**
 * A provider that answers every move at once ({ instanceId }), except the do of `henchman`, which fails
 * (Mastermind.Failed, "<henchman> could not launch") the first `times` times it is played: a retreat of the plot above.
 */
export function failingMove(henchman: string, times = 1): ProviderHandler {
  let failed = 0;
  return async (event) => {
    if (event.context.henchman === henchman && event.phase === 'do' && failed < times) {
      failed += 1;
      throw Object.assign(new Error(`${henchman} could not launch`), { name: 'Mastermind.Failed' });
    }
    return { output: { instanceId: `i-${event.context.henchman}` } };
  };
}

/** Bytes of the compiled definition (compiled in full, whatever limit the task meets). */
export function definitionBytes(source: string): number {
  return Buffer.byteLength(JSON.stringify(compileTask(checkShape(parseTask(source).value).task!)), 'utf8');
}

/**
 * The codes of the limits a 1,000-henchman plot meets (25,000 history events in the worst case, 1 MB of definition):
 * such a task is refused, but parsed, validated and compiled in full all the same, and that is what is timed.
 */
const SCALE_LIMITS = new Set(['history-budget', 'definition-too-large']);

function compileMs(source: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const parsed = parseTask(source);
    const checked = validateTask(parsed.value);
    const beyondLimits = checked.errors.length > 0 && checked.errors.every((e) => SCALE_LIMITS.has(e.code));
    const task = checked.task ?? (beyondLimits ? checkShape(parsed.value).task : undefined);
    if (!task) throw new Error(`the bench task does not compile: ${JSON.stringify(checked.errors[0])}`);
    compileTask(task);
    times.push(performance.now() - started);
  }
  return median(times);
}

const answer: ProviderHandler = async () => ({ output: { exitCode: 0, stdout: '10.0.0.2', stderr: '', truncated: false } });

async function transitions(source: string, handler: ProviderHandler): Promise<number> {
  const { definition } = compileSource(source, { format: 'yaml' });
  // Started as the API starts it (params and trigger given); a console start with {} takes one transition more.
  const result = await runTask(definition!, { params: {}, trigger: { type: 'api' } }, { handler, skipWaits: true });
  if (result.status !== 'SUCCEEDED') throw new Error(`the bench execution ended ${result.status}: ${result.error}`);
  return result.transitions;
}

function pollTask(): string {
  return stringify({
    task: 'poll',
    plot: [{ name: 'provision', provider: 'ec2', action: 'launch', with: { imageId: 'ami-0123456789abcdef0' } }],
  });
}

/** Answers "ask me again" to the do and to the first `rounds - 1` polls, then the output. */
function pollingHandler(rounds: number): ProviderHandler {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls <= rounds) return { poll: { after: 10, state: { instanceId: 'i-0123456789abcdef0' } } };
    return { output: { instanceId: 'i-0123456789abcdef0', state: 'running' } };
  };
}

export async function run(): Promise<Row[]> {
  const rows: Row[] = [];
  const sources = new Map([10, 100, 1000].map((n) => [n, chainTask(n)]));
  const json = JSON.stringify(parse(sources.get(1000)!));
  compileMs(sources.get(100)!, 5); // warm up
  const ms = new Map<number, number>();
  for (const [n, runs] of [[10, 200], [100, 50], [1000, 15]] as const) {
    ms.set(n, compileMs(sources.get(n)!, runs));
    rows.push({ name: `compile ${n} henchmen (parse+validate+compile, median)`, value: ms.get(n)!, unit: 'ms', target: n === 1000 ? '≤ 50 ms' : undefined });
  }
  rows.push({ name: 'compile growth 100 → 1000 henchmen', value: ms.get(1000)! / ms.get(100)!, unit: '×', target: '≤ 12×' });
  rows.push({ name: 'compile 1000 henchmen written as JSON (median)', value: compileMs(json, 15), unit: 'ms', target: '≤ 50 ms' });
  for (const n of [100, 1000]) {
    rows.push({ name: `definition of ${n} chained henchmen (bytes; Step Functions takes 1,048,576)`, value: definitionBytes(sources.get(n)!), unit: 'bytes' });
  }
  rows.push(...sizeRows());
  rows.push(...(await chainRows()));

  const t10 = await transitions(chainTask(10), answer);
  const p10 = await transitions(plainTask(10), answer);
  const p20 = await transitions(plainTask(20), answer);
  const perHenchman = (p20 - p10) / 10;
  rows.push({ name: 'state transitions per plain henchman (happy path)', value: perHenchman, unit: 'transitions', target: '1.0' });
  rows.push({ name: 'fixed state transitions per execution', value: p10 - 10 * perHenchman, unit: 'transitions', target: '≤ 2' });
  rows.push({ name: 'state transitions, 10-henchman chain (2 with expect)', value: t10, unit: 'transitions' });
  const r0 = await transitions(pollTask(), pollingHandler(0));
  const r1 = await transitions(pollTask(), pollingHandler(1));
  const r5 = await transitions(pollTask(), pollingHandler(5));
  rows.push({ name: 'state transitions per poll round (mean of 5 rounds)', value: (r5 - r0) / 5, unit: 'transitions', target: '≤ 2' });
  // A move that waits is one Task state (README "Choices"): answered at once, it costs what a plain move costs; its first
  // round is the Wait and the Task entered again.
  rows.push({ name: 'state transitions of a move that waits, answered at once (its Task)', value: r0 - 2, unit: 'transitions', target: '1' });
  rows.push({ name: 'state transitions, first poll round (Wait, the Task again)', value: r1 - r0, unit: 'transitions', target: '≤ 2' });
  rows.push({ name: 'state transitions, each later poll round (a Retry)', value: (r5 - r1) / 4, unit: 'transitions', target: '≤ 2' });

  rows.push(...(await walkRows()));

  const hundred = compileSource(chainTask(100), { format: 'yaml' }).definition!;
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    const result = await runTask(hundred, { params: {} }, { handler: rehearsalHandler(loadScenario('{}')), skipWaits: true });
    times.push(performance.now() - started);
    if (result.status !== 'SUCCEEDED') throw new Error(`rehearsal ended ${result.status}`);
  }
  rows.push({ name: 'rehearsal of a 100-henchman task (median)', value: median(times), unit: 'ms', target: '≤ 1000 ms' });
  return rows;
}

/** Issue 10's targets, in bytes of the compiled definition. */
function sizeRows(): Row[] {
  const plain = new Map([1, 100, 200, 1000].map((n) => [n, definitionBytes(plainTask(n))]));
  const retreat = new Map([100, 200, 1000].map((n) => [n, definitionBytes(retreatTask(n))]));
  const chain100 = definitionBytes(chainTask(100));
  const chain1000 = definitionBytes(chainTask(1000));
  return [
    { name: 'definition bytes per plain henchman (ssh run; 100 → 200 henchmen)', value: (plain.get(200)! - plain.get(100)!) / 100, unit: 'bytes', target: '≤ 800' },
    {
      name: 'definition bytes per henchman with a polled action (ec2 launch), an undo and a retreat (100 → 200)',
      value: (retreat.get(200)! - retreat.get(100)!) / 100,
      unit: 'bytes',
      target: '≤ 3,072',
    },
    { name: 'definition growth 100 → 1,000 plain henchmen', value: plain.get(1000)! / plain.get(100)!, unit: '×', target: '≤ 11×' },
    { name: 'definition growth 100 → 1,000 chained henchmen', value: chain1000 / chain100, unit: '×', target: '≤ 11×' },
    { name: 'definition growth 100 → 1,000 henchmen that all retreat to the first', value: retreat.get(1000)! / retreat.get(100)!, unit: '×', target: '≤ 11×' },
    { name: 'definition of 100 henchmen that all retreat to the first, rollback (issue 10)', value: retreat.get(100)!, unit: 'bytes', target: '≤ 1,048,576' },
    { name: 'definition of 1,000 plain henchmen', value: plain.get(1000)!, unit: 'bytes', target: '≤ 1,048,576' },
  ];
}

/**
 * n ssh moves, each with an undo (an ssh run, answered at once) when `undo` says so, then "last", which fails as the
 * handler says: it retreats to the first move (`retreat`), or takes the abort route with rollback.
 */
function walkTask(n: number, retreat: boolean, undo = true): string {
  const ssh = { host: 'h', user: 'ops', key: '${secret:/mastermind/default/ssh-key}' };
  return stringify({
    task: `walk-${n}`,
    rollback: !retreat,
    plot: [
      ...Array.from({ length: n }, (_, i) => ({
        name: `step-${i}`,
        provider: 'ssh',
        action: 'run',
        with: { ...ssh, command: 'true' },
        ...(undo ? { undo: { action: 'run', with: { ...ssh, command: 'false' } } } : {}),
      })),
      { name: 'last', provider: 'ssh', action: 'run', with: { ...ssh, command: 'true' }, ...(retreat ? { onFailure: { retreat: 'step-0', times: 1 } } : {}) },
    ],
  });
}

/** A handler under which "last" fails `failures` times (its do), everything else answering at once. */
function failingLast(failures: number): ProviderHandler {
  let failed = 0;
  return async (event) => {
    if (event.context.henchman === 'last' && event.phase === 'do' && failed < failures) {
      failed += 1;
      throw Object.assign(new Error('exit 1'), { name: 'Mastermind.Failed' });
    }
    return { output: { exitCode: 0, stdout: '', stderr: '', truncated: false } };
  };
}

async function transitionsOf(source: string, handler: ProviderHandler): Promise<number> {
  const { definition } = compileSource(source, { format: 'yaml' });
  const result = await runTask(definition!, { params: {}, trigger: { type: 'api' } }, { handler, skipWaits: true });
  return result.transitions;
}

/**
 * What the undo walk costs (lambdas/task/compiler/walk.ts), from runs of n = 10 and 20 moves then "last": a retreat
 * from "last" to the first move, less the happy path and the n + 1 moves played again; the rollback, less the
 * start, the moves played and "task: aborted".
 */
async function walkRows(): Promise<Row[]> {
  const retreat = async (n: number, undo: boolean) =>
    (await transitionsOf(walkTask(n, true, undo), failingLast(1))) - (await transitionsOf(walkTask(n, true, undo), failingLast(0))) - (n + 1);
  const rollback = async (n: number) => (await transitionsOf(walkTask(n, false), failingLast(1))) - 2 - (n + 1) - 1;
  const perUndone = ((await retreat(20, true)) - (await retreat(10, true))) / 10;
  const r10 = await retreat(10, false);
  const perPassed = ((await retreat(20, false)) - r10) / 10;
  const b10 = await rollback(10);
  const perRolledBack = ((await rollback(20)) - b10) / 10;
  return [
    { name: 'state transitions of a retreat, per henchman walked back over whose move is undone', value: perUndone, unit: 'transitions' },
    { name: 'state transitions of a retreat, per henchman walked back over that has no undo (the walk visits only those with one)', value: perPassed, unit: 'transitions' },
    { name: 'state transitions of a retreat, fixed (retreat?, retreat, the next pass, the last step)', value: r10 - 10 * perPassed, unit: 'transitions' },
    { name: 'state transitions of the rollback, per move undone', value: perRolledBack, unit: 'transitions' },
    { name: 'state transitions of the rollback, fixed ("task: rollback", the last walk step)', value: b10 - 10 * perRolledBack, unit: 'transitions' },
  ];
}

/**
 * Issue 10's 100-henchman retreat plot is beyond one execution's history in the worst case, so it is played as a chain
 * of executions (lambdas/task/compiler/handover.ts): a retreat from its last move, rehearsed, and what the chain costs.
 */
async function chainRows(): Promise<Row[]> {
  const definition = compileSource(retreatTask(100));
  if (!('definition' in definition) || !definition.definition) throw new Error('the retreat plot does not compile');
  const result = await runTask(definition.definition, { params: {} }, { handler: failingMove('move-99'), skipWaits: true });
  if (result.status !== 'SUCCEEDED') throw new Error(`the chain ended ${result.status}`);
  return [
    { name: '100-henchman retreat plot, one retreat from its last move: executions in the chain', value: 1 + (result.handedOver?.length ?? 0), unit: '' },
    { name: '100-henchman retreat plot, one retreat from its last move: state transitions, all executions', value: result.transitions, unit: '' },
  ];
}

/**
 * The compiled definition meets Step Functions' documented limits, or the task is refused with the place that
 * causes it (lambdas/task/conformance.ts): through compileSource, which `validate`, `compile` and the API's save use.
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '#task/compile';

const A64 = 'a'.repeat(64);
const B64 = 'b'.repeat(64);

describe('conformance with Step Functions limits', () => {
  it('compiles a retreat and a rollback between two 64-character henchman names to state names of at most 80 (the undo walk names each henchman once)', () => {
    // Prepare: polling undos (their poll loops' helpers are the longest names), a retreat over both, the rollback.
    const source = `task: t
rollback: true
plot:
  - name: ${A64}
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    undo: terminate
    timeout: 1m
  - name: ${B64}
    provider: ec2
    action: start
    with: { instanceId: i-0123456789abcdef0 }
    undo: stop
    timeout: 1m
    onFailure: { retreat: ${A64}, times: 1 }
`;

    // Act
    const { definition, errors } = compileSource(source);

    // Assess
    expect(errors).toStrictEqual([]);
    const longest = Object.keys(definition!.States).filter((name) => name.length === 77).sort();
    expect(longest).toStrictEqual([`undo: ${A64} output`, `undo: ${B64} output`]);
    expect(Object.keys(definition!.States).every((name) => name.length <= 80)).toBe(true);
  });

  it('refuses a state name over 80 characters, at the henchman it is named after', () => {
    // Prepare: inside an each, an item whose output does not meet the expect is "<name>: item unexpected".
    const source = `task: t
params:
  ids: { type: list, default: [i-1] }
plot:
  - name: ${B64}
    provider: ec2
    action: start
    each: \${params.ids}
    with: { instanceId: "\${item}" }
    expect: { state: running }
    timeout: 1m
`;

    // Act
    const { definition, errors } = compileSource(source);

    // Assess
    expect(definition).toBeUndefined();
    expect(errors).toStrictEqual([
      {
        code: 'state-name-too-long',
        place: 'plot[0].name',
        line: 5,
        column: 5,
        message: `the state "${B64}: item unexpected" would be 81 characters, and Step Functions takes at most 80: shorten the henchman names it is made of by 1`,
      },
    ]);
  });

  it('refuses a retry beyond the ranges Step Functions takes at its field, naming the figure and the limit', () => {
    const source = `task: t
plot:
  - name: a
    provider: ec2
    action: tag
    with: { instanceId: i-0123456789abcdef0, tags: { a: b } }
    retry: { attempts: 2, interval: 1200d, maxDelay: 500d }
`;

    expect(compileSource(source).errors).toStrictEqual([
      { code: 'out-of-aws-range', place: 'plot[0].retry.interval', line: 7, column: 27, message: "the retry interval of henchman 'a' '1200d' is 103680000 s; a Retry's IntervalSeconds is at most 99999999 s: make it shorter" },
      { code: 'out-of-aws-range', place: 'plot[0].retry.maxDelay', line: 7, column: 44, message: "the retry maxDelay of henchman 'a' '500d' is 43200000 s; a Retry's MaxDelaySeconds is at most 31622400 s (366 days): make it shorter" },
    ]);
  });

  it('refuses a task that could run longer than a Standard execution (one year): its timeout, the grace and the rollback', () => {
    // The timeout alone is within the year (the durations rule takes it); with the rollback's bound it is not.
    const source = 'task: t\ntimeout: 31535970s\nrollback: true\nplot:\n  - { name: a, provider: ec2, action: launch, with: { imageId: ami-1 }, undo: terminate }\n';

    expect(compileSource(source).errors).toStrictEqual([
      {
        code: 'out-of-aws-range',
        place: 'timeout',
        line: 2,
        column: 1,
        message: 'the execution could run 31537500 s (the timeout, its grace and the rollback); a Step Functions execution runs at most one year (31536000 s): make the timeout shorter',
      },
    ]);
  });

  it('refuses a definition over 1 MB, naming its size', () => {
    // 600 plain moves with long names and long commands: within the history budget, over 1 MB once compiled.
    const plot = Array.from({ length: 600 }, (_, i) =>
      `  - { name: move-${String(i).padStart(40, '0')}, provider: ssh, action: run, with: { host: h, user: u, key: "\${secret:/mastermind/default/k}", command: "echo ${'x'.repeat(800)}" } }`,
    ).join('\n');
    const { errors } = compileSource(`task: t\nplot:\n${plot}\n`);

    expect(errors.map((e) => e.code)).toStrictEqual(['definition-too-large']);
    expect(errors[0]!.message).toMatch(/^the compiled definition is \d+ bytes; Step Functions takes at most 1048576: split the plot over several tasks, or use fewer retreats$/);
    expect(Number(/is (\d+) bytes/.exec(errors[0]!.message)![1])).toBeGreaterThan(1024 * 1024);
  });

  it('lets through a task that meets every limit', () => {
    const source = `task: t\nplot:\n  - { name: ${'a'.repeat(40)}, provider: ec2, action: launch, with: { imageId: ami-1 }, undo: terminate }\n`;

    expect(compileSource(source).errors).toStrictEqual([]);
  });
});

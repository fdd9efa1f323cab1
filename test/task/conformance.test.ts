/**
 * The compiled definition meets Step Functions' documented limits, or the task is refused with the place that
 * causes it (lambdas/task/conformance.ts): through compileSource, which `validate`, `compile` and the API's save use.
 */
import { describe, expect, it } from 'vitest';
import { compileSource } from '#task/compile';

const A = 'a'.repeat(60);
const B = 'b'.repeat(60);

describe('conformance with Step Functions limits', () => {
  it('refuses a state name over 80 characters, made of two valid henchman names, at the henchman it is named after', () => {
    // Prepare
    const source = `task: t
plot:
  - name: ${A}
    provider: ec2
    action: launch
    with: { imageId: ami-1 }
    undo: terminate
  - name: ${B}
    provider: ec2
    action: tag
    with: { instanceId: i-0123456789abcdef0, tags: { a: b } }
    onFailure: { retreat: ${A}, times: 1 }
`;

    // Act
    const { definition, errors } = compileSource(source);

    // Assess
    expect(definition).toBeUndefined();
    expect(errors).toStrictEqual([
      {
        code: 'state-name-too-long',
        place: 'plot[1].name',
        line: 8,
        column: 5,
        message: `the state "${B}: undo ${A} timed out" would be 137 characters, and Step Functions takes at most 80: shorten the henchman names it is made of by 57`,
      },
    ]);
  });

  it('refuses a retry beyond the ranges Step Functions takes, naming the state and the figure', () => {
    const source = `task: t
plot:
  - name: a
    provider: ec2
    action: tag
    with: { instanceId: i-0123456789abcdef0, tags: { a: b } }
    retry: { attempts: 2, interval: 1200d, maxDelay: 500d }
`;

    expect(compileSource(source).errors).toStrictEqual([
      { code: 'out-of-aws-range', place: 'plot[0].name', line: 3, column: 5, message: 'the state "a" would have IntervalSeconds 103680000; Step Functions takes at most 99999999: make the henchman\'s timeout or retry shorter' },
      { code: 'out-of-aws-range', place: 'plot[0].name', line: 3, column: 5, message: 'the state "a" would have MaxDelaySeconds 43200000; Step Functions takes at most 31622400: make the henchman\'s timeout or retry shorter' },
    ]);
  });

  it('refuses a task that could run longer than a Standard execution (one year)', () => {
    const source = 'task: t\ntimeout: 400d\nplot:\n  - { name: a, provider: ec2, action: tag, with: { instanceId: i-0123456789abcdef0, tags: { a: b } } }\n';

    expect(compileSource(source).errors).toStrictEqual([
      {
        code: 'out-of-aws-range',
        place: 'timeout',
        line: 2,
        column: 1,
        message: 'the execution could run 34560030 s (the timeout, its grace and the rollback); a Step Functions execution runs at most one year (31536000 s): make the timeout shorter',
      },
    ]);
  });

  it('refuses a definition over 1 MB, naming its size', () => {
    // 600 plain moves with long names and long commands: within the history budget, over 1 MB once compiled.
    const plot = Array.from({ length: 600 }, (_, i) =>
      `  - { name: move-${String(i).padStart(40, '0')}, provider: ssh, action: run, with: { host: h, user: u, key: "\${secret:/mastermind/default/k}", command: "echo ${'x'.repeat(600)}" } }`,
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

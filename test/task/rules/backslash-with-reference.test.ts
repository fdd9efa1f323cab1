import { describe, expect, it } from 'vitest';
import { checkTask } from '#task/validate';

const ADVICE =
  'a backslash cannot stand in text that is joined with a run-time reference (Step Functions\' States.Format and States.Array read it differently from asl-validator and the local engine): put that text in a param, or in a shell command, whose values travel apart';

describe('backslash-with-reference rule', () => {
  it('reports a backslash in text joined with a run-time reference, and in a list built at run time, with place, line and column', () => {
    // Prepare
    const source = String.raw`task: t
params:
  host: { type: string }
plot:
  - name: label
    provider: ec2
    action: tag
    with:
      instanceId: i-0123456789abcdef0
      tags: { share: '\\files\@{params.host}', path: 'C:\temp', whole: '@{params.host}' }
  - name: run
    provider: ssh
    action: run
    with: { host: h, user: ops, key: "@{secret:/mastermind/default/ssh-key}", command: "grep -E '\\d+' @{params.host}" }
  - name: many
    provider: ec2
    action: terminate
    with: { instanceIds: ['i-0\1', '@{params.host}'] }
`.replaceAll('@{', '${');

    // Act
    const { errors } = checkTask(source);

    // Assess
    expect(errors).toStrictEqual([
      { code: 'backslash-with-reference', place: 'plot[0].with.tags.share', line: 10, column: 15, message: ADVICE },
      { code: 'backslash-with-reference', place: 'plot[2].with.instanceIds[0]', line: 18, column: 27, message: ADVICE },
    ]);
  });

  it('lets a backslash stand in literal text, in a shell command and in a param default', () => {
    const source = String.raw`task: t
params:
  pattern: { type: string, default: '\d+ "quoted"' }
plot:
  - name: run
    provider: ssh
    action: run
    with: { host: 'h\1', user: ops, key: "@{secret:/mastermind/default/ssh-key}", command: "grep -E '\\d+' @{params.pattern}" }
`.replaceAll('@{', '${');

    expect(checkTask(source).errors).toStrictEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { checkTask } from '#task/validate';

describe('secret-with-reference rule', () => {
  it('reports a secret sharing a string with a run-time reference outside a shell field, with its place, line and column', () => {
    // Prepare
    const source = `task: t
project: web
params:
  user: { type: string }
plot:
  - name: provision
    provider: ec2
    action: launch
    with:
      imageId: ami-1
      tags: { auth: "\${params.user}:\${secret:/mastermind/web/token}", project: "\${project.region}-\${secret:/mastermind/web/token}" }
  - name: connect
    provider: ssh
    action: run
    with: { host: h, user: ops, key: "\${secret:/mastermind/web/ssh-key}", command: "login \${params.user} \${secret:/mastermind/web/token}" }
    undo: { action: run, with: { host: "\${provision.privateIp}-\${secret:/mastermind/web/token}", user: ops, key: "\${secret:/mastermind/web/ssh-key}", command: "true" } }
`;
    // Act
    const { errors } = checkTask(source);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'secret-with-reference',
        place: 'plot[0].with.tags.auth',
        line: 11,
        column: 15,
        message:
          '${secret:/mastermind/web/token} shares a string with the run-time reference ${params.user}: a secret resolves only in a string that holds nothing known at run time, so give it a field of its own (in a shell command, values are kept apart and may be mixed)',
      },
      {
        code: 'secret-with-reference',
        place: 'plot[1].undo.with.host',
        line: 16,
        column: 34,
        message:
          '${secret:/mastermind/web/token} shares a string with the run-time reference ${provision.privateIp}: a secret resolves only in a string that holds nothing known at run time, so give it a field of its own (in a shell command, values are kept apart and may be mixed)',
      },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { secretLayout } from '#task/secret-layout';
import { checkTask } from '#task/validate';

const source = `task: t
project: web
plot:
  - name: connect
    provider: ssh
    action: run
    with:
      host: h
      user: ops
      key: "\${secret:/mastermind/db/ssh-key}"
      command: "login \${secret:/mastermind/web/token} \${secret:/mastermind/_shared/ca}"
    undo: { action: run, with: { host: h, user: ops, key: "\${secret:/ops/key}", command: "$\${secret:/ops/not-a-secret}" } }
`;

describe('secret-scope rule', () => {
  it("reports every secret outside the project's path and the shared one, with its place, line and column", () => {
    // Act
    const { errors } = checkTask(source);
    // Assess
    const rule = 'a task of project web names only secrets under /mastermind/web/ or the shared /mastermind/_shared/';
    expect(errors).toStrictEqual([
      {
        code: 'secret-outside-project',
        place: 'plot[0].with.key',
        line: 10,
        column: 7,
        message: `\${secret:/mastermind/db/ssh-key} is not one of project web's secrets: ${rule}`,
      },
      {
        code: 'secret-outside-project',
        place: 'plot[0].undo.with.key',
        line: 12,
        column: 54,
        message: `\${secret:/ops/key} is not one of project web's secrets: ${rule}`,
      },
    ]);
  });

  it('checks against the project the task is saved in and the layout given', () => {
    // Act
    const saved = checkTask(source.replace('project: web\n', ''), { projectName: 'db', secrets: secretLayout({ shared: '/ops/' }) });
    // Assess
    const rule = 'a task of project db names only secrets under /mastermind/db/ or the shared /ops/';
    expect(saved.errors.map(({ place, message }) => ({ place, message }))).toStrictEqual([
      { place: 'plot[0].with.command', message: `\${secret:/mastermind/web/token} is not one of project db's secrets: ${rule}` },
      { place: 'plot[0].with.command', message: `\${secret:/mastermind/_shared/ca} is not one of project db's secrets: ${rule}` },
    ]);
  });
});

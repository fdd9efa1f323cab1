import { describe, expect, it } from 'vitest';
import { shell } from '#task/rules/shell';
import { check, run, taskOf } from '../fixtures/tasks.ts';

describe('shell rule', () => {
  it('accepts shell fields with references and braces that are no placeholder', () => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, command: 'echo {a} {{name}} ${params.x} {{${params.y}}}' } }));
    // Act
    const errors = check(shell, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it.each(['echo {{0}}', 'echo {{12:raw}} ${params.x}'])('reports a literal placeholder in a shell field (%s)', (command) => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, command } }));
    // Act
    const errors = check(shell, task);
    // Assess
    const found = /\{\{\d+(:raw)?\}\}/.exec(command)![0];
    expect(errors).toStrictEqual([
      {
        code: 'shell-placeholder',
        place: 'plot[0].with.command',
        message: `the input 'command' of henchman 'connect' contains '${found}', which Mastermind uses to mark the values put into a command: write it another way (for example '{''{0}}' in the shell)`,
      },
    ]);
  });

  it('leaves placeholder-like text alone in fields that are not shell commands', () => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, host: '{{0}}' } }));
    // Act
    const errors = check(shell, task);
    // Assess
    expect(errors).toStrictEqual([]);
  });

  it.each([
    ["echo '${params.x}'", '${params.x}'],
    ["echo \"it's\" '${params.y} and ${params.x}'", '${params.y}'],
  ])('reports a reference inside single quotes in a shell field (%s)', (command, reference) => {
    // Prepare
    const task = taskOf(run({ with: { ...run().with, command } }));
    // Act
    const errors = check(shell, task);
    // Assess
    expect(errors).toStrictEqual([
      {
        code: 'shell-reference-quoted',
        place: 'plot[0].with.command',
        message: `the input 'command' of henchman 'connect' puts ${reference} inside single quotes, where the shell expands nothing: remove the quotes around it (values put into a command are quoted for you)`,
      },
    ]);
  });

  it.each([`echo "\${params.x}"`, `echo '\${raw:params.x}'`, `echo 'a' \${params.x} 'b'`])(
    'accepts references in double quotes, raw references in single quotes, and references between quoted words (%s)',
    (command) => {
      // Prepare
      const task = taskOf(run({ with: { ...run().with, command } }));
      // Act
      const errors = check(shell, task);
      // Assess
      expect(errors).toStrictEqual([]);
    },
  );
});

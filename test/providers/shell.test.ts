import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShellCommand, renderShellCommand, shellQuote } from '#providers/shell';

/** Runs `text` with a real POSIX shell and returns its stdout. */
function sh(text: string, shell = 'sh'): string {
  return execFileSync(shell, ['-c', text], { encoding: 'utf8' });
}

const HOSTILE_CHARACTERS = ["'", '"', '$', '(', ')', '`', '\\', ';', '\n', ' ', '*', '?', '~', '{', '}', '0', 'a', '#', '&', '|', '<', '>', '!', '%'];

/** Values a task could receive from an alarm or a tag: anything but NUL (which no argument can hold). */
const anyValue = fc
  .oneof(fc.string({ unit: fc.constantFrom(...HOSTILE_CHARACTERS), maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 }))
  .filter((value) => !value.includes('\0'));

describe('shellQuote', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
  ])('quotes %j', (value, expected) => {
    // Act
    const quoted = shellQuote(value);

    // Assess
    expect(quoted).toBe(expected);
  });

  it('gives back any value exactly through a real shell', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        // Act
        const echoed = sh(`printf '%s' ${shellQuote(value)}`);

        // Assess
        expect(echoed).toBe(value);
      }),
      { numRuns: 100 },
    );
  });
});

describe('renderShellCommand', () => {
  it('runs a plain string as it is', () => {
    // Act
    const text = renderShellCommand('echo $HOME');

    // Assess
    expect(text).toBe('echo $HOME');
  });

  it('defines each value once in a quoted variable and refers to it', () => {
    // Act
    const text = renderShellCommand({
      template: 'add-backend {{0}} --note "cpu: {{1}}" # for {{0}}',
      values: { '0': '10.0.0.5', '1': "80%'; rm -rf /" },
    });

    // Assess
    expect(text).toBe(
      [
        "__mastermind_0='10.0.0.5'",
        "__mastermind_1='80%'\\''; rm -rf /'",
        'add-backend "${__mastermind_0}" --note "cpu: ${__mastermind_1}" # for "${__mastermind_0}"',
      ].join('\n'),
    );
  });

  it('inserts a raw value as it is', () => {
    // Act
    const text = renderShellCommand({ template: '{{0:raw}} && echo {{1}}', values: { '0': 'cd /srv', '1': 'done' } });

    // Assess
    expect(text).toBe(`__mastermind_1='done'\ncd /srv && echo "\${__mastermind_1}"`);
  });

  it('writes a value that is not a string as its JSON text', () => {
    // Act
    const output = sh(renderShellCommand({ template: "printf '%s|' {{0}} {{1}}", values: { '0': 42, '1': { a: [1] } } }));

    // Assess
    expect(output).toBe('42|{"a":[1]}|');
  });

  it('does not read placeholders inside values', () => {
    // Act
    const output = sh(renderShellCommand({ template: "printf '%s|' {{0}} {{1}}", values: { '0': '{{1}} $&', '1': 'x' } }));

    // Assess
    expect(output).toBe('{{1}} $&|x|');
  });

  it('fails on a value that was not given', () => {
    // Act
    const act = () => renderShellCommand({ template: 'echo {{0}} {{2}}', values: { '0': 'a' } });

    // Assess
    expect(act).toThrow('the command refers to value {{2}}, which was not given');
  });

  it('refuses a placeholder inside single quotes', () => {
    // Act
    const act = () => renderShellCommand({ template: "echo 'note: {{0}}'", values: { '0': "'; touch /tmp/x; '" } });

    // Assess
    expect(act).toThrow(
      'the value {{0}} stands inside single quotes, where the shell expands nothing: remove the quotes around it (values are quoted for you)',
    );
  });

  it('tells quotes in the template from escaped and commented ones', () => {
    // Act
    const output = sh(
      renderShellCommand({
        template: `printf '%s|' \\' {{0}} "it's {{0}}" # don't\nprintf '%s' {{0}}`,
        values: { '0': 'v a l' },
      }),
    );

    // Assess
    expect(output).toBe("'|v a l|it's v a l|v a l");
  });

  describe.each(['sh', 'bash'])('with %s, any value arrives exactly and runs nothing', (shell) => {
    it.each([
      ['unquoted', "printf '%s' {{0}}"],
      ['inside double quotes', `printf '%s' "<{{0}}>"`],
      ['next to other words', "printf '%s' x{{0}}y"],
      ['in a variable assignment', 'v={{0}}; printf \'%s\' "$v"'],
    ])('%s', (_where, template) => {
      fc.assert(
        fc.property(anyValue, (value) => {
          // Act
          const output = sh(renderShellCommand({ template, values: { '0': value } }), shell);

          // Assess
          const expected = template.includes('<') ? `<${value}>` : template.includes('x{{0}}y') ? `x${value}y` : value;
          expect(output).toBe(expected);
        }),
        { numRuns: 60 },
      );
    });
  });

  it('runs nothing from a value inside a here-document or a comment', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        // Act
        const output = sh(renderShellCommand({ template: 'cat <<EOF\n[{{0}}]\nEOF\n# {{0}}\necho end', values: { '0': value } }));

        // Assess
        expect(output).toBe(`["${value}"]\nend\n`);
      }),
      { numRuns: 60 },
    );
  });
});

describe('isShellCommand', () => {
  it.each([
    [{ template: 'echo {{0}}', values: { '0': 'x' } }, true],
    [{ template: 'echo', values: null }, false],
    ['echo', false],
    [null, false],
  ])('tells %j: %s', (value, expected) => {
    // Act
    const result = isShellCommand(value);

    // Assess
    expect(result).toBe(expected);
  });
});

/**
 * Shell commands with values kept apart from the command text.
 *
 * Where a task writes a reference inside a shell command (ssh `command` and `script`, chef `installCommand`),
 * the compiler does not glue the value into the text. The provider receives
 *
 *   { "template": "add-backend {{0}} --note {{1}}", "values": { "0": "10.0.0.5", "1": "cpu > 80%; rm -rf /" } }
 *
 * and {@link renderShellCommand} puts each value in single quotes. `{{n:raw}}` (from `${raw:...}` in the
 * task) inserts the value as it is, for tasks that really mean to pass shell syntax.
 * A command without references arrives as a plain string.
 */

export interface ShellCommand {
  readonly template: string;
  readonly values: Readonly<Record<string, unknown>>;
}

export type ShellInput = string | ShellCommand;

export const PLACEHOLDER = /\{\{(\d+)(:raw)?\}\}/g;

/** Quotes one value for a POSIX shell: 'it'\''s' . */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function isShellCommand(value: unknown): value is ShellCommand {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ShellCommand).template === 'string' &&
    typeof (value as ShellCommand).values === 'object' &&
    (value as ShellCommand).values !== null
  );
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** The command text to run: placeholders replaced by quoted (or raw) values. Throws on a missing value. */
export function renderShellCommand(command: ShellInput): string {
  if (typeof command === 'string') return command;
  return command.template.replace(PLACEHOLDER, (_match, index: string, raw?: string) => {
    if (!Object.hasOwn(command.values, index)) {
      throw new Error(`the command refers to value {{${index}}}, which was not given`);
    }
    const text = asText(command.values[index]);
    return raw ? text : shellQuote(text);
  });
}

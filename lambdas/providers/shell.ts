/**
 * Shell commands with values kept apart from the command text.
 *
 * Where a task writes a reference inside a shell command (ssh `command` and `script`, chef `installCommand`),
 * the compiler does not glue the value into the text. The provider receives
 *
 *   { "template": "add-backend {{0}} --note {{1}}", "values": { "0": "10.0.0.5", "1": "cpu > 80%; rm -rf /" } }
 *
 * and {@link renderShellCommand} defines each value once, single-quoted, in a shell variable, and puts a
 * reference to that variable where the placeholder stood:
 *
 *   __mastermind_0='10.0.0.5'
 *   __mastermind_1='cpu > 80%; rm -rf /'
 *   add-backend "${__mastermind_0}" --note "${__mastermind_1}"
 *
 * The shell never parses the result of a variable expansion as code, so a value cannot inject a command
 * wherever its placeholder stands: unquoted, inside double quotes (`"note: {{1}}"` → `${__mastermind_1}`),
 * in a comment, in a here-document. Pasting the quoted value itself would not be safe everywhere: inside
 * double quotes or a here-document, `$(...)` in the value would run. A placeholder inside single quotes
 * (`echo '{{0}}'`) is refused: single quotes stop all expansion and the value is quoted for you; write the
 * reference without quotes around it. (In an unquoted here-document the value keeps the double quotes around
 * its expansion; outside here-documents the value arrives exactly.)
 *
 * `{{n:raw}}` (from `${raw:...}` in the task) inserts the value as it is, for tasks that really mean to pass
 * shell syntax. A command without references arrives as a plain string and is run as it is.
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

const VARIABLE_PREFIX = '__mastermind_';
/** PLACEHOLDER matching only at lastIndex (a copy: the exported pattern is left alone). */
const PLACEHOLDER_HERE = new RegExp(PLACEHOLDER.source, 'y');

type QuoteState = 'plain' | 'single' | 'double' | 'comment';

/** Characters after which a `#` starts a comment (a word begins there). */
const WORD_START = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** The text to put for a placeholder in `state`; throws where no safe form exists (inside single quotes). */
function placeholderText(index: string, state: QuoteState): string {
  const variable = `\${${VARIABLE_PREFIX}${index}}`;
  if (state === 'single') {
    throw new Error(
      `the value {{${index}}} stands inside single quotes, where the shell expands nothing: remove the quotes around it (values are quoted for you)`,
    );
  }
  return state === 'double' ? variable : `"${variable}"`;
}

/**
 * The command text to run: each value defined once in a quoted shell variable, each placeholder replaced by
 * a reference to it (or by the value itself for `{{n:raw}}`). Throws on a missing value and on a placeholder
 * inside single quotes.
 */
export function renderShellCommand(command: ShellInput): string {
  if (typeof command === 'string') return command;
  const { template, values } = command;
  const used = new Set<string>();
  let body = '';
  let state: QuoteState = 'plain';
  for (let i = 0; i < template.length; ) {
    PLACEHOLDER_HERE.lastIndex = i;
    const match = template[i] === '{' ? PLACEHOLDER_HERE.exec(template) : null;
    if (match) {
      const [text, index, raw] = match as unknown as [string, string, string | undefined];
      if (!Object.hasOwn(values, index)) {
        throw new Error(`the command refers to value {{${index}}}, which was not given`);
      }
      if (raw) {
        body += asText(values[index]);
      } else {
        body += placeholderText(index, state);
        used.add(index);
      }
      i += text.length;
      continue;
    }
    const char = template[i]!;
    body += char;
    i += 1;
    // A backslash quotes the next character (but never swallows the start of a placeholder).
    const escapes = char === '\\' && i < template.length && template[i] !== '{';
    if (state === 'plain') {
      if (char === "'") state = 'single';
      else if (char === '"') state = 'double';
      else if (escapes) body += template[i++];
      else if (char === '#' && (i === 1 || WORD_START.has(template[i - 2]!))) state = 'comment';
    } else if (state === 'single') {
      if (char === "'") state = 'plain';
    } else if (state === 'double') {
      if (char === '"') state = 'plain';
      else if (escapes) body += template[i++];
    } else if (char === '\n') {
      state = 'plain';
    }
  }
  const definitions = [...used]
    .sort((a, b) => Number(a) - Number(b))
    .map((index) => `${VARIABLE_PREFIX}${index}=${shellQuote(asText(values[index]))}\n`);
  return definitions.join('') + body;
}

/** The provider catalog as Markdown: the reference users read (the README's Providers section, `mastermind providers`). */
import { catalog, type InputField, type ProviderName } from './catalog.ts';
import { INVOCATION_BUDGET_SECONDS } from './invocation.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function inputNote(field: InputField): string {
  const notes = [
    field.required ? 'required' : '',
    field.default !== undefined ? `default \`${JSON.stringify(field.default)}\`` : '',
    field.projectSetting ? 'project setting' : '',
    field.secret ? 'secret reference' : '',
    field.shell ? 'shell: references quoted' : '',
    field.enum ? `one of ${field.enum.map((v) => `\`${v}\``).join(', ')}` : '',
  ].filter(Boolean);
  return notes.join('; ');
}

/** One Markdown table per provider: action, inputs (type, notes), outputs, undo, whether it waits. */
export function catalogMarkdown(): string {
  const parts: string[] = [];
  for (const [name, provider] of Object.entries(catalog) as [ProviderName, (typeof catalog)[ProviderName]][]) {
    parts.push(`### ${name}\n\n${provider.description}\n`);
    parts.push('| action | inputs | outputs |\n| --- | --- | --- |');
    for (const [actionName, action] of Object.entries(provider.actions)) {
      const inputs = Object.entries(action.input)
        .map(([field, spec]) => {
          const note = inputNote(spec);
          return `\`${field}\` ${spec.type}${note ? ` (${note})` : ''}`;
        })
        .join('<br>');
      const oneOf = (action.oneOf ?? []).map((group) => `one of ${group.map((f) => `\`${f}\``).join(', ')}`);
      const outputs = Object.entries(action.output).map(([field, spec]) => `\`${field}\` ${spec.type}`).join('<br>');
      const traits = [
        action.undoneBy ? `undo: \`${action.undoneBy}\`` : '',
        action.polls ? `waits (polls every ${action.polls.every} s)` : '',
        action.detaches ? `runs detached on the host beyond ${INVOCATION_BUDGET_SECONDS / 60}m, or with \`detach: true\`` : '',
      ].filter(Boolean);
      const title = `**${actionName}**: ${action.description}${traits.length ? ` (${traits.join('; ')})` : ''}`;
      parts.push(`| ${cell(title)} | ${cell([inputs, ...oneOf].filter(Boolean).join('<br>'))} | ${cell(outputs)} |`);
    }
    parts.push('');
  }
  return parts.join('\n');
}

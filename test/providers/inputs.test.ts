import { describe, expect, it } from 'vitest';
import { catalog, findAction } from '#task/catalog';
import { checkInput } from '#providers/inputs';

function spec(provider: 'ssh' | 'ec2' | 'chef', action: string) {
  const found = findAction(provider, action);
  if (!found) throw new Error(`no ${provider} ${action}`);
  return found;
}

function problems(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no error';
}

const sshInput = { host: 'web-1', user: 'ec2-user', key: '${secret:/keys/web}', command: 'uptime' };

describe('checkInput', () => {
  it('applies the defaults of the catalog', () => {
    // Act
    const checked = checkInput('ssh', 'run', spec('ssh', 'run'), sshInput);

    // Assess
    expect(checked).toStrictEqual({ ...sshInput, port: 22, timeout: '5m', allowExitCodes: [0] });
  });

  it('treats null as left out', () => {
    // Act
    const checked = checkInput('ssh', 'run', spec('ssh', 'run'), { ...sshInput, port: null, hostKey: undefined });

    // Assess
    expect(checked).toStrictEqual({ ...sshInput, port: 22, timeout: '5m', allowExitCodes: [0] });
  });

  it('hands out copies of the defaults', () => {
    // Prepare
    const checked = checkInput('ssh', 'run', spec('ssh', 'run'), sshInput);

    // Act
    (checked.allowExitCodes as number[]).push(1);

    // Assess
    expect(catalog.ssh.actions.run!.input.allowExitCodes!.default).toStrictEqual([0]);
  });

  it('accepts a shell field as { template, values }', () => {
    // Prepare
    const command = { template: 'echo {{0}}', values: { '0': 'x' } };

    // Act
    const checked = checkInput('ssh', 'run', spec('ssh', 'run'), { ...sshInput, command });

    // Assess
    expect(checked.command).toStrictEqual(command);
  });

  it('reports every problem at once', () => {
    // Act
    const message = problems(() =>
      checkInput('ssh', 'run', spec('ssh', 'run'), { host: 'web-1', port: '22', timeout: '5 minutes', allowExitCodes: [0, 1.5], colour: 'red' }),
    );

    // Assess
    expect(message).toBe(
      'Mastermind.Invalid: invalid input for ssh run: port must be a whole number; timeout must be a duration such as 30s, 10m or 1h; ' +
        'allowExitCodes must be a list of whole numbers; colour is not an input of ssh run; user is required; key is required; command is required',
    );
  });

  it('checks enums', () => {
    // Act
    const message = problems(() => checkInput('ec2', 'wait', spec('ec2', 'wait'), { instanceId: 'i-1', state: 'flying' }));

    // Assess
    expect(message).toBe(
      'Mastermind.Invalid: invalid input for ec2 wait: state must be one of pending, running, stopping, stopped, shutting-down, terminated, status-ok',
    );
  });

  it.each([
    [{}, 'one of instanceId, instanceIds is required'],
    [{ instanceId: 'i-1', instanceIds: ['i-2'] }, 'give only one of instanceId, instanceIds'],
  ])('wants exactly one field of a oneOf group: %j', (input, problem) => {
    // Act
    const message = problems(() => checkInput('ec2', 'terminate', spec('ec2', 'terminate'), input));

    // Assess
    expect(message).toBe(`Mastermind.Invalid: invalid input for ec2 terminate: ${problem}`);
  });

  it('checks maps of strings', () => {
    // Act
    const message = problems(() => checkInput('ec2', 'tag', spec('ec2', 'tag'), { instanceId: 'i-1', tags: { role: 3 } }));

    // Assess
    expect(message).toBe('Mastermind.Invalid: invalid input for ec2 tag: tags must be a map of strings to strings');
  });
});

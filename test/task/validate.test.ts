import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTaskError } from '#task/errors';
import { checkTask, validateTask } from '#task/validate';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('checkTask', () => {
  it.each(['scale-out.yaml', 'rolling-restart.yaml'])('accepts the valid fixture %s and returns the task', (name) => {
    // Act
    const result = checkTask(fixture(name));
    // Assess
    expect(result.errors).toStrictEqual([]);
    expect(result.task?.plot.length).toBeGreaterThan(0);
  });

  it('accepts the task language example of DESIGN.md as written', () => {
    // Act
    const result = checkTask(fixture('design-example.yaml'));
    // Assess
    expect(result.errors).toStrictEqual([]);
    expect(result.task?.plot.map((h) => h.name)).toStrictEqual(['provision', 'configure', 'connect']);
  });

  it('reports every error at once, in source order, with YAML lines and columns', () => {
    // Prepare
    const source = [
      'task: demo',
      'plot:',
      '  - name: provision',
      '    provider: ec2',
      '    action: launch',
      '    with:',
      '      imageId: ami-1',
      '      instanceTyp: t3.small',
      '  - name: configure',
      '    provider: ssh',
      '    action: run',
      '    retry: { attempts: "3" }',
      '    with: { host: "${provison.privateIp}", command: "true" }',
      '',
    ].join('\n');
    // Act
    const result = checkTask(source);
    // Assess
    expect(result).toStrictEqual({
      errors: [
        {
          code: 'unknown-input',
          place: 'plot[0].with.instanceTyp',
          line: 8,
          column: 7,
          message:
            "henchman 'provision' (ec2 launch) has no input 'instanceTyp' (did you mean 'instanceType'?); its inputs are 'imageId', 'instanceType', 'subnetId', 'securityGroupIds', 'keyName', 'iamInstanceProfile', 'userData', 'tags' and 'region'",
        },
        { code: 'wrong-type', place: 'plot[1].retry.attempts', line: 12, column: 14, message: 'plot[1].retry.attempts must be a number, not the text "3"' },
        {
          code: 'unknown-reference',
          place: 'plot[1].with.host',
          line: 13,
          column: 13,
          message:
            "henchman 'configure' refers to ${provison.privateIp}, but 'provison' is no henchman of this task (did you mean 'provision'?), nor params, project, execution, trigger or item",
        },
      ],
    });
  });

  it('fills in positions from JSON sources too', () => {
    // Act
    const result = checkTask('{"task": "demo",\n "plot": [{"name": "a", "provider": "ec2", "action": "launch", "with": {}}]}');
    // Assess
    expect(result).toStrictEqual({
      errors: [
        { code: 'missing-input', place: 'plot[0].with.imageId', line: 2, column: 64, message: "henchman 'a' (ec2 launch) needs the input 'imageId' (AMI id (ami-...))" },
      ],
    });
  });

  it('returns the parse errors alone when the source cannot be read', () => {
    // Act
    const result = checkTask('task: [', { format: 'yaml' });
    // Assess
    expect(result.task).toBeUndefined();
    expect(result.errors.map((e) => e.code)).toStrictEqual(['yaml-syntax']);
  });

  it('checks missing project-setting inputs against the project settings it is given', () => {
    // Prepare
    const source = fixture('scale-out.yaml');
    // Act
    const result = checkTask(source, { project: { user: 'ops', key: '${secret:/k}', chefServerUrl: 'https://chef', chefClientName: 'mm' } });
    // Assess
    expect(result.errors.map(({ code, place }) => ({ code, place }))).toStrictEqual([{ code: 'missing-input', place: 'plot[1].with.chefClientKey' }]);
  });
});

describe('validateTask', () => {
  it('runs the rules on the salvaged task, dropping their errors where the schema already reported one', () => {
    // Prepare
    const value = {
      task: 'Demo',
      plot: [
        { name: 'a', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1' }, onFailure: { goto: 7 } },
        { name: 5, provider: 'ec2', action: 'launch', with: { imageId: '${nowhere.x}' } },
      ],
    };
    // Act
    const result = validateTask(value);
    // Assess
    expect(result.errors.map(({ code, place }) => ({ code, place }))).toStrictEqual([
      { code: 'wrong-type', place: 'plot[0].onFailure.goto' },
      { code: 'wrong-type', place: 'plot[1].name' },
      { code: 'bad-name', place: 'task' },
      { code: 'unknown-reference', place: 'plot[1].with.imageId' },
    ]);
  });

  it('returns the parsed task only when there is no error', () => {
    // Act
    const result = validateTask({ task: 'demo', plot: [{ name: 'a', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1' } }] });
    // Assess
    expect(result).toStrictEqual({ task: { task: 'demo', plot: [{ name: 'a', provider: 'ec2', action: 'launch', with: { imageId: 'ami-1' } }] }, errors: [] });
  });
});

describe('formatTaskError', () => {
  it.each([
    [{ code: 'bad-name', place: 'task', line: 1, column: 7, message: 'bad' }, 'task.yaml', 'task.yaml:1:7 task: bad (bad-name)'],
    [{ code: 'bad-name', place: 'task', message: 'bad' }, undefined, 'task: bad (bad-name)'],
    [{ code: 'empty-document', place: '', line: 1, column: 1, message: 'empty' }, 'a.yaml', 'a.yaml:1:1: empty (empty-document)'],
  ])('formats %j for people', (error, file, text) => {
    // Act
    const formatted = formatTaskError(error, file);
    // Assess
    expect(formatted).toBe(text);
  });
});

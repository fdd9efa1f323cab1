import { describe, expect, it } from 'vitest';
import { collectReferences, parseTemplate, secretNamesIn, secretText, settingText, templatesOf, walkStrings, wholeReference } from '#task/references';

describe('parseTemplate', () => {
  it('splits text and references, with roots, paths and offsets', () => {
    // Act
    const parsed = parseTemplate('add ${provision.privateIp} to ${params.pool} at ${execution.id}');
    // Assess
    expect(parsed).toStrictEqual({
      parts: [
        'add ',
        { text: '${provision.privateIp}', root: 'henchman', henchman: 'provision', path: ['privateIp'], raw: false, start: 4 },
        ' to ',
        { text: '${params.pool}', root: 'params', path: ['pool'], raw: false, start: 30 },
        ' at ',
        { text: '${execution.id}', root: 'execution', path: ['id'], raw: false, start: 48 },
      ],
      errors: [],
    });
  });

  it('reads list indexes, raw references, secrets, item and escapes', () => {
    // Act
    const parsed = parseTemplate('$${x} ${raw:find.nodes[0].name} ${secret:/mm/key} ${ item }');
    // Assess
    expect(parsed).toStrictEqual({
      parts: [
        '${x} ',
        { text: '${raw:find.nodes[0].name}', root: 'henchman', henchman: 'find', path: ['nodes', 0, 'name'], raw: true, start: 6 },
        ' ',
        { text: '${secret:/mm/key}', root: 'secret', path: [], secret: '/mm/key', raw: false, start: 32 },
        ' ',
        { text: '${ item }', root: 'item', path: [], raw: false, start: 50 },
      ],
      errors: [],
    });
  });

  it('reads a henchman name that starts with a digit, as NAME_PATTERN allows', () => {
    // Act
    const parsed = parseTemplate('${1st-launch.instanceId}');
    // Assess
    expect(parsed.errors).toStrictEqual([]);
    expect(wholeReference(parsed)).toStrictEqual({ text: '${1st-launch.instanceId}', root: 'henchman', henchman: '1st-launch', path: ['instanceId'], raw: false, start: 0 });
  });

  it.each([
    ['a ${params.x', 2, '"${params.x" opens a reference that is never closed with "}"'],
    ['${}', 0, '${} is not a reference: write ${params.name}, ${<henchman>.<field>}, ${project.<setting>}, ${execution.id}, ${trigger.<field>}, ${item} or ${secret:/name}'],
    ['${a..b}', 0, '${a..b} is not a reference: write ${params.name}, ${<henchman>.<field>}, ${project.<setting>}, ${execution.id}, ${trigger.<field>}, ${item} or ${secret:/name}'],
    ['${a.0}', 0, '${a.0} is not a reference: write ${params.name}, ${<henchman>.<field>}, ${project.<setting>}, ${execution.id}, ${trigger.<field>}, ${item} or ${secret:/name}'],
    ['${secret:key}', 0, '${secret:key} names no SSM parameter: write ${secret:/path/to/parameter}'],
  ])('reports the syntax error in %s, keeping the text literal', (text, start, message) => {
    // Act
    const parsed = parseTemplate(text);
    // Assess
    expect(parsed.errors).toStrictEqual([{ start, message }]);
    expect(parsed.parts.join('')).toBe(text);
  });
});

describe('wholeReference', () => {
  it.each([
    ['${params.x}', true],
    ['${params.x} ', false],
    ['${params.x}${params.y}', false],
    ['${params.x', false],
    ['plain', false],
  ])('tells whether %s is exactly one reference', (text, whole) => {
    // Act
    const reference = wholeReference(parseTemplate(text));
    // Assess
    expect(reference !== undefined).toBe(whole);
  });
});

describe('collectReferences and walkStrings', () => {
  it('finds references in strings at any depth, with their places', () => {
    // Prepare
    const value = { host: '${a.ip}', tags: { role: 'web', owner: '${params.owner}' }, list: [1, '${b.x}'] };
    // Act
    const found = collectReferences(value, ['plot', 0, 'with']);
    // Assess
    expect(found.map(({ place, reference }) => ({ place, text: reference.text }))).toStrictEqual([
      { place: ['plot', 0, 'with', 'host'], text: '${a.ip}' },
      { place: ['plot', 0, 'with', 'tags', 'owner'], text: '${params.owner}' },
      { place: ['plot', 0, 'with', 'list', 1], text: '${b.x}' },
    ]);
  });

  it('visits every string once', () => {
    // Prepare
    const seen: string[] = [];
    // Act
    walkStrings(['a', { b: 'c', d: [null, 'e', 3] }], [], (text) => seen.push(text));
    // Assess
    expect(seen).toStrictEqual(['a', 'c', 'e']);
  });
});

describe('templatesOf', () => {
  it('parses each text once for one owner, and keeps owners apart', () => {
    // Prepare
    const task = {};
    const other = {};
    const text = 'echo ${step-1.stdout}';
    // Act
    const first = templatesOf(task)(text);
    const again = templatesOf(task)(` ${text}`.slice(1));
    const elsewhere = templatesOf(other)(text);
    // Assess
    expect(first).toStrictEqual(parseTemplate(text));
    expect(again).toBe(first);
    expect(elsewhere).not.toBe(first);
    expect(elsewhere).toStrictEqual(first);
  });
});

describe('secret references', () => {
  it('writes the secret reference text and finds the secrets a text names, escaped ones left out', () => {
    // Act
    const text = `key=${secretText('/mastermind/web/ssh-key')} other=${secretText('/mastermind/web/other')} $\${secret:/mastermind/web/not}`;
    // Assess
    expect(secretNamesIn(text)).toStrictEqual(['/mastermind/web/ssh-key', '/mastermind/web/other']);
  });

  it('reads a project setting as task text: secret references stay, every other ${ is escaped', () => {
    // Act
    const text = settingText('${secret:/mastermind/web/k} ${user} $${secret:/mastermind/web/j} ${secret:bad}');
    // Assess
    expect(text).toBe('${secret:/mastermind/web/k} $${user} $${secret:/mastermind/web/j} $${secret:bad}');
    expect(secretNamesIn(text)).toStrictEqual(['/mastermind/web/k']);
  });
});

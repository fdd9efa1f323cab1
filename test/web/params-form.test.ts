import { describe, expect, it } from 'vitest';
import type { Param } from '#task/schema';
import { fieldsOf, readForm } from '../../web/src/params-form.ts';

const params: Record<string, Param> = {
  host: { type: 'string' },
  count: { type: 'integer', default: 1 },
  ratio: { type: 'number', default: 0.5 },
  dryRun: { type: 'boolean', default: false },
  hosts: { type: 'list', default: [] },
  tags: { type: 'map', default: {} },
  size: { type: 'string', enum: ['small', 'large'], default: 'small' },
};

describe('the start form', () => {
  it('builds a field for each param from its type', () => {
    expect(fieldsOf(params).map((f) => `${f.name}: ${f.kind}${f.required ? ' required' : ` default ${f.defaultText}`}`)).toStrictEqual([
      'host: text required',
      'count: number default 1',
      'ratio: number default 0.5',
      'dryRun: boolean default false',
      'hosts: json default []',
      'tags: json default {}',
      'size: choice default "small"',
    ]);
  });

  it('reads what was typed into typed params, leaving empty fields out so their defaults apply', () => {
    // Act
    const reading = readForm(params, { host: 'web-1', count: '3', ratio: '', dryRun: 'true', hosts: '["a","b"]', tags: '', size: 'large' });
    // Assess
    expect(reading).toStrictEqual({ params: { host: 'web-1', count: 3, dryRun: true, hosts: ['a', 'b'], size: 'large' }, problems: {} });
  });

  it('refuses what the API would refuse, with the same words, and what does not read', () => {
    // Act
    const reading = readForm(params, { count: '2.5', ratio: 'many', hosts: '{"a":1}', tags: '{oops', size: 'huge' });
    // Assess
    expect(reading.problems).toStrictEqual({
      host: 'is required (a string without a default)',
      count: 'must be an integer',
      ratio: 'must be a number',
      hosts: 'must be a list',
      tags: expect.stringMatching(/^is not JSON: /),
      size: 'must be one of "small", "large"',
    });
  });
});

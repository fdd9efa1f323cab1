import { describe, expect, it } from 'vitest';
import { expectRule } from '#task/compiler/expect';

const base = '$.out.x.output';
const has = (v: string) => ({ Variable: v, IsPresent: true });

describe('expect → Choice rules', () => {
  it('compiles the map form to guarded equality of each field', () => {
    expect(expectRule({ state: 'running', ready: true, 'tags.role': null }, base, 'x.expect')).toStrictEqual({
      And: [
        { And: [has('$.out.x.output.state'), { Variable: '$.out.x.output.state', IsString: true }, { Variable: '$.out.x.output.state', StringEquals: 'running' }] },
        { And: [has('$.out.x.output.ready'), { Variable: '$.out.x.output.ready', IsBoolean: true }, { Variable: '$.out.x.output.ready', BooleanEquals: true }] },
        { And: [has('$.out.x.output.tags.role'), { Variable: '$.out.x.output.tags.role', IsNull: true }] },
      ],
    });
  });

  it('compiles every comparison of the list form, and all / any / not', () => {
    const rule = expectRule(
      [
        { field: 'exitCode', lessThan: 2 },
        { any: [{ field: 'stdout', matches: '*ok*' }, { field: 'stderr', exists: false }] },
        { not: { field: 'state', notEquals: 'up' } },
        { field: 'name', greaterThanOrEquals: 'm' },
      ],
      base,
      'x.expect',
    );
    expect(rule).toStrictEqual({
      And: [
        { And: [has(`${base}.exitCode`), { Variable: `${base}.exitCode`, IsNumeric: true }, { Variable: `${base}.exitCode`, NumericLessThan: 2 }] },
        {
          Or: [
            { And: [has(`${base}.stdout`), { Variable: `${base}.stdout`, IsString: true }, { Variable: `${base}.stdout`, StringMatches: '*ok*' }] },
            { Not: has(`${base}.stderr`) },
          ],
        },
        { Not: { Not: { And: [has(`${base}.state`), { Variable: `${base}.state`, IsString: true }, { Variable: `${base}.state`, StringEquals: 'up' }] } } },
        { And: [has(`${base}.name`), { Variable: `${base}.name`, IsString: true }, { Variable: `${base}.name`, StringGreaterThanEquals: 'm' }] },
      ],
    });
  });

  it('rejects a comparison with a list, naming the place', () => {
    expect(() => expectRule({ hosts: ['a'] }, base, 'plot[0].expect')).toThrow('plot[0].expect.hosts: expect can compare a field with a text, a number, true/false or null, not a list or a map');
  });
});

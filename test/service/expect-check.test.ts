import { describe, expect, it } from 'vitest';
import { unmetConditions } from '#service/expect-check';

const output = { exitCode: 3, stdout: 'failed: disk full\n', state: 'pending', nodes: [{ name: 'web-1' }], empty: null };

describe('saying which conditions of an expect an output did not meet', () => {
  it('names each condition not met with the value seen, and nothing for those met', () => {
    expect(
      unmetConditions(
        [
          { field: 'exitCode', equals: 0 },
          { field: 'stdout', matches: 'ok*' },
          { field: 'state', notEquals: 'pending' },
          { field: 'exitCode', lessThan: 5 },
          { field: 'nodes.0.name', equals: 'web-1' },
          { field: 'missing', exists: true },
          { field: 'empty', exists: true },
          { field: 'exitCode', greaterThanOrEquals: 4 },
        ],
        output,
      ),
    ).toStrictEqual([
      'exitCode equals 0 (saw 3)',
      'stdout matches "ok*" (saw "failed: disk full\\n")',
      'state does not equal "pending" (saw "pending")',
      'missing is present (saw nothing)',
      'exitCode is at least 4 (saw 3)',
    ]);
  });

  it('reads the map form as equals, and a value of another type as not equal', () => {
    expect(unmetConditions({ exitCode: '3', state: 'pending' }, output)).toStrictEqual(['exitCode equals "3" (saw 3)']);
    expect(unmetConditions({ exitCode: 3, state: 'pending' }, output)).toStrictEqual([]);
  });

  it('says which of all, any and not failed', () => {
    expect(
      unmetConditions(
        [
          { any: [{ field: 'exitCode', equals: 0 }, { field: 'exitCode', equals: 1 }] },
          { not: { field: 'stdout', matches: '*disk full*' } },
          { all: [{ field: 'state', equals: 'pending' }, { field: 'exitCode', lessThanOrEquals: 2 }] },
          { any: [{ field: 'exitCode', equals: 3 }, { field: 'missing', exists: true }] },
        ],
        output,
      ),
    ).toStrictEqual([
      'none of (exitCode equals 0 (saw 3); exitCode equals 1 (saw 3))',
      'not stdout matches "*disk full*", but it is (stdout "failed: disk full\\n")',
      'exitCode is at most 2 (saw 3)',
    ]);
  });

  it('matches globs as Step Functions does: * any text, \\* a star', () => {
    expect(unmetConditions([{ field: 'a', matches: 'x\\*y' }], { a: 'x*y' })).toStrictEqual([]);
    expect(unmetConditions([{ field: 'a', matches: 'x\\*y' }], { a: 'xzy' })).toStrictEqual(['a matches "x\\\\*y" (saw "xzy")']);
    expect(unmetConditions([{ field: 'a', matches: 'a.c*' }], { a: 'abc' })).toStrictEqual(['a matches "a.c*" (saw "abc")']);
    expect(unmetConditions([{ field: 'a', matches: '*' }], { a: 'line 1\nline 2' })).toStrictEqual([]);
  });
});

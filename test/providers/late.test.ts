import { describe, expect, it } from 'vitest';
import { findAction } from '#task/catalog';
import { completeOutput, resolveLate } from '#providers/late';

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

describe('resolveLate', () => {
  it('walks the rest of a reference from the value passed, keeping its type, and leaves the event as it came', () => {
    const input = { host: { host: '10.0.0.1', port: 22 }, ports: { ports: [22, 80] }, plain: 'x' };
    const resolved = resolveLate(
      input,
      [
        { path: ['host'], text: '${trigger.body.host}', at: ['host'] },
        { path: ['ports'], text: '${params.ports}', at: ['ports'] },
      ],
      'configure',
    );
    expect(resolved).toStrictEqual({ host: '10.0.0.1', ports: [22, 80], plain: 'x' });
    expect(input.host).toStrictEqual({ host: '10.0.0.1', port: 22 });
  });

  it('joins the parts of a text after walking its late parts, values other than text as JSON', () => {
    const resolved = resolveLate(
      { url: ['http://', { host: 'h' }, ':', 8080, '/', { a: [1] }] },
      [
        { path: ['url', 1], text: '${trigger.body.host}', at: ['host'] },
        { path: ['url', 5], text: '${item.a}', at: ['a'] },
        { path: ['url'], join: true },
      ],
      'fetch',
    );
    expect(resolved).toStrictEqual({ url: 'http://h:8080/[1]' });
  });

  it.each([
    ['a missing field', { body: {} }, ['host']],
    ['an index past the end', { body: [] }, [0]],
    ['a field of a text', { body: 'text' }, ['host']],
    ['an index of a map', { body: { '0': 'x' } }, [0]],
    ['a field of null', { body: null }, ['host']],
  ])('fails with Mastermind.Invalid naming the reference on %s', (_, input, at) => {
    expect(outcome(() => resolveLate(input, [{ path: ['body'], text: '${trigger.body.host}', at }], 'configure'))).toStrictEqual({
      name: 'Mastermind.Invalid',
      message: 'configure: ${trigger.body.host} has no value in this execution',
    });
  });

  it('does not read inherited fields as values', () => {
    expect(outcome(() => resolveLate({ body: {} }, [{ path: ['body'], text: '${trigger.body.constructor}', at: ['constructor'] }], 'c'))).toStrictEqual({
      name: 'Mastermind.Invalid',
      message: 'c: ${trigger.body.constructor} has no value in this execution',
    });
  });
});

describe('completeOutput', () => {
  it('adds every catalog output field the output lacks: [] for lists, null otherwise', () => {
    expect(completeOutput({ nodes: [{ name: 'a' }] }, findAction('chef', 'search')!.output)).toStrictEqual({ nodes: [{ name: 'a' }], hosts: [] });
    expect(completeOutput({ exitCode: 0, extra: 1 }, findAction('ssh', 'run')!.output)).toStrictEqual({ exitCode: 0, extra: 1, stdout: null, stderr: null, truncated: null });
  });
});

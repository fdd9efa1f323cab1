import { describe, expect, it } from 'vitest';
import { launchClientToken } from '#providers/ec2/client-token';
import { context } from './fixtures.ts';

describe('launchClientToken', () => {
  it('is the same for the same execution, henchman and attempt (a retried launch)', () => {
    // Prepare
    const again = { ...context };

    // Act
    const first = launchClientToken(context);
    const second = launchClientToken(again);

    // Assess
    expect(second).toBe(first);
  });

  it('is at most 64 ASCII characters, as EC2 allows', () => {
    // Prepare
    const long = { ...context, execution: `${context.execution}-${'x'.repeat(500)}`, henchman: 'h'.repeat(200) };

    // Act
    const token = launchClientToken(long);

    // Assess
    expect(token).toMatch(/^[\x21-\x7e]{1,64}$/);
  });

  it.each([
    ['another attempt (after a retreat)', { attempt: 2 }],
    ['another execution', { execution: `${context.execution}-2` }],
    ['another henchman', { henchman: 'provision-db' }],
    ['an item of each', { item: 0 }],
  ])('differs for %s', (_what, change) => {
    // Prepare
    const other = { ...context, ...change };

    // Act
    const token = launchClientToken(other);

    // Assess
    expect(token).not.toBe(launchClientToken(context));
  });

  it('differs between the items of each', () => {
    // Act
    const first = launchClientToken({ ...context, item: 0 });
    const second = launchClientToken({ ...context, item: 1 });

    // Assess
    expect(first).not.toBe(second);
  });

  it('does not let the parts run into each other (henchman "a1" attempt 1, henchman "a" attempt 11)', () => {
    // Act
    const one = launchClientToken({ ...context, henchman: 'a1', attempt: 1 });
    const two = launchClientToken({ ...context, henchman: 'a', attempt: 11 });

    // Assess
    expect(one).not.toBe(two);
  });
});

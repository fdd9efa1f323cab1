import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogMarkdown } from '#task/catalog-doc';
import { catalog } from '#task/catalog';

describe('the provider reference', () => {
  it('in the README is the one the catalog generates (regenerate with `npx mastermind providers`)', () => {
    // Prepare
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const begin = readme.indexOf('-->\n', readme.indexOf('<!-- providers:begin')) + 4;
    const end = readme.indexOf('<!-- providers:end -->');
    // Assess
    expect(readme.slice(begin, end)).toBe(catalogMarkdown());
  });

  it('has one row per action of every provider', () => {
    // Act
    const rows = catalogMarkdown().split('\n').filter((line) => line.startsWith('| **'));
    // Assess
    const actions = Object.values(catalog).flatMap((provider) => Object.keys(provider.actions));
    expect(rows.map((row) => /^\| \*\*([a-z-]+)\*\*/.exec(row)?.[1])).toStrictEqual(actions);
  });
});

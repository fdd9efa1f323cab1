import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES, PROJECT_ROOT, entryPath, esbuildOptions } from '../../lib/bundling.ts';

describe('bundling options', () => {
  const outRoot = mkdtempSync(join(tmpdir(), 'mastermind-bundling-'));
  afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it('are the ESM, minified, source-mapped, SDK-included Node.js 22 bundle the service deploys', () => {
    expect(LAMBDA_BUNDLING).toStrictEqual({
      target: 'node22',
      format: 'esm',
      minify: true,
      sourceMap: true,
      mainFields: ['module', 'main'],
      banner: expect.stringContaining('const require = __mastermindCreateRequire(import.meta.url);'),
      loader: { '.node': 'empty' },
      bundleAwsSDK: true,
    });
  });

  it('name the five Lambda entries, resolved from the repository root', () => {
    expect(Object.keys(LAMBDA_ENTRIES)).toStrictEqual(['provider-ec2', 'provider-ssh', 'provider-chef', 'api', 'triggers']);
    expect(entryPath('api')).toBe(join(PROJECT_ROOT, 'lambdas/api/handler.ts'));
    expect(basename(PROJECT_ROOT)).not.toBe('lib');
  });

  it('spell the same bundle for esbuild called directly', () => {
    expect(esbuildOptions('/src/entry.ts', '/out')).toStrictEqual({
      entryPoints: ['/src/entry.ts'],
      outfile: '/out/index.mjs',
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      sourcemap: true,
      mainFields: ['module', 'main'],
      banner: { js: LAMBDA_BUNDLING.banner },
      loader: { '.node': 'empty' },
      logLevel: 'silent',
    });
  });

  it('give CommonJS code inside the ESM bundle require and __dirname (what ssh2 needs at load)', async () => {
    // Prepare
    const outdir = join(outRoot, 'commonjs');
    const options = esbuildOptions(join(import.meta.dirname, 'fixtures/uses-commonjs.ts'), outdir);

    // Act
    await build(options);
    const bundle = (await import(pathToFileURL(options.outfile).href)) as { handler: () => Promise<{ description: string }> };

    // Assess
    expect(await bundle.handler()).toStrictEqual({ description: 'loaded from commonjs with function' });
  });
});

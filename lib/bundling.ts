/**
 * How every Mastermind Lambda is bundled, as plain data.
 *
 * The CDK construct (lib/function.ts) and the bundle benchmark (bench/bundles.bench.ts) both read these
 * options, so the benchmark measures exactly what is deployed. This module must not import aws-cdk-lib:
 * the benchmark imports it and must stay light.
 */
import type { BuildOptions } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: entries and the lock file are resolved against it, whatever the working directory. */
export const PROJECT_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Every Lambda of the service: its entry file (exporting `handler`), relative to the repository root. */
export const LAMBDA_ENTRIES = {
  'provider-ec2': 'lambdas/providers/ec2/handler.ts',
  'provider-ssh': 'lambdas/providers/ssh/handler.ts',
  'provider-chef': 'lambdas/providers/chef/handler.ts',
  api: 'lambdas/api/handler.ts',
  triggers: 'lambdas/triggers/handler.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

/** The absolute path of a Lambda's entry file. */
export function entryPath(name: LambdaName): string {
  return join(PROJECT_ROOT, LAMBDA_ENTRIES[name]);
}

/**
 * ESM bundles need `require`, `__filename` and `__dirname` for the CommonJS code inside them (ssh2 reads
 * `__dirname` at load). Aliased imports so they cannot clash with the bundle's own top-level names.
 */
export const ESM_BANNER = [
  "import { createRequire as __mastermindCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mastermindFileURLToPath } from 'node:url';",
  "import { dirname as __mastermindDirname } from 'node:path';",
  'const require = __mastermindCreateRequire(import.meta.url);',
  'const __filename = __mastermindFileURLToPath(import.meta.url);',
  'const __dirname = __mastermindDirname(__filename);',
].join(' ');

/** The bundling options, spelled as NodejsFunction's `bundling` takes them. */
export interface LambdaBundling {
  /** esbuild target; matches the Lambda runtime (Node.js 22). */
  readonly target: 'node22';
  readonly format: 'esm';
  readonly minify: boolean;
  readonly sourceMap: boolean;
  /** Prefer packages' ESM builds (the AWS SDK ships both). */
  readonly mainFields: readonly string[];
  readonly banner: string;
  /** ssh2's optional native addons sit in try/catch and fall back to JavaScript: load them as empty. */
  readonly loader: Readonly<Record<string, 'empty'>>;
  /** Bundle the AWS SDK rather than take the runtime's copy: smaller cold starts, pinned versions. */
  readonly bundleAwsSDK: boolean;
}

export const LAMBDA_BUNDLING: LambdaBundling = {
  target: 'node22',
  format: 'esm',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: ESM_BANNER,
  loader: { '.node': 'empty' },
  bundleAwsSDK: true,
};

/**
 * The same bundle as esbuild's build API takes it: the flags NodejsFunction passes to esbuild
 * (`--bundle --platform=node --target --format --minify --sourcemap --main-fields --banner:js --loader`,
 * and no `--external` since the SDK is bundled). NodejsFunction names an ESM bundle `index.mjs`.
 */
export function esbuildOptions(entry: string, outdir: string): BuildOptions & { outfile: string } {
  return {
    entryPoints: [entry],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    loader: { ...LAMBDA_BUNDLING.loader },
    logLevel: 'silent',
  };
}

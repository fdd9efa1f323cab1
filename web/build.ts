/**
 * Bundles the page with esbuild (a devDependency, as for the Lambdas): web/src/main.ts and everything it imports
 * (preact, elkjs, the task graph model and parser from lambdas/task) into one ES module, and web/src/style.css.
 * Done in memory when a server that shows the page starts (`mastermind serve`, `mastermind dashboard`): nothing
 * is written, nothing is fetched from the network.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface DashboardAssets {
  /** By path served: /, /dashboard/app.js, /dashboard/app.css. */
  readonly files: ReadonlyMap<string, { readonly type: string; readonly body: Buffer }>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The page, bundled. Throws when esbuild is not installed (`npm ci` installs it) or the page does not build. */
export async function buildDashboard(): Promise<DashboardAssets> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('the dashboard is bundled by esbuild, which is not installed: run npm ci (devDependencies included)');
  }
  const result = await esbuild.build({
    entryPoints: { app: here('./src/main.ts'), style: here('./src/style.css') },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: '/dashboard',
    // elkjs's bundle asks for a Worker implementation in Node only; the page runs its layout in-process.
    external: ['web-worker'],
    logLevel: 'silent',
  });
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const file of result.outputFiles) {
    const name = file.path.split('/').pop()!;
    if (name === 'app.js') files.set('/dashboard/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(file.contents) });
    if (name === 'style.css') files.set('/dashboard/app.css', { type: 'text/css; charset=utf-8', body: Buffer.from(file.contents) });
  }
  files.set('/', { type: 'text/html; charset=utf-8', body: await readFile(here('./index.html')) });
  return { files };
}

/**
 * Bundles the page with esbuild (a devDependency, as for the Lambdas): web/src/main.ts and everything it imports
 * (preact, elkjs's small API, the task graph model and parser from lambdas/task) into one ES module, and
 * web/src/style.css; and the layout worker's script (web/src/elk-worker.ts: elkjs's engine) into a classic script, as a
 * worker started with `new Worker(url)` runs it. Both are built together, in memory, when a server that shows the page
 * starts (`mastermind serve`, `mastermind dashboard`): nothing is written, nothing is fetched from the network.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface DashboardAssets {
  /** By path served: /, /dashboard/app.js, /dashboard/app.css, /dashboard/elk-worker.js. */
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
  const common = {
    bundle: true,
    write: false as const,
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    legalComments: 'none',
    outdir: '/dashboard',
    logLevel: 'silent',
  } satisfies import('esbuild').BuildOptions;
  const [page, worker] = await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { app: here('./src/main.ts'), style: here('./src/style.css') },
      format: 'esm',
      jsx: 'automatic',
      jsxImportSource: 'preact',
    }),
    // A classic script: module workers are newer than the browsers the page is built for.
    esbuild.build({ ...common, entryPoints: { 'elk-worker': here('./src/elk-worker.ts') }, format: 'iife' }),
  ]);
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const file of [...page.outputFiles, ...worker.outputFiles]) {
    const name = file.path.split('/').pop()!;
    const script = { type: 'text/javascript; charset=utf-8', body: Buffer.from(file.contents) };
    if (name === 'app.js') files.set('/dashboard/app.js', script);
    if (name === 'elk-worker.js') files.set('/dashboard/elk-worker.js', script);
    if (name === 'style.css') files.set('/dashboard/app.css', { type: 'text/css; charset=utf-8', body: Buffer.from(file.contents) });
  }
  files.set('/', { type: 'text/html; charset=utf-8', body: await readFile(here('./index.html')) });
  return { files };
}

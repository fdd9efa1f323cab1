/** The dashboard's entry: bundled by esbuild (../build.ts) into /dashboard/app.js. */
import { start } from './app.tsx';

void start(document.getElementById('app')!);

/**
 * The layout worker's script (./layout-worker.ts starts it): elkjs's engine, which on loading in a worker answers
 * the page's layout messages (it sets the worker's `onmessage`). Bundled by esbuild on its own, as a classic script
 * (../build.ts), into /dashboard/elk-worker.js.
 */
import 'elkjs/lib/elk-worker.min.js';

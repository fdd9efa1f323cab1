/**
 * The picture's layout, run in a Web Worker so that laying out a long plot never holds the page's thread: elkjs's
 * own split, its small API (elkjs/lib/elk-api.js) in the page and its engine (elkjs/lib/elk-worker.min.js, the
 * Eclipse Layout Kernel compiled to JavaScript) in the worker. esbuild bundles the engine in memory beside the page
 * (../build.ts, ./elk-worker.ts) and the page's server answers it at {@link WORKER_PATH}, under the page's rules: same
 * origin, loopback only, its Content-Security-Policy (`script-src 'self'`, which lets a page start a worker of its
 * own origin and no other).
 *
 * | what happens                                         | the picture                                         |
 * | ---------------------------------------------------- | --------------------------------------------------- |
 * | the first layout                                     | starts the worker (one per page), then lays out     |
 * | later layouts                                        | the same worker, one message each                   |
 * | the worker cannot load or run (404, refused, a crash) | the layouts under way fail with a sentence saying   |
 * |                                                      | so (the page shows it); the next one starts a new   |
 * |                                                      | worker                                              |
 */
import ELK from 'elkjs/lib/elk-api.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import type { LayoutEngine } from './layout.ts';

/** Where the page's server answers the worker's script. */
export const WORKER_PATH = '/dashboard/elk-worker.js';

/** A layout engine whose work is done in a worker started from `url` (its script: ./elk-worker.ts). */
export function workerEngine(url: string = WORKER_PATH): LayoutEngine {
  let elk: InstanceType<typeof ELK> | undefined;
  let broken: Promise<never> | undefined;
  const start = (): { elk: InstanceType<typeof ELK>; broken: Promise<never> } => {
    let worker: Worker | undefined;
    // Only the layered algorithm is used: the worker registers no other.
    const made = new ELK({ algorithms: ['layered'], workerFactory: () => (worker = new Worker(url, { name: 'mastermind-layout' })) });
    const failed = new Promise<never>((_resolve, reject) => {
      worker!.addEventListener('error', (event) => {
        event.preventDefault();
        made.terminateWorker();
        if (elk === made) elk = undefined;
        reject(new Error(`The picture could not be laid out: its layout worker (${url}) did not run${event.message ? ` (${event.message})` : ''}.`));
      });
    });
    // Nobody may be waiting when it breaks.
    failed.catch(() => undefined);
    return { elk: made, broken: failed };
  };
  return {
    layout(graph: ElkNode): Promise<ElkNode> {
      if (!elk) ({ elk, broken } = start());
      return Promise.race([elk.layout(graph), broken!]);
    },
  };
}

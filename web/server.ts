/**
 * Serves the dashboard's page: `/` (the HTML), `/dashboard/app.js`, `/dashboard/app.css`, `/dashboard/elk-worker.js`
 * (the script of the worker that lays out the picture), and `/dashboard/config.json` (what the page needs to know of
 * the server that gave it). `mastermind serve` mounts it
 * beside the API, `mastermind dashboard` beside its forwarder; both listen through lambdas/local/http.ts `listen`,
 * so the page is answered only to requests for the loopback address and port it listens on, and never to a
 * request from another origin (403, before this module sees it).
 *
 * | request                                   | answer                                       |
 * | ----------------------------------------- | -------------------------------------------- |
 * | GET or HEAD of one of the paths above     | 200, with headers that keep it out of frames |
 * |                                           | and allow only its own scripts and requests  |
 * | another path under /dashboard/            | 404                                          |
 * | another method                            | 405                                          |
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { DashboardAssets } from './build.ts';

/** What the page is told about its server (web/src/api.ts DashboardConfig, less `api`, filled per request). */
export interface PageConfig {
  readonly mode: 'local' | 'remote';
  /** What the page talks to; the local address it was asked at when left out. */
  readonly api?: string;
  readonly projects: readonly string[];
  readonly rehearsals: boolean;
  readonly scenarios: Readonly<Record<string, readonly { name: string; text: string }[]>>;
}

export const CONFIG_PATH = '/dashboard/config.json';

/**
 * Only the page's own script, style and requests; no frame may hold it (clickjacking), no form may leave it.
 * Inline styles are not needed: the SVG is styled by class.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Whether the page answers this path (the API has no route at `/` or under `/dashboard/`). */
export function isPagePath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith('/dashboard/');
}

function answer(request: IncomingMessage, response: ServerResponse, status: number, type: string, body: Buffer, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(body.length), ...extra });
  response.end(request.method === 'HEAD' ? undefined : body);
}

function refuse(request: IncomingMessage, response: ServerResponse, status: number, error: string, message: string, extra: Record<string, string> = {}): void {
  request.resume();
  answer(request, response, status, 'application/json', Buffer.from(JSON.stringify({ error, message, details: [] })), extra);
}

/** The listener of the page's paths; `config` is read at each request (a server may learn its projects later). */
export function pageListener(assets: DashboardAssets, config: PageConfig | (() => PageConfig)): RequestListener {
  const configNow = typeof config === 'function' ? config : () => config;
  return (request, response) => {
    const path = (request.url ?? '/').split(/[?#]/)[0]!;
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(request, response, 405, 'MethodNotAllowed', `${path} takes GET only.`, { Allow: 'GET, HEAD' });
    request.resume();
    if (path === CONFIG_PATH) {
      const now = configNow();
      const body = { ...now, api: now.api ?? `http://${request.headers.host ?? ''}` };
      return answer(request, response, 200, 'application/json', Buffer.from(JSON.stringify(body)));
    }
    const file = assets.files.get(path === '/index.html' ? '/' : path);
    if (!file) return refuse(request, response, 404, 'NotFound', `The dashboard has no ${path.slice(0, 200)}.`);
    answer(request, response, 200, file.type, file.body);
  };
}

/**
 * A matrix of bad input over every route of the API (iterated from ROUTES, so routes added later are covered)
 * against local mode over HTTP: odd path values, malformed and hostile bodies, bad headers. Every answer to a
 * bad request is a 4xx with { error, message }; none is a 500; and serve still answers afterwards.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/api/routes.ts';
import type { Route } from '../../lambdas/api/routes.ts';
import type { ProviderHandler } from '#engine/run';
import { MAX_BODY_BYTES } from '#local/http';
import { startLocalService } from '#local/service';
import type { LocalService } from '#local/service';
import { MAX_SOURCE_BYTES } from '#service/tasks';

const TASK = `task: restart
params: { note: { type: string, default: x } }
plot:
  - name: restart
    provider: ssh
    action: run
    with: { host: api-1, user: ops, key: "\${secret:/mastermind/ops/ops-key}", command: "systemctl restart api" }
`;

let local: LocalService;
/** Path values that name things that exist, so that a case makes only one thing wrong. */
const good: Record<string, string> = { project: 'ops', task: 'restart' };

beforeAll(async () => {
  const handler: ProviderHandler = async () => ({ output: { exitCode: 0, stdout: '', stderr: '', truncated: false } });
  local = await startLocalService({ handler });
  const json = { 'Content-Type': 'application/json' };
  await fetch(`${local.url}/projects/ops`, { method: 'PUT', headers: json, body: '{}' });
  const saved = await fetch(`${local.url}/projects/ops/tasks/restart`, { method: 'PUT', headers: { 'Content-Type': 'application/yaml' }, body: TASK });
  // The matrix hits a real task, hook and execution: the setup must have made them.
  expect(saved.status).toBe(201);
  const hook = (await (await fetch(`${local.url}/projects/ops/tasks/restart/hook`, { method: 'POST', headers: json, body: '{}' })).json()) as { token: string };
  good.token = hook.token;
  const started = (await (await fetch(`${local.url}/projects/ops/tasks/restart/executions`, { method: 'POST', headers: json, body: '{}' })).json()) as Record<string, string>;
  expect(started.executionArn).toMatch(/^arn:aws:states:/);
  good.id = started.executionArn!;
  good.execution = started.executionName ?? started.name ?? started.executionArn!;
});
afterAll(async () => {
  await local.close();
});

function pathOf(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? good[name] ?? 'x');
}

interface Case {
  readonly what: string;
  readonly path: string;
  readonly init: RequestInit;
}

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
/** Names no route takes: each answer is a 4xx. */
const ODD_NAMES = ['ünïcode', '..', '%2F', '%2e%2e', 'a'.repeat(65), '__proto__', 'toString', 'UPPER', '-dash', 'a%00b', '%ZZ', ' ', '.'];
/** Names that are valid but odd or unknown: a PUT may create them; no answer is a 500. */
const ODD_VALID_NAMES = ['constructor', 'nobody-here', 'a'.repeat(64)];
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Bodies no route takes; each with the content type it claims. */
const BAD_BODIES: readonly { what: string; type: string; body: string }[] = [
  { what: 'malformed JSON', type: 'application/json', body: '{"params": ' },
  { what: 'malformed YAML', type: 'application/yaml', body: 'task: [unclosed\n  - : :' },
  { what: 'YAML that is a list', type: 'application/yaml', body: '- a\n- b\n' },
  { what: 'a JSON list', type: 'application/json', body: '[1, 2]' },
  { what: 'a JSON text', type: 'application/json', body: '"text"' },
  { what: 'a JSON number', type: 'application/json', body: '42' },
  { what: 'JSON null', type: 'application/json', body: 'null' },
  { what: 'wrong field types', type: 'application/json', body: '{"params": "x", "reason": 5, "task": 1, "plot": {}, "region": [], "__proto__": {"x": 1}}' },
  { what: 'unknown fields', type: 'application/json', body: '{"constructor": 1, "toString": "x", "hasOwnProperty": null}' },
  { what: 'JSON 10,000 levels deep', type: 'application/json', body: `{"params": {"a": ${nested(10_000)}}}` },
  { what: 'YAML 10,000 levels deep', type: 'application/yaml', body: `${'- '.repeat(10_000)}x\n` },
  { what: 'YAML maps 10,000 levels deep', type: 'application/yaml', body: Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') },
  { what: 'a body over the route limit', type: 'application/json', body: `{"params": {"a": "${'x'.repeat(MAX_SOURCE_BYTES)}"}}` },
  { what: 'a body over API Gateway limit', type: 'application/json', body: 'x'.repeat(MAX_BODY_BYTES + 1) },
  { what: 'a form', type: 'application/x-www-form-urlencoded', body: 'a=1' },
  { what: 'a JSON body claimed as YAML with a BOM and NULs', type: 'text/yaml', body: '\uFEFF{"task": "\u0000"}' },
];

/** The list routes: they take the page query (limit, next). */
const LISTS = /\/(projects|tasks|versions|executions)$/;

/** Routes whose answer depends on the body (all but GET and DELETE). */
const takesBody = (route: Route) => route.method === 'PUT' || route.method === 'POST';

function cases(route: Route): Case[] {
  const found: Case[] = [];
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const body = takesBody(route) ? { headers: JSON_TYPE, body: '{}' } : {};
  for (const param of params) {
    for (const odd of ODD_NAMES) {
      const value = odd.includes('%') ? odd : encodeURIComponent(odd);
      found.push({ what: `${param} = ${odd.slice(0, 20)}`, path: pathOf(route, { [param]: value }), init: { method: route.method, ...body } });
    }
    if (param === 'id') found.push({ what: 'id unknown', path: pathOf(route, { id: encodeURIComponent(`${good.id}-gone`) }), init: { method: route.method, ...body } });
    if (param === 'token') found.push({ what: 'token unknown', path: pathOf(route, { token: 'x'.repeat(43) }), init: { method: route.method, ...body } });
  }
  if (route.method === 'GET' && LISTS.test(route.path)) {
    for (const odd of ['limit=0', 'limit=abc', 'limit=101', 'next=not-a-token']) {
      found.push({ what: `query ${odd}`, path: `${pathOf(route, {})}?${odd}`, init: { method: route.method } });
    }
  }
  if (takesBody(route)) {
    for (const bad of BAD_BODIES) {
      found.push({ what: bad.what, path: pathOf(route, {}), init: { method: route.method, headers: { 'Content-Type': bad.type }, body: bad.body } });
    }
  }
  return found;
}

/** Valid but odd or unknown names. */
function validNameCases(route: Route): Case[] {
  const params = [...route.path.matchAll(/\{(project|task)\}/g)].map((m) => m[1]!);
  const body = takesBody(route) ? { headers: JSON_TYPE, body: '{}' } : {};
  return params.flatMap((param) => ODD_VALID_NAMES.map((name) => ({ what: `${param} = ${name.slice(0, 20)}`, path: pathOf(route, { [param]: name }), init: { method: route.method, ...body } })));
}

/** Headers that are wrong wherever a route reads them; a route that does not read them may succeed. */
function headerCases(route: Route): Case[] {
  const body = takesBody(route) ? (route.path.includes('{task}') && route.method === 'PUT' ? TASK : '{}') : undefined;
  const type = body === TASK ? 'application/yaml' : 'application/json';
  const headers: Record<string, string>[] = [
    { 'If-Match': 'garbage' },
    { 'If-Match': '"0"' },
    { 'If-Match': `"${'9'.repeat(40)}"` },
    { 'Idempotency-Key': 'k'.repeat(300) },
    { 'Idempotency-Key': '' },
    { 'Content-Type': 'application/json; charset=utf-8; x=y' },
    { 'X-Odd': '\u00ff'.repeat(100) },
  ];
  return headers.map((h) => ({
    what: `header ${Object.keys(h)[0]}: ${Object.values(h)[0]!.slice(0, 20)}`,
    path: pathOf(route, {}),
    init: { method: route.method, headers: { ...(body !== undefined ? { 'Content-Type': type } : {}), ...h }, ...(body !== undefined ? { body } : {}) },
  }));
}

/** Sends a case with node:http, which sends the path as it is (fetch would resolve `..` before sending). */
function send(c: Case): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(local.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path: c.path, method: c.init.method, headers: c.init.headers as Record<string, string> }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    // A server that refuses a large body early may close before all of it is written.
    outgoing.on('error', reject);
    outgoing.end(c.init.body as string | undefined);
  });
}

async function answer(c: Case): Promise<{ status: number; body: unknown }> {
  const { status, text } = await send(c);
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // kept as text: the assertion shows it
  }
  return { status, body };
}

const isRefusal = (body: unknown) =>
  typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string' && typeof (body as { message?: unknown }).message === 'string';

describe('bad input over every route, against local mode', () => {
  it('covers every route of the API', () => {
    expect(ROUTES.length).toBeGreaterThan(10);
    for (const route of ROUTES) expect(cases(route).length).toBeGreaterThan(0);
  });

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s: every bad request is a 4xx with error and message', async (_name, route) => {
    // Act
    const wrong: string[] = [];
    for (const c of cases(route)) {
      const { status, body } = await answer(c);
      if (status < 400 || status >= 500 || !isRefusal(body)) wrong.push(`${c.what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    for (const c of [...validNameCases(route), ...headerCases(route)]) {
      const { status, body } = await answer(c);
      if (status >= 500 || (status >= 400 && !isRefusal(body))) wrong.push(`${c.what}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    // Assess
    expect(wrong).toStrictEqual([]);
  });

  it('still answers after the whole matrix', async () => {
    // Act
    const response = await fetch(`${local.url}/projects/ops`);
    // Assess
    expect(response.status).toBe(200);
  });
});

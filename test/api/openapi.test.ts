import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/api/routes.ts';

interface Operation {
  security?: unknown[];
  responses: Record<string, unknown>;
}
const document = JSON.parse(readFileSync(new URL('../../schema/openapi.json', import.meta.url), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, Operation | unknown>>;
};
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function documented(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3', () => {
    expect(document.openapi).toMatch(/^3\./);
  });

  it('lists every route of the router, and nothing else', () => {
    expect(documented().toSorted()).toStrictEqual(ROUTES.map((r) => `${r.method} ${r.path}`).toSorted());
  });

  it('marks exactly the public routes as needing no IAM signature', () => {
    const open = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([key, op]) => METHODS.includes(key) && Array.isArray((op as Operation).security) && (op as Operation).security!.length === 0)
        .map(([key]) => `${key.toUpperCase()} ${path}`),
    );
    expect(open).toStrictEqual(ROUTES.filter((r) => r.public).map((r) => `${r.method} ${r.path}`));
  });

  it('documents an error response for every operation', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [key, op] of Object.entries(item)) {
        if (!METHODS.includes(key)) continue;
        const codes = Object.keys((op as Operation).responses);
        expect(codes.some((c) => c.startsWith('4')), `${key} ${path}`).toBe(true);
      }
    }
  });
});

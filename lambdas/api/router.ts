/**
 * Finds the route of a request (405 with Allow for a known path and another method, 404 for an unknown
 * path), runs it, and turns every error into its response.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ServiceDeps } from '#service/deps';
import { errorResponse } from './errors.ts';
import { HttpError } from './http.ts';
import { ROUTES } from './routes.ts';
import type { Route } from './routes.ts';

function segments(path: string): string[] | undefined {
  const parts = path.split('/').filter((part, i, all) => part !== '' || (i > 0 && i < all.length - 1));
  try {
    return parts.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
}

/** The path parameters when a template matches a path, else undefined. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/').filter(Boolean);
  const have = segments(path);
  if (!have || want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      if (have[i] === '') return undefined;
      params[part.slice(1, -1)] = have[i]!;
    } else if (part !== have[i]) return undefined;
  }
  return params;
}

export async function route(event: APIGatewayProxyEvent, deps: ServiceDeps): Promise<APIGatewayProxyResult> {
  try {
    const matches = ROUTES.flatMap((r) => {
      const params = matchPath(r.path, event.path ?? '');
      return params ? [{ route: r, params }] : [];
    });
    if (matches.length === 0) throw new HttpError(404, 'NotFound', `There is no route ${event.path}.`);
    const found = matches.find((m) => m.route.method === event.httpMethod?.toUpperCase());
    if (!found) {
      const allow = matches.map((m: { route: Route }) => m.route.method).join(', ');
      throw new HttpError(405, 'MethodNotAllowed', `${event.httpMethod} is not allowed on ${event.path}; use ${allow}.`, [], { Allow: allow });
    }
    return await found.route.run({ event, params: found.params, deps });
  } catch (error) {
    return errorResponse(error, deps.log);
  }
}

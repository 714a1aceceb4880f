/**
 * Mounting a handler on a route of the API table (`api/api-routes.ts`): the path, the method,
 * the credentials and role, the CSRF token, the parameters, query and body are all taken from
 * the table and checked here before the handler runs, and the answer is parsed with the route's
 * response schema (so a field the contract does not name, a hash say, never leaves the
 * server). The table, the OpenAPI document and the server cannot drift apart.
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { ApiRoute } from '../api/api-routes.ts';
import { apiRoutes, pathParamSchemas, pathParamsOf } from '../api/api-routes.ts';
import type { MemberRoles } from '../core/account-model.ts';
import { InputError } from '../core/errors.ts';
import type { Problem } from '../core/errors.ts';
import type { Principal } from '../service/account-contract.ts';
import { authenticate, authorize, checkCsrf } from './server-auth.ts';
import type { ServerEnv } from './server-auth.ts';
import type { ServerDeps } from './server-deps.ts';

export interface RouteCall {
  c: Context<ServerEnv>;
  route: ApiRoute;
  /** Set on every route but the public ones. */
  principal: Principal | undefined;
  /** The roles held in the path's project (project routes only). */
  roles: MemberRoles | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** A handler returns the response body (a plain value), or a Response it built itself. */
export type RouteHandler = (call: RouteCall) => Promise<unknown>;

/**
 * The route of the table with this operation id; throws for an unknown one (a typo is a bug).
 *
 * @example routeOf('getHealth').path // '/health'
 */
export function routeOf(operationId: string): ApiRoute {
  const route = apiRoutes.find((r) => r.operationId === operationId);
  if (!route) throw new Error(`no route ${operationId} in the API table`);
  return route;
}

/**
 * Mounts `handler` on the table's route `operationId` under `base`.
 *
 * @example mountRoute(app, deps, '/api/v1', 'getHealth', async () => ({ status: 'ok' }))
 */
export function mountRoute(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
  operationId: string,
  handler: RouteHandler,
): void {
  const route = routeOf(operationId);
  const honoPath = base + route.path.replace(/\{([^}]+)\}/g, ':$1');
  app.on(route.method.toUpperCase(), honoPath, async (c) => {
    const principal = route.auth === 'none' ? undefined : await authenticate(c, deps.accounts);
    const params = parseParams(route, c.req.param() as Record<string, string>);
    const roles = await authorize(route, principal, params.project, deps.accounts);
    if (route.method !== 'get' && principal) checkCsrf(c);
    const query = (route.query ? parseWith(route.query, c.req.query(), 'query') : {}) as Record<
      string,
      unknown
    >;
    const body = route.body ? parseWith(route.body, await readJson(c), 'body') : undefined;
    const result = await handler({ c, route, principal, roles, params, query, body });
    if (result instanceof Response) return result;
    if (route.status === 204) return c.body(null, 204);
    const sent = route.response ? route.response.parse(result) : result;
    return c.json(sent as object, route.status);
  });
}

function parseParams(route: ApiRoute, raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of pathParamsOf(route.path)) {
    out[name] = parseWith(pathParamSchemas[name]!, raw[name], name) as string;
  }
  return out;
}

async function readJson(c: Context<ServerEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new InputError([{ message: 'send the body as JSON (Content-Type: application/json)' }], {
      field: 'body',
    });
  }
  try {
    return await c.req.json();
  } catch {
    throw new InputError([{ message: 'the body is not valid JSON' }], { field: 'body' });
  }
}

/**
 * `value` parsed with `schema`, or an InputError listing every problem with its field.
 *
 * @example parseWith(signRequestSchema, await c.req.json(), 'body')
 */
export function parseWith(schema: z.ZodType, value: unknown, where: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return { message: `${path ? `${where}.${path}` : where}: ${issue.message}` };
  });
  const first = parsed.error.issues[0]?.path.map(String).join('.');
  throw new InputError(problems, { field: first ? first : where });
}

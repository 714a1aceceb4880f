/**
 * What answers without credentials: liveness, readiness (database reachable, migrations
 * applied; 503 otherwise), the OpenAPI document, and the root page.
 */
import type { Hono } from 'hono';
import { createOpenApiDocument } from '../../api/api-openapi.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts getHealth, getReadiness, getOpenApiDocument, and `/`. */
export function mountSystemRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'getHealth', async () => ({ status: 'ok' }));

  mountRoute(app, deps, base, 'getReadiness', async ({ c }) => {
    try {
      const r = await deps.directory.readiness();
      const ready = r.migrations.applied === r.migrations.expected;
      return c.json({ status: ready ? 'ready' : 'not-ready', ...r }, ready ? 200 : 503);
    } catch (error) {
      deps.logger.warn({ err: error }, 'readiness: the database is not reachable');
      return c.json(
        { error: { code: 'environment', message: 'the database is not reachable' } },
        503,
      );
    }
  });

  let document: unknown;
  mountRoute(
    app,
    deps,
    base,
    'getOpenApiDocument',
    async () => (document ??= createOpenApiDocument()),
  );

  app.get('/', (c) =>
    c.html(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gonogo</title></head><body><h1>gonogo</h1><p>The web UI is not here yet. The API is described in <a href="${base}/openapi.json">${base}/openapi.json</a>.</p></body></html>`,
    ),
  );
}

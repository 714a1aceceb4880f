/**
 * What answers without credentials: liveness, readiness (database reachable, migrations
 * applied; 503 otherwise), and the OpenAPI document (the web app at `/` is server-web.ts).
 */
import type { Hono } from 'hono';
import { createOpenApiDocument } from '../../api/api-openapi.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';

/** Mounts getHealth, getReadiness and getOpenApiDocument. */
export function mountSystemRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'getHealth', async () => ({ status: 'ok' }));

  mountRoute(app, deps, base, 'getReadiness', async ({ c }) => {
    try {
      const r = await deps.directory.readiness();
      const ready = r.migrations.applied === r.migrations.expected;
      // The web app opens on its set-up page while the server waits for its first administrator.
      const setupOpen =
        ready && deps.setupCode !== undefined && !(await deps.accounts.hasAdministrator());
      return c.json({ status: ready ? 'ready' : 'not-ready', ...r, setupOpen }, ready ? 200 : 503);
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
}

/**
 * `GET /projects/{project}/analytics`: the process analytics of the project's releases over a
 * period, for viewers and up. A thin shell over the service's `analytics`.
 */
import type { Hono } from 'hono';
import type { AnalyticsQuery } from '../../api/api-analytics.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';
import { serviceOf } from './release-support.ts';

/** Mounts getAnalytics. */
export function mountAnalyticsRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'getAnalytics', async (call) =>
    serviceOf(deps, call).analytics(call.query as AnalyticsQuery),
  );
}

/**
 * DORA's four keys of a project (viewer), incidents opened and resolved by members, and
 * deployments imported from git tags (release managers). Each is one call of the service.
 */
import type { Hono } from 'hono';
import type {
  ImportDeploymentsRequest,
  MetricsQuery,
  OpenIncidentRequest,
  ResolveIncidentRequest,
} from '../../api/api-metrics.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';
import { serviceOf } from './release-support.ts';

/** Mounts getMetrics, openIncident, resolveIncident and importDeployments. */
export function mountMetricsRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'getMetrics', async (call) =>
    serviceOf(deps, call).getMetrics(call.query as MetricsQuery),
  );
  mountRoute(app, deps, base, 'openIncident', async (call) =>
    serviceOf(deps, call).openIncident(call.body as OpenIncidentRequest),
  );
  mountRoute(app, deps, base, 'resolveIncident', async (call) =>
    serviceOf(deps, call).resolveIncident(call.body as ResolveIncidentRequest),
  );
  mountRoute(app, deps, base, 'importDeployments', async (call) =>
    serviceOf(deps, call).importDeployments(call.body as ImportDeploymentsRequest),
  );
}

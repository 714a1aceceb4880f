/**
 * The notification routes (issue 11): perform a notify item now, the delivery log, send what is
 * due, enable a channel a 410 disabled. Role checks come from the route table (`api-routes.ts`).
 */
import type { Hono } from 'hono';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import { mountRoute } from '../server-route.ts';
import { serviceOf, writeRefOf } from './release-support.ts';

/** Mounts the notification routes. */
export function mountNotifyRoutes(app: Hono<ServerEnv>, deps: ServerDeps, base: string): void {
  mountRoute(app, deps, base, 'performNotifyItem', async (call) => {
    const { ref } = call.body as { ref: string };
    return serviceOf(deps, call).performNotifyItem({ ...writeRefOf(call), ref });
  });
  mountRoute(app, deps, base, 'listDeliveries', async (call) => {
    const q = call.query as { version?: string; limit?: number };
    return serviceOf(deps, call).listDeliveries({
      ...(q.version !== undefined ? { version: q.version } : {}),
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
    });
  });
  mountRoute(app, deps, base, 'sendDueDeliveries', async (call) => {
    const { limit } = call.body as { limit?: number };
    return serviceOf(deps, call).sendDueDeliveries(limit !== undefined ? { limit } : {});
  });
  mountRoute(app, deps, base, 'enableNotifyChannel', async (call) =>
    serviceOf(deps, call).enableNotifyChannel({ channel: call.params.channel! }),
  );
}

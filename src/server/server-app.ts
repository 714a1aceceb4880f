/**
 * The team server as a Hono app: the request id, security headers, the body limit (413 in the
 * API's envelope), the request log, every route of the API table that is implemented, and the
 * error envelope for everything else. `gonogo serve` listens with it; tests call
 * `app.request()`.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { maxRequestBytes } from '../api/api-limits.ts';
import { apiBase } from '../api/api-routes.ts';
import type { ServerEnv } from './server-auth.ts';
import type { ServerDeps } from './server-deps.ts';
import { envelopeOf, errorResponse } from './server-errors.ts';
import { logRequests } from './server-log.ts';
import { createAttemptLimiter } from './server-rate-limit.ts';
import { mountWebApp } from './server-web.ts';
import { createStreamRegistry } from './server-streams.ts';
import type { StreamRegistry } from './server-streams.ts';
import { mountEventRoutes } from './routes/event-routes.ts';
import { mountOverviewRoutes } from './routes/overview-routes.ts';
import { mountPlaybookRoutes } from './routes/playbook-routes.ts';
import { mountProjectPlaybookRoutes } from './routes/project-playbook-routes.ts';
import { mountProjectRoutes } from './routes/project-routes.ts';
import { mountReleaseActionRoutes } from './routes/release-action-routes.ts';
import { mountNotifyRoutes } from './routes/notify-routes.ts';
import { mountMetricsRoutes } from './routes/metrics-routes.ts';
import { mountReleaseRoutes } from './routes/release-routes.ts';
import { mountSessionRoutes } from './routes/session-routes.ts';
import { mountSystemRoutes } from './routes/system-routes.ts';
import { mountAccountRoutes } from './routes/account-routes.ts';
import { mountAnalyticsRoutes } from './routes/analytics-routes.ts';

export interface ServerApp {
  app: Hono<ServerEnv>;
  /** The open event streams (shutdown ends them). */
  streams: StreamRegistry;
}

/** Failed sign-ins allowed per e-mail and address within the window. */
const signInAttempts = { max: 5, windowMs: 15 * 60_000 };

/**
 * Builds the server's app.
 *
 * @example
 * const { app } = createServerApp(deps);
 * const res = await app.request('/api/v1/health'); // 200 { status: 'ok' }
 */
export function createServerApp(deps: ServerDeps): ServerApp {
  const app = new Hono<ServerEnv>();
  const streams = createStreamRegistry();
  const clock = () => deps.now().getTime();

  app.use(requestId());
  app.use(
    secureHeaders({
      // The web app is same-origin scripts and styles only: no inline script, no framing.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      xFrameOptions: 'DENY',
    }),
  );
  app.use(logRequests(deps.logger, () => performance.now()));
  app.use(
    bodyLimit({
      maxSize: maxRequestBytes,
      onError: (c) =>
        errorResponse(c, 'payload-too-large', `the body is larger than ${maxRequestBytes} bytes`),
    }),
  );

  mountSystemRoutes(app, deps, apiBase);
  mountSessionRoutes(app, deps, apiBase, createAttemptLimiter({ ...signInAttempts, now: clock }));
  mountAccountRoutes(app, deps, apiBase);
  mountProjectRoutes(app, deps, apiBase);
  mountOverviewRoutes(app, deps, apiBase);
  mountPlaybookRoutes(app, deps, apiBase);
  mountProjectPlaybookRoutes(app, deps, apiBase);
  mountReleaseRoutes(app, deps, apiBase);
  mountReleaseActionRoutes(app, deps, apiBase);
  mountNotifyRoutes(app, deps, apiBase);
  mountMetricsRoutes(app, deps, apiBase);
  mountEventRoutes(app, deps, apiBase, streams);
  mountAnalyticsRoutes(app, deps, apiBase);
  mountWebApp(app, apiBase, deps.webDir);

  app.notFound((c) => errorResponse(c, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    const { status, body, internal } = envelopeOf(error);
    if (internal)
      deps.logger.error({ err: error, requestId: c.get('requestId') }, 'internal error');
    return c.json(body, status as 500);
  });
  return { app, streams };
}

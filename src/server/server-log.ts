/**
 * Structured request logs: one pino JSON line per request with the request id, method, path,
 * status, duration and the acting user's id. Headers, cookies, bodies and query strings are
 * never logged (they carry passwords, session cookies and tokens); the redact list is a second
 * guard for anything a handler logs by mistake.
 */
import type { MiddlewareHandler } from 'hono';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import type { ServerEnv } from './server-auth.ts';

/** Paths pino blanks out wherever they appear in a logged object. */
const redactPaths = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'setupToken',
  '*.setupToken',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers',
  '*.headers',
];

/**
 * The server's logger: JSON lines to `destination` (stderr unless told).
 *
 * @example const logger = createServerLogger(); logger.info({ port }, 'listening');
 */
export function createServerLogger(destination?: DestinationStream): Logger {
  const options = {
    base: { service: 'gonogo' },
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}

/**
 * Middleware logging each request once it is answered (the path without its query string).
 *
 * @example app.use(logRequests(logger, () => Date.now()))
 */
export function logRequests(logger: Logger, clock: () => number): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const started = clock();
    await next();
    const principal = c.get('principal');
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: clock() - started,
        ...(principal ? { userId: principal.user.id } : {}),
      },
      'request',
    );
  };
}

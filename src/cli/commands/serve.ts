import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { openCliStore, resolveDb } from '../cli-db.ts';
import type { DbTarget } from '../cli-db.ts';

/** How long shutdown waits for requests in flight before it closes the connections. */
const drainMs = 10_000;

export default defineCommand({
  usage: 'gonogo serve [--port N] [--host H] [--db PATH|URL]',
  summary:
    'Runs the team server: the HTTP API under /api/v1 on SQLite (--db, GONOGO_DB or the default file, created on first start) or PostgreSQL (a postgres:// URL, or DATABASE_URL). Prints one line "gonogo listening on http://HOST:PORT" when ready (--port 0: a free port); logs JSON lines on stderr. SIGTERM or SIGINT stops it: no new connections, requests in flight finish, event streams close.',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
  },
  async run(ctx, values) {
    const port = values.port === undefined ? 8080 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port ${values.port} is not a port: give 0 to 65535 (0: a free one)`);
    }
    const host = values.host ?? '127.0.0.1';
    const target: DbTarget =
      values.db === undefined && !process.env.GONOGO_DB && process.env.DATABASE_URL
        ? { url: process.env.DATABASE_URL, origin: 'DATABASE_URL' }
        : resolveDb(values.db, ctx.root);
    const [{ openStore }, { openChangeBus }, { serve }, { createServerApp }, logging, deps] =
      await Promise.all([
        import('../../store/open-store.ts'),
        import('../../store/open-change-bus.ts'),
        import('@hono/node-server'),
        import('../../server/server-app.ts'),
        import('../../server/server-log.ts'),
        import('../cli-server.ts'),
      ]);
    const logger = logging.createServerLogger();
    const { store } = await openCliStore(target, ctx.cwd, {}, (url) => openStore(url));
    const bus = await openChangeBus(target.url, {
      onError: (error) => logger.warn({ err: error }, 'change bus'),
    });
    const { app, streams } = createServerApp(
      await deps.buildServerDeps({ store, bus, logger, webDir: webDirOf(import.meta.url) }),
    );
    const server = serve({ fetch: app.fetch, port, hostname: host });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    process.stdout.write(`gonogo listening on http://${shown}:${address.port}\n`);
    logger.info(
      { host: address.address, port: address.port, database: store.dialect },
      'listening',
    );

    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        logger.info({ signal }, 'shutting down');
        streams.closeAll();
        const force = setTimeout(() => {
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        }, drainMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      };
      const onTerm = () => stop('SIGTERM');
      const onInt = () => stop('SIGINT');
      process.on('SIGTERM', onTerm);
      process.on('SIGINT', onInt);
    });
    await bus.close();
    await store.close();
    logger.info('stopped');
    return 0;
  },
});

/**
 * Where the built web app is: `dist/web` beside the bundle (this code runs from
 * `dist/chunks/`); from the sources, a folder that does not exist (the page says it is not built).
 */
function webDirOf(here: string): string {
  return fileURLToPath(new URL(/\/chunks\/[^/]*$/.test(here) ? '../web' : './web', here));
}

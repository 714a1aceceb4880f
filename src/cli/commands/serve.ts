import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../core/errors.ts';
import type { DemoResult } from '../cli-demo.ts';
import { defineCommand } from '../cli-command.ts';
import { openCliStore, resolveDb } from '../cli-db.ts';
import type { DbTarget } from '../cli-db.ts';

/** How long shutdown waits for requests in flight before it closes the connections. */
const drainMs = 10_000;

export default defineCommand({
  usage: 'gonogo serve [--port N] [--host H] [--db PATH|URL] [--demo]',
  summary:
    'Runs the team server: the web UI at / and the HTTP API under /api/v1 on SQLite (--db, GONOGO_DB or the default file, created on first start) or PostgreSQL (a postgres:// URL, or DATABASE_URL). Listens on 127.0.0.1 (--host) port 8080 (--port, else PORT; 0: a free port) and prints one line "gonogo listening on http://HOST:PORT" when ready; logs JSON lines on stderr. Until the server has an administrator, the log has a one-time set-up code to create the first one with (or run gonogo admin create). --demo fills a database without projects with a demo project (demo/shop on the enterprise template), a team of four and a release in progress that says NO-GO; with any project there it changes nothing. It also runs the watch windows of deployed releases: each measurement when it is due, kept in the database so a restart loses none (one that came due while the server was down runs once on start and says how late; on PostgreSQL every instance shares one queue and each measurement runs once). SIGTERM or SIGINT stops it: no new connections, requests in flight finish, event streams close, the scheduler stops.',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    demo: { type: 'boolean' },
  },
  async run(ctx, values) {
    const given = values.port ?? process.env.PORT?.trim();
    const from = values.port !== undefined ? '--port' : 'PORT';
    const port = given === undefined || given === '' ? 8080 : Number(given);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`${from} ${given} is not a port: give 0 to 65535 (0: a free one)`);
    }
    const host = values.host ?? '127.0.0.1';
    const target: DbTarget =
      values.db === undefined && !process.env.GONOGO_DB && process.env.DATABASE_URL
        ? { url: process.env.DATABASE_URL, origin: 'DATABASE_URL' }
        : resolveDb(values.db, ctx.root);
    const [
      { openStore },
      { openChangeBus },
      { serve },
      { createServerApp },
      logging,
      deps,
      jobsOf,
    ] = await Promise.all([
      import('../../store/open-store.ts'),
      import('../../store/open-change-bus.ts'),
      import('@hono/node-server'),
      import('../../server/server-app.ts'),
      import('../../server/server-log.ts'),
      import('../cli-server.ts'),
      import('../cli-jobs.ts'),
    ]);
    const logger = logging.createServerLogger();
    const { store } = await openCliStore(target, ctx.cwd, {}, (url) => openStore(url));
    const bus = await openChangeBus(target.url, {
      onError: (error) => logger.warn({ err: error }, 'change bus'),
    });
    const serverDeps = await deps.buildServerDeps({
      store,
      bus,
      logger,
      webDir: webDirOf(import.meta.url),
    });
    // Filled before listening: once the ready line is out, the demo is there to open.
    const demo = values.demo
      ? await (await import('../cli-demo.ts')).fillDemo(serverDeps)
      : undefined;
    // Watch windows run here: planned at start, again whenever a release's log grows.
    const jobs = await jobsOf.startServeJobs({
      url: target.url,
      store,
      bus,
      releases: serverDeps.releases,
      logger,
      root: ctx.root,
    });
    const { app, streams } = createServerApp(serverDeps);
    const server = serve({ fetch: app.fetch, port, hostname: host });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${shown}:${address.port}`;
    // One write: a reader that sees the ready line sees what --demo made with it.
    process.stdout.write(
      `gonogo listening on ${url}\n${demo ? `${describeDemo(demo, url, serverDeps.setupCode)}\n` : ''}`,
    );
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
    await jobs.stop();
    await bus.close();
    await store.close();
    logger.info('stopped');
    return 0;
  },
});

/**
 * What --demo did and what to open, in two lines after the ready line.
 *
 * @example describeDemo({ created: false, projects: 3 }, 'http://127.0.0.1:8080', undefined)
 */
function describeDemo(demo: DemoResult, url: string, setupCode: string | undefined): string {
  const first = demo.created
    ? `demo: project ${demo.project} (${demo.template} template) with a team of ${demo.team.length} and release ${demo.version} in progress: ${demo.outcome === 'go' ? 'GO' : `NO-GO, ${demo.blockers.length} blockers`}`
    : `demo: the database has ${demo.projects === 1 ? 'a project' : `${demo.projects} projects`} already, so --demo changed nothing`;
  const second =
    setupCode === undefined
      ? `open ${url} and sign in; server administrators see every project`
      : `open ${url} and create your administrator with the set-up code ${setupCode} (or gonogo admin create --email YOU); administrators see every project`;
  return `${first}\n${second}`;
}

/**
 * Where the built web app is: `dist/web` beside the bundle (this code runs from
 * `dist/chunks/`); from the sources, a folder that does not exist (the page says it is not built).
 */
function webDirOf(here: string): string {
  return fileURLToPath(new URL(/\/chunks\/[^/]*$/.test(here) ? '../web' : './web', here));
}

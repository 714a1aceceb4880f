/**
 * The scheduler of `gonogo serve`: built over the open store (SQLite: the in-process scheduler
 * on its queue table; PostgreSQL: graphile-worker on the same database, shared by every
 * instance), with the watch windows' jobs, planned at start and whenever a release's log grows.
 */
import type { Logger } from 'pino';
import type { Scheduler } from '../jobs/jobs-scheduler.ts';
import { createStoreScheduler } from '../jobs/jobs-store-scheduler.ts';
import type { WatchedRelease } from '../jobs/jobs-watch.ts';
import { createWatchJobs, watchJobKind } from '../jobs/jobs-watch.ts';
import { createNotifyJobs, notifyJobKind } from '../jobs/jobs-notify.ts';
import type { ServerDeps } from '../server/server-deps.ts';
import type { ChangeBus } from '../store/change-bus.ts';
import { isPostgresUrl } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';

/** Who the scheduler's measurements are recorded as. */
export const schedulerActor = 'gonogo-scheduler';

export interface ServeJobsInput {
  /** The database URL or file the store was opened from. */
  url: string;
  store: Store;
  bus: ChangeBus;
  releases: ServerDeps['releases'];
  logger: Logger;
  root: string;
  /** Jobs running at once per instance (16 unless told: most of a run waits on the network). */
  concurrency?: number;
}

export interface ServeJobs {
  scheduler: Scheduler;
  /** Stops planning and the scheduler (running jobs finish, their signal aborted). */
  stop(): Promise<void>;
}

/** Releases that are deployed or in progress, in every project. */
async function listOpenReleases(store: Store): Promise<WatchedRelease[]> {
  const out: WatchedRelease[] = [];
  for (const p of await store.listProjects())
    for (const r of await store.listReleases(p.id, { states: ['deployed', 'active'] }))
      out.push({ project: p.id, releaseId: r.id, version: r.version });
  return out;
}

/**
 * Starts the server's scheduler and plans the open watch windows.
 *
 * @example const jobs = await startServeJobs({ url, store, bus, releases, logger, root }); await jobs.stop();
 */
export async function startServeJobs(input: ServeJobsInput): Promise<ServeJobs> {
  const { store, bus, logger } = input;
  const log = logger.child({ component: 'jobs' });
  const concurrency = input.concurrency ?? 16;
  const handlers = {
    [watchJobKind]: (...a: Parameters<typeof watch.handle>) => watch.handle(...a),
    [notifyJobKind]: (...a: Parameters<typeof notify.handle>) => notify.handle(...a),
  };
  let scheduler: Scheduler;
  if (isPostgresUrl(input.url)) {
    const { createGraphileScheduler } = await import('../jobs/jobs-graphile.ts');
    scheduler = await createGraphileScheduler({
      connectionString: input.url,
      handlers,
      logger: log,
      concurrency,
      // Jobs due later are found by polling: once a second bounds their drift at about that.
      pollIntervalMs: 1000,
    });
  } else {
    scheduler = createStoreScheduler({
      store,
      handlers,
      logger: log,
      concurrency,
    });
  }
  const watch = createWatchJobs({
    releases: (project) => input.releases(schedulerActor, project),
    scheduler,
    logger: log,
    listOpenReleases: () => listOpenReleases(store),
    setting: { root: input.root, env: process.env, now: () => new Date() },
  });
  // The outbox: what a stopped server left queued is sent once it starts.
  const notify = createNotifyJobs({
    releases: (project) => input.releases(schedulerActor, project),
    scheduler,
    logger: log,
    listProjects: async () => (await store.listProjects()).map((p) => p.id),
    nextDueAt: (project) => store.nextDeliveryAt(project),
  });
  // Planned before it starts: a job that came due while nothing ran is moved to the slot due
  // now, then runs once.
  const planned = await watch.planOpenReleases();
  await notify.planAll();
  await scheduler.start();
  log.info(
    { planned, queue: isPostgresUrl(input.url) ? 'graphile-worker' : 'sqlite' },
    'scheduler started',
  );
  const unsubscribe = bus.subscribe(
    (c) => {
      watch.noteChange({ project: c.project, releaseId: c.releaseId, version: c.version });
      notify.noteChange(c.project);
    },
    () => {
      void watch.planOpenReleases();
      void notify.planAll();
    },
  );
  return {
    scheduler,
    async stop() {
      unsubscribe();
      watch.close();
      notify.close();
      await scheduler.stop();
      log.info('scheduler stopped');
    },
  };
}

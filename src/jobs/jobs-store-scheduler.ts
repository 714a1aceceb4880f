/**
 * The in-process scheduler on SQLite: due work lives in the store's `scheduled_jobs` table, one
 * timer points at the earliest due job, and each run is claimed in a transaction (so it runs
 * once) and recorded with its outcome and lateness. On start it marks runs a stopped process
 * left half-done as interrupted and runs what came due while nothing ran, once, late.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { JobHandler, JobRequest, JobRun, Scheduler } from './jobs-scheduler.ts';
import { describeLate, lateAfterMs } from './jobs-scheduler.ts';

/** What the scheduler needs of the store. */
export type JobQueueStore = Pick<Store, 'transaction' | 'nextScheduledJobAt'>;

export interface StoreSchedulerOptions {
  store: JobQueueStore;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  now?: () => Date;
  /** Jobs running at once (8 unless told). */
  concurrency?: number;
  /** The longest the timer sleeps before it looks again (a clock jump is noticed then). */
  maxSleepMs?: number;
}

/**
 * A scheduler over the store's queue, for one process per database file.
 *
 * @example
 * const scheduler = createStoreScheduler({ store, logger, handlers: { 'watch.measure': run } });
 * await scheduler.start();
 * await scheduler.schedule({ key: 'watch:1', kind: 'watch.measure', payload: {} }, new Date());
 */
export function createStoreScheduler(opts: StoreSchedulerOptions): Scheduler {
  const { store, handlers, logger } = opts;
  const now = opts.now ?? (() => new Date());
  const concurrency = opts.concurrency ?? 8;
  const maxSleepMs = opts.maxSleepMs ?? 60_000;
  const running = new Set<Promise<void>>();
  let controller = new AbortController();
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let ticking: Promise<void> | undefined;
  let again = false;

  function arm(atMs: number): void {
    if (!started) return;
    const target = Math.min(atMs, now().getTime() + maxSleepMs);
    if (timer && target >= timerAt) return;
    if (timer) clearTimeout(timer);
    timerAt = target;
    timer = setTimeout(
      () => {
        timer = undefined;
        timerAt = Infinity;
        void tick();
      },
      Math.max(0, target - now().getTime()),
    );
  }

  async function runOne(run: JobRun & { id: string }): Promise<void> {
    const handler = handlers[run.kind];
    const log = { job: run.key, kind: run.kind, runAt: run.runAt, lateMs: run.lateMs };
    if (run.lateMs >= lateAfterMs)
      logger.warn(log, `job ${run.key} runs ${describeLate(run.lateMs)}`);
    let end: { state: 'done' | 'failed'; outcome?: string };
    try {
      if (!handler) throw new Error(`no handler for jobs of kind ${run.kind}`);
      const outcome = await handler(run, controller.signal);
      end = { state: 'done', ...(outcome !== undefined ? { outcome } : {}) };
      logger.info({ ...log, outcome }, `job ${run.key} done`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      end = { state: 'failed', outcome: message };
      logger.error({ ...log, err: e }, `job ${run.key} failed`);
    }
    await store
      .transaction((tx) => tx.finishScheduledJob(run.id, { ...end, at: now().toISOString() }))
      .catch((e: unknown) => logger.error({ ...log, err: e }, 'could not record the job run'));
  }

  /** Claims what is due (up to the free slots), starts it, and points the timer at the next. */
  async function tick(): Promise<void> {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        if (!started) return;
        const free = concurrency - running.size;
        if (free > 0) {
          const at = now().toISOString();
          const claimed = await store.transaction((tx) => tx.claimDueJobs(at, free));
          for (const job of claimed) {
            const p = runOne({
              id: job.id,
              key: job.key,
              kind: job.kind,
              payload: job.payload,
              runAt: job.runAt,
              startedAt: job.startedAt ?? at,
              lateMs: job.lateMs ?? 0,
            }).finally(() => {
              running.delete(p);
              void tick();
            });
            running.add(p);
          }
          if (claimed.length === free) again = true;
        }
      } while (again && running.size < concurrency);
      if (running.size >= concurrency) return; // a finishing run ticks again
      const next = await store.nextScheduledJobAt();
      if (next !== undefined) arm(Date.parse(next));
      else arm(now().getTime() + maxSleepMs);
    })()
      .catch((e: unknown) => {
        logger.error({ err: e }, 'scheduler: could not read the queue; trying again');
        arm(now().getTime() + 1000);
      })
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  }

  return {
    async schedule(job: JobRequest, runAt: Date): Promise<void> {
      const at = now().toISOString();
      await store.transaction((tx) =>
        tx.putScheduledJob({ ...job, runAt: runAt.toISOString() }, at),
      );
      arm(runAt.getTime());
    },
    async start(): Promise<void> {
      if (started) return;
      started = true;
      controller = new AbortController();
      const interrupted = await store.transaction((tx) =>
        tx.failInterruptedJobs(now().toISOString()),
      );
      if (interrupted)
        logger.warn({ interrupted }, 'scheduler: runs left half-done by a stop were marked failed');
      await tick();
    },
    async stop(): Promise<void> {
      if (!started) return;
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      controller.abort();
      await ticking;
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * The scheduler on PostgreSQL: graphile-worker's queue (its own schema, `graphile_worker`,
 * migrated by graphile-worker itself on start) shared by every server instance on the
 * database. A job is locked by one worker when it runs, so with several instances each runs
 * once; a job key keeps one waiting job per key (scheduling the key again moves it, and a key
 * whose job runs right now gets a new job beside it). Jobs are tried once: the watch planner,
 * not a retry, decides what runs next.
 */
import type { Logger } from 'pino';
import { Logger as WorkerLogger, makeWorkerUtils, run } from 'graphile-worker';
import type { Runner, TaskList, WorkerUtils } from 'graphile-worker';
import type { JobHandler, JobRequest, Scheduler } from './jobs-scheduler.ts';
import { describeLate, lateAfterMs } from './jobs-scheduler.ts';

export interface GraphileSchedulerOptions {
  /** The PostgreSQL URL (a gonogo `?schema=` parameter is dropped: the queue has its own). */
  connectionString: string;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  /** Jobs running at once in this instance (8 unless told). */
  concurrency?: number;
  /** How often it looks for jobs that came due, in ms (graphile-worker's default 2 s unless told). */
  pollIntervalMs?: number;
}

/** graphile-worker's log lines, into pino (its debug lines stay out). */
function bridgeLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { ...scope, ...meta };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.info(fields, message);
  });
}

/** The connection string without gonogo's own `schema` parameter. */
function workerUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('schema');
  return u.toString();
}

/**
 * A scheduler over graphile-worker. `start()` migrates its schema and starts the worker pool.
 *
 * @example
 * const scheduler = await createGraphileScheduler({ connectionString: url, logger, handlers });
 * await scheduler.start();
 */
export async function createGraphileScheduler(opts: GraphileSchedulerOptions): Promise<Scheduler> {
  const { handlers, logger } = opts;
  const connectionString = workerUrl(opts.connectionString);
  const workerLogger = bridgeLogger(logger);
  let utils: WorkerUtils | undefined;
  let runner: Runner | undefined;

  const taskList: TaskList = {};
  for (const [kind, handler] of Object.entries(handlers)) {
    taskList[kind] = async (payload, helpers) => {
      const job = helpers.job;
      const started = new Date();
      const lateMs = Math.max(0, started.getTime() - new Date(job.run_at).getTime());
      const key = job.key ?? `job ${job.id}`;
      const log = { job: key, kind, runAt: new Date(job.run_at).toISOString(), lateMs };
      if (lateMs >= lateAfterMs) logger.warn(log, `job ${key} runs ${describeLate(lateMs)}`);
      try {
        const outcome = await handler(
          {
            key,
            kind,
            payload,
            runAt: log.runAt,
            startedAt: started.toISOString(),
            lateMs,
          },
          helpers.abortSignal ?? new AbortController().signal,
        );
        logger.info({ ...log, outcome }, `job ${key} done`);
      } catch (e) {
        logger.error({ ...log, err: e }, `job ${key} failed`);
        throw e;
      }
    };
  }

  let ready: Promise<WorkerUtils> | undefined;
  /** The utilities, with graphile-worker's schema migrated once (scheduling may come first). */
  function utilsOf(): Promise<WorkerUtils> {
    ready ??= (async () => {
      const u = await makeWorkerUtils({ connectionString, logger: workerLogger });
      await u.migrate();
      utils = u;
      return u;
    })();
    return ready;
  }

  return {
    async schedule(job: JobRequest, runAt: Date): Promise<void> {
      const u = await utilsOf();
      await u.addJob(job.kind, job.payload, {
        jobKey: job.key,
        jobKeyMode: 'replace',
        // One run of a key at a time: a job of a key scheduled while its run goes waits for it.
        queueName: job.key,
        runAt,
        maxAttempts: 1,
      });
    },
    async start(): Promise<void> {
      if (runner) return;
      await utilsOf();
      runner = await run({
        connectionString,
        concurrency: opts.concurrency ?? 8,
        noHandleSignals: true,
        logger: workerLogger,
        taskList,
        ...(opts.pollIntervalMs !== undefined ? { pollInterval: opts.pollIntervalMs } : {}),
      });
    },
    async stop(): Promise<void> {
      const r = runner;
      runner = undefined;
      if (r) await r.stop();
      const u = utils;
      utils = undefined;
      ready = undefined;
      if (u) await u.release();
    },
  };
}

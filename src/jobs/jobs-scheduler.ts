/**
 * The scheduler's interface: timed work stored in the database so it survives a restart. Two
 * implementations: an in-process timer over the store's queue on SQLite
 * (`jobs-store-scheduler.ts`), graphile-worker's shared queue on PostgreSQL (`jobs-graphile.ts`).
 */

/** What to run: a handler (`kind`) with its payload, under a key that names it. */
export interface JobRequest {
  /** At most one waiting job per key: scheduling a key again moves it. */
  key: string;
  kind: string;
  payload: unknown;
}

/** One run of a job, as its handler sees it. */
export interface JobRun extends JobRequest {
  /** When it was due (ISO). */
  runAt: string;
  /** When it started (ISO). */
  startedAt: string;
  /** How long after `runAt` it started, in ms: a job due while nothing ran starts late. */
  lateMs: number;
}

/**
 * Runs one job; what it returns is recorded as the run's outcome, a throw as its failure.
 * `signal` aborts when the scheduler stops.
 */
export type JobHandler = (run: JobRun, signal: AbortSignal) => Promise<string | undefined>;

export interface Scheduler {
  /** Stores the job to run at `runAt` (now or in the past: as soon as it can). */
  schedule(job: JobRequest, runAt: Date): Promise<void>;
  /** Starts running due jobs, those that came due while nothing ran first. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (their signal aborted). */
  stop(): Promise<void>;
}

/** Above this, a run is logged as late. */
export const lateAfterMs = 1000;

/**
 * The words for how late a run started.
 *
 * @example describeLate(90_500) // 'late by 1m30s'
 */
export function describeLate(ms: number): string {
  if (ms < lateAfterMs) return 'on time';
  const s = Math.round(ms / 1000);
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s % 60 || !parts.length) parts.push(`${s % 60}s`);
  return `late by ${parts.join('')}`;
}

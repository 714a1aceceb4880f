/**
 * The queue of timed work on SQLite (`jobs/`' in-process scheduler): one row per scheduled run,
 * kept after it ran with its outcome and how late it started. A key (`watch:...`) has at most
 * one row waiting; scheduling the key again moves that row. On PostgreSQL graphile-worker keeps
 * its own queue in its own schema, so these tables stay empty there.
 */
import type { Kysely } from 'kysely';
import { newRowId } from './row-id.ts';

export type ScheduledJobState = 'scheduled' | 'running' | 'done' | 'failed';

export interface ScheduledJob {
  id: string;
  /** At most one waiting row per key. */
  key: string;
  /** What runs it: a handler name (`watch.measure`). */
  kind: string;
  payload: unknown;
  /** ISO time it is due. */
  runAt: string;
  state: ScheduledJobState;
  scheduledAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** How long after `runAt` it started, in ms (a job due while nothing ran starts late). */
  lateMs?: number;
  /** What the run said, or why it failed. */
  outcome?: string;
}

export interface ScheduledJobRow {
  id: string;
  key: string;
  kind: string;
  payload: string;
  run_at: string;
  state: ScheduledJobState;
  scheduled_at: string;
  started_at: string | null;
  finished_at: string | null;
  late_ms: number | null;
  outcome: string | null;
}

export interface JobTables {
  scheduled_jobs: ScheduledJobRow;
}

function toJob(row: ScheduledJobRow): ScheduledJob {
  return {
    id: row.id,
    key: row.key,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    runAt: row.run_at,
    state: row.state,
    scheduledAt: row.scheduled_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.late_ms !== null ? { lateMs: Number(row.late_ms) } : {}),
    ...(row.outcome !== null ? { outcome: row.outcome } : {}),
  };
}

/** Reads of the queue. */
export const jobReads = {
  /** The earliest `runAt` of a waiting job, or undefined when none waits. */
  async nextScheduledJobAt(db: Kysely<JobTables>): Promise<string | undefined> {
    const row = await db
      .selectFrom('scheduled_jobs')
      .select('run_at')
      .where('state', '=', 'scheduled')
      .orderBy('run_at')
      .limit(1)
      .executeTakeFirst();
    return row?.run_at;
  },

  /** Rows of a key (or all), oldest due first. */
  async listScheduledJobs(db: Kysely<JobTables>, key?: string): Promise<ScheduledJob[]> {
    let query = db.selectFrom('scheduled_jobs').selectAll();
    if (key !== undefined) query = query.where('key', '=', key);
    const rows = await query.orderBy('run_at').orderBy('id').execute();
    return rows.map(toJob);
  },
};

/** Writes of the queue; call them inside a transaction. */
export const jobWrites = {
  /**
   * Schedules `key` at `runAt`: moves its waiting row (one already due and asked for now again
   * keeps its first due time), or adds one.
   */
  async putScheduledJob(
    db: Kysely<JobTables>,
    job: { key: string; kind: string; payload: unknown; runAt: string },
    at: string,
  ): Promise<ScheduledJob> {
    const payload = JSON.stringify(job.payload ?? null);
    const waiting = await db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('key', '=', job.key)
      .where('state', '=', 'scheduled')
      .executeTakeFirst();
    if (waiting) {
      // Due already and asked for now again: it keeps the time it was first due, so its run
      // says how late it really is.
      const runAt = waiting.run_at <= at && job.runAt <= at ? waiting.run_at : job.runAt;
      job = { ...job, runAt };
      await db
        .updateTable('scheduled_jobs')
        .set({ kind: job.kind, payload, run_at: job.runAt })
        .where('id', '=', waiting.id)
        .execute();
      return toJob({ ...waiting, kind: job.kind, payload, run_at: job.runAt });
    }
    const row: ScheduledJobRow = {
      id: newRowId(),
      key: job.key,
      kind: job.kind,
      payload,
      run_at: job.runAt,
      state: 'scheduled',
      scheduled_at: at,
      started_at: null,
      finished_at: null,
      late_ms: null,
      outcome: null,
    };
    await db.insertInto('scheduled_jobs').values(row).execute();
    return toJob(row);
  },

  /**
   * Claims up to `limit` waiting jobs due at `now` whose key has no run going: they turn
   * `running` with their start time and lateness. In the caller's transaction, so two claimers
   * never get the same row.
   */
  async claimDueJobs(db: Kysely<JobTables>, now: string, limit: number): Promise<ScheduledJob[]> {
    const rows = await db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('state', '=', 'scheduled')
      .where('run_at', '<=', now)
      // One run of a key at a time: a key scheduled again while it runs waits for that run.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('scheduled_jobs as r')
              .select('r.id')
              .whereRef('r.key', '=', 'scheduled_jobs.key')
              .where('r.state', '=', 'running'),
          ),
        ),
      )
      .orderBy('run_at')
      .limit(limit)
      .execute();
    const nowMs = Date.parse(now);
    const claimed: ScheduledJob[] = [];
    for (const row of rows) {
      const late = Math.max(0, nowMs - Date.parse(row.run_at));
      const result = await db
        .updateTable('scheduled_jobs')
        .set({ state: 'running', started_at: now, late_ms: late })
        .where('id', '=', row.id)
        .where('state', '=', 'scheduled')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1)
        claimed.push(toJob({ ...row, state: 'running', started_at: now, late_ms: late }));
    }
    return claimed;
  },

  /** Records how a claimed run ended. */
  async finishScheduledJob(
    db: Kysely<JobTables>,
    id: string,
    end: { state: 'done' | 'failed'; at: string; outcome?: string },
  ): Promise<void> {
    await db
      .updateTable('scheduled_jobs')
      .set({ state: end.state, finished_at: end.at, outcome: end.outcome?.slice(0, 1000) ?? null })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .execute();
  },

  /**
   * Marks runs left `running` by a process that stopped mid-run as failed ("interrupted"); the
   * count. Their work is planned again from the record, never run twice blindly.
   */
  async failInterruptedJobs(db: Kysely<JobTables>, at: string): Promise<number> {
    const result = await db
      .updateTable('scheduled_jobs')
      .set({
        state: 'failed',
        finished_at: at,
        outcome: 'interrupted: the process stopped while it ran',
      })
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },
};

/**
 * Group commit for the embedded store: the transactions that queue up while one commits run
 * together in one SQLite transaction, each inside its own savepoint, and one COMMIT (one fsync
 * of the WAL, `synchronous = FULL`) makes all of them durable at once. Nobody is told "done"
 * before that COMMIT returns, so an acknowledged write is as durable as with a transaction of
 * its own; a transaction whose function throws is rolled back to its savepoint and fails alone.
 *
 * Why: node:sqlite is synchronous, so every COMMIT's fsync stops the whole event loop (2.4 ms
 * a commit on this machine's disk, more than all of a write's queries together): one per
 * request made a busy server spend most of its time waiting for the disk. Under no load a batch
 * is one transaction, and nothing waits for a batch to fill.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

interface Job {
  run(db: Kysely<unknown>): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The most transactions one COMMIT covers: bounds how long one batch holds the database. */
const maxBatch = 64;

export interface GroupCommit {
  /** Runs `fn` inside the next batch's transaction; resolves after that batch committed. */
  run<T>(fn: (db: Kysely<unknown>) => Promise<T>): Promise<T>;
}

/**
 * Creates the group commit of one SQLite database (its single connection).
 *
 * @example
 * const group = createGroupCommit(db);
 * await group.run((conn) => sql`insert into t values (1)`.execute(conn));
 */
export function createGroupCommit(db: Kysely<unknown>): GroupCommit {
  const queue: Job[] = [];
  let draining = false;

  const runBatch = async (conn: Kysely<unknown>, batch: Job[]): Promise<void> => {
    await sql`begin immediate`.execute(conn);
    const done: { job: Job; value: unknown }[] = [];
    try {
      for (const job of batch) {
        await sql`savepoint gonogo_job`.execute(conn);
        let value: unknown;
        try {
          value = await job.run(conn);
        } catch (error) {
          // Its writes go, the batch's others stay. A rollback that fails means SQLite ended
          // the whole transaction (it does after some errors): the outer catch fails them all.
          await sql`rollback to gonogo_job`.execute(conn);
          await sql`release gonogo_job`.execute(conn);
          job.reject(error);
          continue;
        }
        await sql`release gonogo_job`.execute(conn);
        done.push({ job, value });
      }
      await sql`commit`.execute(conn);
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      // Not committed, so not acknowledged: each caller sees the error and may try again.
      for (const { job } of done) job.reject(error);
      for (const job of batch) if (!done.some((d) => d.job === job)) job.reject(error);
      return;
    }
    for (const { job, value } of done) job.resolve(value);
  };

  const drain = async (): Promise<void> => {
    draining = true;
    try {
      while (queue.length) {
        const batch = queue.splice(0, maxBatch);
        await db
          .connection()
          .execute((conn) => runBatch(conn, batch))
          .catch((error: unknown) => {
            for (const job of batch) job.reject(error);
          });
      }
    } finally {
      draining = false;
    }
  };

  return {
    run<T>(fn: (conn: Kysely<unknown>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
        if (!draining) void drain();
      });
    },
  };
}

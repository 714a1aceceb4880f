/**
 * The shared store: PostgreSQL through `pg`, for teams and for more than one server instance.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UsageError } from '../core/errors.ts';
import { KyselyStore } from './kysely-store.ts';
import type { StoreTables } from './kysely-store.ts';
import { migrateStore } from './store-migrations.ts';
import type { Store } from './store.ts';

export interface PostgresStoreOptions {
  /**
   * Keep the tables in this schema (created if missing) instead of `public`: every
   * connection's search_path is set to it. Tests use one schema per run.
   */
  schema?: string;
  /** Most connections the pool opens; 10 unless told. */
  maxConnections?: number;
}

/**
 * Opens a pool on the PostgreSQL database at `url` and brings its schema up to date. A
 * `?schema=NAME` parameter in the URL works like `opts.schema`.
 *
 * @example
 * const store = await openPostgresStore('postgres://gonogo@db.internal/gonogo');
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<Store> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new UsageError(`${url} is not a valid PostgreSQL URL (postgres://USER@HOST:PORT/DB)`, {
      cause: error,
    });
  }
  const schema = opts.schema ?? (parsed.searchParams.get('schema') || undefined);
  // pg would pass an unknown parameter on to the server as a setting; it is ours, not its.
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(
      `schema name ${JSON.stringify(schema)} is not a plain identifier ` +
        '(use lower-case letters, digits and _, starting with a letter or _)',
    );
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: opts.maxConnections ?? 10,
    // Sent at connection start-up, so every query on every pooled connection sees the schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  const db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) {
      await createSchemaIfMissing(pool, schema);
    }
    await migrateStore(db as Kysely<unknown>, schema === undefined ? {} : { schema });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, 'postgres');
}

async function createSchemaIfMissing(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Two processes creating it at once: the loser gets a unique violation, and the schema
    // is there, which is all that was asked.
    if ((error as { code?: unknown }).code !== '23505') throw error;
  }
}

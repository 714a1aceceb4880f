/**
 * Opens the store a URL names: PostgreSQL for `postgres://` and `postgresql://` URLs, else
 * a SQLite file.
 */
import type { PostgresStoreOptions } from './postgres-store.ts';
import type { SqliteStoreOptions } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** `readOnly` applies to SQLite (PostgreSQL's permissions live in the server), the rest to PostgreSQL. */
export type OpenStoreOptions = PostgresStoreOptions & SqliteStoreOptions;

/**
 * Opens and migrates the store at `url`: a `postgres://` or `postgresql://` URL (with an
 * optional `?schema=NAME`), or a path to a SQLite file, whose folder is created when missing.
 * A database that cannot be opened as asked is an EnvironmentError naming it and the fix.
 *
 * @example
 * const store = await openStore('.gonogo/gonogo.db');
 * const shared = await openStore('postgres://gonogo@db.internal/gonogo?schema=gonogo');
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  // Each driver is loaded only when used: the CLI on SQLite never pays for pg.
  if (isPostgresUrl(url)) {
    const { openPostgresStore } = await import('./postgres-store.ts');
    return openPostgresStore(url, opts);
  }
  const { openSqliteStore } = await import('./sqlite-store.ts');
  return openSqliteStore(url, opts.readOnly ? { readOnly: true } : {});
}

/**
 * Whether `url` names a PostgreSQL database rather than a SQLite file.
 *
 * @example isPostgresUrl('postgresql://db/gonogo') // true
 */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

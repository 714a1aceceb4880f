/**
 * Opens the store a URL names: PostgreSQL for `postgres://` and `postgresql://` URLs, else
 * a SQLite file.
 */
import type { PostgresStoreOptions } from './postgres-store.ts';
import type { Store } from './store.ts';

export type OpenStoreOptions = PostgresStoreOptions;

/**
 * Opens and migrates the store at `url`: a `postgres://` or `postgresql://` URL (with an
 * optional `?schema=NAME`), or a path to a SQLite file, whose folder is created when missing.
 * `opts` apply to PostgreSQL only.
 *
 * @example
 * const store = await openStore('.gonogo/gonogo.db');
 * const shared = await openStore('postgres://gonogo@db.internal/gonogo?schema=gonogo');
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  // Each driver is loaded only when used: the CLI on SQLite never pays for pg.
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { openPostgresStore } = await import('./postgres-store.ts');
    return openPostgresStore(url, opts);
  }
  const { openSqliteStore } = await import('./sqlite-store.ts');
  return openSqliteStore(url);
}

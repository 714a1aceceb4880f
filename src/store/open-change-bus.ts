/**
 * Opens the change bus that fits a store URL: PostgreSQL LISTEN/NOTIFY for a `postgres://` URL
 * (every instance on the database hears every other), else the in-process bus (SQLite: one
 * instance owns the file).
 */
import type { ChangeBus, ChangeBusOptions } from './change-bus.ts';
import { createMemoryChangeBus } from './change-bus.ts';
import { isPostgresUrl } from './open-store.ts';

/**
 * The bus for the store at `url` (the same URL the store was opened with, `?schema=` included).
 * Open one per process and give the same bus to the service (which publishes) and to the
 * watchers (which subscribe): two in-process buses do not hear each other.
 *
 * @example
 * const bus = await openChangeBus(process.env.DATABASE_URL ?? '.gonogo/gonogo.db');
 */
export async function openChangeBus(url: string, opts: ChangeBusOptions = {}): Promise<ChangeBus> {
  if (!isPostgresUrl(url)) return createMemoryChangeBus(opts);
  // Loaded only for PostgreSQL, like the store's driver.
  const { createPgChangeBus } = await import('./postgres-change-bus.ts');
  return createPgChangeBus({ ...opts, connectionString: url });
}

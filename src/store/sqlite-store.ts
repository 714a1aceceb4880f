/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite`, zero setup.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { KyselyStore } from './kysely-store.ts';
import type { StoreTables } from './kysely-store.ts';
import { NodeSqliteDialect } from './sqlite-driver.ts';
import { migrateStore } from './store-migrations.ts';
import type { Store } from './store.ts';

/**
 * The connection settings, run on every open:
 * - busy_timeout first, so the pragmas after it and every BEGIN IMMEDIATE wait up to 10 s for
 *   another process's write instead of failing at once with SQLITE_BUSY;
 * - WAL, so readers never block the one writer and the writer never blocks readers;
 * - foreign_keys, which SQLite leaves off unless asked per connection;
 * - synchronous FULL: in WAL mode NORMAL may lose the last commits on power loss, and a
 *   release record must be durable once acknowledged; FULL syncs the WAL on every commit.
 */
const pragmas = [
  'PRAGMA busy_timeout = 10000',
  'PRAGMA journal_mode = WAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA synchronous = FULL',
];

/**
 * Opens (creating it and its folder if needed) the SQLite store at `file` and brings its
 * schema up to date. `:memory:` gives a private in-memory database.
 *
 * @example
 * const store = await openSqliteStore('.gonogo/gonogo.db');
 */
export async function openSqliteStore(file: string): Promise<Store> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Kysely<StoreTables>({
    dialect: new NodeSqliteDialect({
      database: () => {
        const database = new DatabaseSync(file);
        for (const pragma of pragmas) database.exec(pragma);
        return database;
      },
    }),
  });
  try {
    await migrateStore(db as Kysely<unknown>);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, 'sqlite');
}

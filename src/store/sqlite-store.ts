/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite`, zero setup.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { Kysely } from 'kysely';
import { EnvironmentError } from '../core/errors.ts';
import { KyselyStore } from './kysely-store.ts';
import type { StoreTables } from './store-rows.ts';
import { NodeSqliteDialect } from './sqlite-driver.ts';
import { migrateStore, migrationTable } from './store-migrations.ts';
import type { Store } from './store.ts';

/**
 * The connection settings, run on every open:
 * - busy_timeout first, so the pragmas after it and every BEGIN IMMEDIATE wait up to 10 s for
 *   another process's write instead of failing at once with SQLITE_BUSY;
 * - WAL, so readers never block the one writer and the writer never blocks readers (not on a
 *   read-only connection, which may not change the journal mode);
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

export interface SqliteStoreOptions {
  /**
   * Open for reading only: nothing is created, migrated or written, so a database the user may
   * only read (a read-only file or folder) can still be shown.
   */
  readOnly?: boolean;
}

/**
 * Opens (creating it and its folder if needed) the SQLite store at `file` and brings its
 * schema up to date. `:memory:` gives a private in-memory database. A file that is not a
 * database, a database of another program, one made by a newer gonogo, or one the user may
 * not write is an EnvironmentError naming the file; a 0-byte file is a new, empty database.
 *
 * @example
 * const store = await openSqliteStore('.gonogo/gonogo.db');
 * const reader = await openSqliteStore('/srv/archive/gonogo.db', { readOnly: true });
 */
export async function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  const readOnly = opts.readOnly ?? false;
  if (file !== ':memory:' && !readOnly) createFolderOf(file);
  const database = openDatabase(file, readOnly);
  const db = new Kysely<StoreTables>({ dialect: new NodeSqliteDialect({ database }) });
  try {
    await migrateStore(db as Kysely<unknown>, { place: file, readOnly });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, 'sqlite');
}

function createFolderOf(file: string): void {
  const folder = path.dirname(path.resolve(file));
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      {
        place: file,
        message:
          code === 'ENOTDIR' || code === 'EEXIST'
            ? `cannot create the database ${file}: a part of ${folder} is a file, not a folder`
            : `cannot create the folder ${folder} for the database ${file} (${code ?? String(error)})`,
        fix: 'choose a path whose folders exist or can be created',
      },
      { cause: error },
    );
  }
}

/**
 * Opens the file, lists its tables and applies the pragmas: that first read is where SQLite
 * finds a file that is not a database, so every such problem surfaces here, with the file named.
 */
function openDatabase(file: string, readOnly: boolean): DatabaseSync {
  try {
    return prepare(new DatabaseSync(file, { readOnly }), file, readOnly);
  } catch (error) {
    // A WAL database in a folder this user may not write: SQLite cannot create the
    // shared-memory file a reader needs beside it. Read the file as it is ("immutable"): a
    // process writing the database would have created that file, so none is writing it now.
    if (readOnly && sqliteCode(error) === readOnlyDirectory) {
      try {
        const url = pathToFileURL(path.resolve(file));
        url.searchParams.set('immutable', '1');
        return prepare(new DatabaseSync(url, { readOnly }), file, readOnly);
      } catch (again) {
        throw describeSqliteError(file, again, readOnly);
      }
    }
    throw describeSqliteError(file, error, readOnly);
  }
}

function prepare(database: DatabaseSync, file: string, readOnly: boolean): DatabaseSync {
  try {
    const [wait, ...rest] = pragmas;
    database.exec(wait!);
    const rows = database
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as { name: string }[];
    const tables = rows.map((r) => r.name);
    // Before the journal mode is set, which rewrites the file's header: another program's
    // database is left byte for byte as it was.
    if (tables.length > 0 && !tables.includes(migrationTable)) {
      throw new EnvironmentError({
        place: file,
        message: `${file} is an SQLite database of another program (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}), not gonogo's`,
        fix: 'name a new file or a gonogo database',
      });
    }
    for (const pragma of rest) {
      if (readOnly && pragma.includes('journal_mode')) continue;
      database.exec(pragma);
    }
    return database;
  } catch (error) {
    database.close();
    throw error;
  }
}

/** SQLITE_READONLY_DIRECTORY: the folder of a WAL database is not writable. */
const readOnlyDirectory = 1544;

function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code : undefined;
}

/** An SQLite error on open as an EnvironmentError naming the file and the fix. */
function describeSqliteError(file: string, error: unknown, readOnly: boolean): unknown {
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const said = (error as Error).message;
  const problem = (message: string, fix: string) =>
    new EnvironmentError({ place: file, message, fix }, { cause: error });
  switch (code & 0xff) {
    case 26: // SQLITE_NOTADB
      return problem(
        `${file} is not an SQLite database (SQLite says: ${said})`,
        'name the gonogo database, or move this file away to start a new one there',
      );
    case 11: // SQLITE_CORRUPT
      return problem(
        `the database ${file} is damaged (SQLite says: ${said})`,
        'restore it from a backup, or move it away to start a new one',
      );
    case 8: // SQLITE_READONLY
      return problem(
        `the database ${file} or its folder is read-only (SQLite says: ${said})`,
        readOnly
          ? 'make its folder writable, or copy the database to a writable folder'
          : 'make the file and its folder writable for this user',
      );
    case 5: // SQLITE_BUSY
      return problem(
        `the database ${file} is locked by another process (SQLite says: ${said})`,
        'wait for the other gonogo to finish, then try again',
      );
    case 13: // SQLITE_FULL
      return problem(`the disk holding ${file} is full (SQLite says: ${said})`, 'free some space');
    case 14: // SQLITE_CANTOPEN
      return problem(
        `cannot open the database ${file} (SQLite says: ${said})`,
        'check that the path names a file (not a folder) and that its folder is writable',
      );
    default:
      return problem(
        `cannot open the database ${file} (SQLite says: ${said})`,
        'check the file and its permissions',
      );
  }
}

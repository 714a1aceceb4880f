/**
 * The database of a CLI command: where it is (`--db`, else `GONOGO_DB`, else
 * `.gonogo/gonogo.db` at the repository root), what is wrong with that path before SQLite
 * meets it (a folder, a path under a file, a read-only file or folder), each said with the
 * place and the fix, and read-only opening for the commands that only read.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EnvironmentError, NotFoundError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';

/** The database a command uses, and where that choice came from (for messages). */
export interface DbTarget {
  /** A SQLite file path (as given) or a PostgreSQL URL. */
  url: string;
  origin: 'the --db option' | 'GONOGO_DB' | 'DATABASE_URL' | 'the default';
}

/**
 * Picks the database: the `--db` flag, else `GONOGO_DB`, else `.gonogo/gonogo.db` under `root`.
 *
 * @example resolveDb(undefined, '/repo', {}) // { url: '/repo/.gonogo/gonogo.db', origin: 'the default' }
 */
export function resolveDb(
  flag: string | undefined,
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): DbTarget {
  if (flag !== undefined) return { url: flag, origin: 'the --db option' };
  if (env.GONOGO_DB) return { url: env.GONOGO_DB, origin: 'GONOGO_DB' };
  return { url: join(root, '.gonogo', 'gonogo.db'), origin: 'the default' };
}

export interface OpenCliStoreOptions {
  /** A missing (or empty) database is "not found", never a new file. */
  mustExist?: boolean;
  /**
   * The command only reads: where this user may not write the SQLite file or its folder, the
   * database is opened read-only instead of refused.
   */
  readOnly?: boolean;
}

/**
 * Opens a store at a path or URL: store/open-store.ts's `openStore`, or the CLI's own, which
 * cli-service.ts passes so that SQLite is bundled with the service (one chunk for `status`).
 */
export type StoreOpener = (url: string, opts: { readOnly?: boolean }) => Promise<Store>;

/** A PostgreSQL URL, as store/open-store.ts's `isPostgresUrl` says (not imported: see above). */
const postgresUrl = /^postgres(ql)?:\/\//i;

/** The commands that only read, for the message that suggests them. */
const readingCommands = 'status, log, export, env, release list|show, item show, audit verify';

/**
 * Opens the store for a command, after checking a SQLite path: each problem is an
 * EnvironmentError (exit 2) naming the path, where it came from, and the fix. `readOnly` in the
 * answer says whether it was opened read-only (nothing may be written through it).
 *
 * @example
 * const { store } = await openCliStore(resolveDb(flags.db, root), cwd, { mustExist: true, readOnly: true }, openStore);
 */
export async function openCliStore(
  target: DbTarget,
  cwd: string,
  opts: OpenCliStoreOptions,
  open: StoreOpener,
): Promise<{ store: Store; readOnly: boolean }> {
  if (postgresUrl.test(target.url)) return { store: await open(target.url, {}), readOnly: false };
  const readOnly = checkSqlitePath(target, resolve(cwd, target.url), opts);
  return { store: await open(target.url, readOnly ? { readOnly } : {}), readOnly };
}

/** Checks a SQLite path for the command; returns whether to open it read-only. */
function checkSqlitePath(target: DbTarget, file: string, opts: OpenCliStoreOptions): boolean {
  const named = `the database ${target.url} (${target.origin})`;
  const fail = (message: string, fix: string): never => {
    throw new EnvironmentError({ place: target.url, message, fix });
  };
  const st = statOf(file);
  if (!st) {
    const { folder, blocker } = nearestFolder(dirname(file));
    if (blocker) {
      fail(
        `${named} cannot be created: ${blocker} is a file, not a folder`,
        'name a path whose folders are folders',
      );
    }
    if (opts.mustExist) {
      throw new NotFoundError(
        `no gonogo database at ${target.url} (${target.origin}): start a release with \`gonogo release start VERSION\``,
      );
    }
    if (!isWritable(folder)) {
      fail(
        `${named} cannot be created: the folder ${folder} is read-only`,
        'make the folder writable, or name a database in a writable folder',
      );
    }
    createFolder(file);
    return false;
  }
  if (st.isDirectory()) {
    fail(`${named} is a folder, not a file`, `name a file, e.g. ${join(target.url, 'gonogo.db')}`);
  }
  if (!st.isFile()) fail(`${named} is not a regular file`, 'name a database file');
  // An empty file is a new database: a write starts it, a read finds nothing in it.
  if (st.size === 0 && opts.mustExist) {
    throw new NotFoundError(
      `no gonogo database at ${target.url} (${target.origin}; the file is empty): start a release with \`gonogo release start VERSION\``,
    );
  }
  const folder = dirname(file);
  const fileWritable = isWritable(file);
  // SQLite writes its journal (the -wal and -shm files) beside the database.
  const folderWritable = isWritable(folder);
  if (fileWritable && folderWritable) return false;
  if (opts.readOnly) return true;
  return fail(
    fileWritable
      ? `${named} cannot be written: its folder ${folder} is read-only (SQLite writes its journal beside the database)`
      : `${named} is read-only`,
    `make ${fileWritable ? 'the folder' : 'it'} writable for this user; the commands that only read work on it as it is: ${readingCommands}`,
  );
}

/** The file's status, or undefined when it does not exist (or a part of its path is a file). */
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new EnvironmentError(
      {
        place: file,
        message: `cannot look at the database ${file} (${code ?? String(error)})`,
        fix: 'check the permissions of its folders',
      },
      { cause: error },
    );
  }
}

/** The nearest existing folder above a path, or the file that stands where a folder must be. */
function nearestFolder(dir: string): { folder: string; blocker?: string } {
  for (let at = dir; ; at = dirname(at)) {
    const st = statOf(at);
    if (st?.isDirectory()) return { folder: at };
    if (st) return { folder: dirname(at), blocker: at };
    if (dirname(at) === at) return { folder: at };
  }
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function createFolder(file: string): void {
  const dir = dirname(file);
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch {
    // Reported with the path by the store, which tries again.
    return;
  }
  // The database is local state, not source: keep it out of git by default.
  if (dir.endsWith('.gonogo')) writeFileSync(join(dir, '.gitignore'), '*\n');
}

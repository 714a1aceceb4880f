/**
 * PostgreSQL for tests: the server at GONOGO_TEST_PG (default the local one), and a database of
 * its own for each test run, dropped afterwards. Without a server (and without GONOGO_TEST_PG)
 * the PostgreSQL suites skip with a visible message.
 */
import pg from 'pg';

export const pgServerUrl = process.env.GONOGO_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether PostgreSQL runs here; with GONOGO_TEST_PG set it must (the suites fail, not skip). */
export async function checkPgAvailable(suite: string): Promise<boolean> {
  const ok = process.env.GONOGO_TEST_PG !== undefined || (await canConnect(pgServerUrl));
  if (!ok)
    console.warn(
      `${suite}: SKIPPING the PostgreSQL suite: cannot connect to ${pgServerUrl} (set GONOGO_TEST_PG to a PostgreSQL URL to run it)`,
    );
  return ok;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgServerUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database and returns its URL and a function that drops it.
 *
 * @example const db = await createTestDatabase(); try { ... openStore(db.url) ... } finally { await db.drop(); }
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gonogo_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const u = new URL(pgServerUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () =>
      admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * The shared store: PostgreSQL through `pg`, for teams and for more than one server instance.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { EnvironmentError, GonogoError, UsageError } from '../core/errors.ts';
import { KyselyStore } from './kysely-store.ts';
import type { StoreTables } from './store-rows.ts';
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
  /** How long to wait for a connection before giving up; 10 s unless told. */
  connectTimeoutMs?: number;
}

/**
 * Opens a pool on the PostgreSQL database at `url` and brings its schema up to date. A
 * `?schema=NAME` parameter in the URL works like `opts.schema`. A server that cannot be
 * reached or refuses the role, database or TLS setting is an EnvironmentError naming the URL
 * (password masked) and the fix.
 *
 * @example
 * const store = await openPostgresStore('postgres://gonogo@db.internal/gonogo');
 */
export async function openPostgresStore(
  url: string,
  opts: PostgresStoreOptions = {},
): Promise<Store> {
  const { parsed, schema } = parsePostgresUrl(url, opts.schema);
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: opts.maxConnections ?? 10,
    // pg waits forever by default; a host that drops packets must not hang the CLI.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // Sent at connection start-up, so every query on every pooled connection sees the schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // A pooled connection the server closes while idle (a restart) is dropped by the pool; without
  // a listener its 'error' event would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<StoreTables>({ dialect: new PostgresDialect({ pool }) });
  const place = maskPassword(url);
  try {
    if (schema !== undefined) {
      await createSchemaIfMissing(pool, schema);
    }
    await migrateStore(db as Kysely<unknown>, {
      place,
      ...(schema === undefined ? {} : { schema }),
    });
  } catch (error) {
    await db.destroy();
    throw describePostgresError(place, parsed, schema, error);
  }
  return new KyselyStore(db, 'postgres');
}

/**
 * Reads a PostgreSQL URL as gonogo takes it: `schema` (else a `?schema=NAME` parameter, which is
 * removed, since pg would pass it to the server as a setting) must be a plain identifier.
 * Throws a UsageError for a URL that does not parse or a schema name that is not plain.
 *
 * @example parsePostgresUrl('postgres://db/gonogo?schema=team').schema // 'team'
 */
export function parsePostgresUrl(
  url: string,
  schemaOption?: string,
): { parsed: URL; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new UsageError(
      `${maskPassword(url)} is not a valid PostgreSQL URL (postgres://USER@HOST:PORT/DB)`,
      { cause: error },
    );
  }
  const schema = schemaOption ?? (parsed.searchParams.get('schema') || undefined);
  parsed.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new UsageError(
      `schema name ${JSON.stringify(schema)} is not a plain identifier ` +
        '(use lower-case letters, digits and _, starting with a letter or _)',
    );
  }
  return { parsed, schema };
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

/**
 * The URL with its password (in the user part or a `password` parameter) replaced by `***`,
 * for messages. Works on text that does not parse as a URL too.
 *
 * @example maskPassword('postgres://ana:s3cret@db/gonogo') // 'postgres://ana:***@db/gonogo'
 */
export function maskPassword(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^/]*@/i, '$1***@')
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

/**
 * A failure to reach or use the server as an EnvironmentError naming the URL and the fix; any
 * other error (a bug) is returned as it is.
 *
 * @example throw describePostgresError(maskPassword(url), new URL(url), undefined, error);
 */
export function describePostgresError(
  place: string,
  url: URL,
  schema: string | undefined,
  error: unknown,
): unknown {
  if (error instanceof GonogoError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const said = typeof message === 'string' ? message : String(error);
  const user = decodeURIComponent(url.username) || 'the default role';
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  const problem = (what: string, fix: string) =>
    new EnvironmentError(
      { place, message: `cannot use PostgreSQL at ${place}: ${what}`, fix },
      { cause: error },
    );
  switch (code) {
    case 'ECONNREFUSED':
      return problem(
        'connection refused',
        'start the server, or correct the host and port in the URL',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return problem(`host ${url.hostname} not found`, 'correct the host name in the URL');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return problem(
        `${url.host} does not answer (${code})`,
        'check the host, the port and the network',
      );
    case '28000':
      return /role .* does not exist/.test(said)
        ? problem(
            said,
            `create the role with CREATE ROLE "${user}" LOGIN, or correct the user in the URL`,
          )
        : problem(
            said,
            "allow this client in the server's pg_hba.conf, or correct the user in the URL",
          );
    case '28P01':
      return problem(said, 'correct the password in the URL (or PGPASSWORD)');
    case '3D000':
      return problem(
        said,
        `create it with createdb ${database}, or correct the database name in the URL`,
      );
    case '42501':
      return problem(
        said,
        `grant the role the right to create tables${schema ? ` in schema ${schema}` : ''}, or name a schema it owns with ?schema=NAME`,
      );
    case '57P03':
      return problem(said, 'the server is starting or stopping: try again in a moment');
    case '53300':
      return problem(said, 'close other connections, or raise max_connections on the server');
  }
  if (/does not support SSL/i.test(said)) {
    return problem(
      `the server does not offer TLS, which the URL asks for with sslmode=${url.searchParams.get('sslmode') ?? '…'}`,
      'enable TLS on the server, or remove sslmode from the URL where the network is trusted',
    );
  }
  if (/timeout/i.test(said) && /connect/i.test(said)) {
    return problem(
      `${url.host} did not answer in time`,
      'check the host, the port and the network',
    );
  }
  if (typeof code === 'string' && /CERT|SSL|TLS/.test(code)) {
    return problem(
      `the server's TLS certificate is not trusted (${said})`,
      'give the CA with sslrootcert=FILE in the URL, or correct the host name',
    );
  }
  return error;
}

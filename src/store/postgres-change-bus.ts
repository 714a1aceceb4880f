/**
 * The change bus of several instances on one PostgreSQL: NOTIFY on one channel, LISTEN on a
 * dedicated connection per instance (a pooled connection would be handed to other queries and
 * lose the LISTEN). The connection is watched (TCP keep-alive, a periodic ping) and, when it is
 * lost, opened again with growing, jittered delays; since notifications sent meanwhile are gone,
 * every subscriber then gets a resync signal and reads its releases again from the store.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { EnvironmentError, InternalError } from '../core/errors.ts';
import type { ChangeBus, ChangeBusOptions, ReleaseChange } from './change-bus.ts';
import { closedError, createChangeFanout, warnChangeBusError } from './change-bus.ts';
import { describePostgresError, maskPassword, parsePostgresUrl } from './postgres-store.ts';

export interface PostgresChangeBusOptions extends ChangeBusOptions {
  /** The database, as for the store (`?schema=NAME` included). */
  connectionString: string;
  /**
   * The store's schema: instances on other schemas of the same database use other channels and
   * never hear each other. Taken from `?schema=` in the URL unless told.
   */
  schema?: string;
  /** First delay before opening a lost connection again, doubled per failure; 100 ms unless told. */
  minRetryMs?: number;
  /** Longest delay between attempts; 10 s unless told. */
  maxRetryMs?: number;
  /** How often the idle connection is checked with a query; 30 s unless told. */
  pingIntervalMs?: number;
  /** How long to wait for a connection (and a ping's answer); 10 s unless told. */
  connectTimeoutMs?: number;
  /** The connection's name in `pg_stat_activity`; `gonogo-changes` unless told. */
  applicationName?: string;
}

/** NOTIFY refuses payloads of 8000 bytes or more. */
const maxPayloadBytes = 7999;
/** Releases whose changes wait while the connection is down; beyond, a resync for everyone. */
const maxPending = 10_000;
const resyncPayload = JSON.stringify({ resync: true });

/**
 * The channel of a store's schema: `gonogo_changes`, or `gonogo_changes_SCHEMA`, shortened with a
 * hash where it would pass PostgreSQL's 63-byte identifier limit (which LISTEN would truncate but
 * pg_notify refuses).
 *
 * @example changeChannel('team_a') // 'gonogo_changes_team_a'
 */
export function changeChannel(schema?: string): string {
  if (schema === undefined) return 'gonogo_changes';
  const plain = `gonogo_changes_${schema}`;
  if (plain.length <= 63) return plain;
  return `gonogo_changes_${createHash('sha256').update(schema).digest('hex').slice(0, 40)}`;
}

/**
 * Opens the bus on its own connection and starts listening. A database that cannot be reached
 * is an EnvironmentError naming it (password masked) and the fix. A publish reaches every
 * instance's subscribers, this one's included, through the database; while the connection is
 * down, publishes are kept (one per release, the newest) and sent once it is back.
 *
 * @example
 * const bus = await createPgChangeBus({ connectionString: 'postgres://gonogo@db/gonogo' });
 * bus.subscribe((c) => wake(c.releaseId, c.seq), () => wakeAll());
 */
export async function createPgChangeBus(opts: PostgresChangeBusOptions): Promise<ChangeBus> {
  const { parsed, schema } = parsePostgresUrl(opts.connectionString, opts.schema);
  const place = maskPassword(opts.connectionString);
  const channel = changeChannel(schema);
  const onError = opts.onError ?? warnChangeBusError;
  const report = (error: unknown) => {
    try {
      onError(error);
    } catch {
      // The reporter's own failure has nowhere to go.
    }
  };
  const fanout = createChangeFanout(onError);
  const minRetryMs = opts.minRetryMs ?? 100;
  const maxRetryMs = opts.maxRetryMs ?? 10_000;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;

  let current: pg.Client | undefined;
  let closed = false;
  let attempts = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;
  const pending = new Map<string, ReleaseChange>();
  let overflowed = false;

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: parsed.toString(),
      keepAlive: true,
      connectionTimeoutMillis: connectTimeoutMs,
      application_name: opts.applicationName ?? 'gonogo-changes',
    });
    // Errors and the end of a connection that is not (or no longer) the current one are ignored;
    // without a listener, pg's 'error' event would end the process.
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client, new Error('the connection ended')));
    client.on('notification', (msg) => {
      if (client === current && !closed && msg.channel === channel) receive(msg.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  function lost(client: pg.Client, error: unknown) {
    if (client !== current) return;
    current = undefined;
    client.end().catch(() => undefined);
    if (closed) return;
    report(
      new EnvironmentError(
        {
          place,
          message: `lost the connection that listens for changes at ${place}: ${messageOf(error)}`,
          fix: 'nothing to do if it comes back (watchers then read again); else check the PostgreSQL server',
        },
        { cause: error },
      ),
    );
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (closed || retryTimer || connecting) return;
    attempts++;
    // Jitter spreads the instances that lost one server at once, weighted to the full delay.
    const jitter = 0.5 + Math.sqrt(Math.random()) / 2;
    const delay = Math.ceil(jitter * Math.min(maxRetryMs, minRetryMs * 2 ** (attempts - 1)));
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connecting = reconnect().finally(() => (connecting = undefined));
    }, delay);
    retryTimer.unref();
  }

  async function reconnect(): Promise<void> {
    if (closed) return;
    let client: pg.Client;
    try {
      client = await connect();
    } catch (error) {
      report(describePostgresError(place, parsed, schema, error));
      connecting = undefined;
      scheduleReconnect();
      return;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
    attempts = 0;
    // Notifications sent while the connection was down are lost: watchers read again.
    fanout.resync();
    await flushPending(client);
  }

  function keep(changes: readonly ReleaseChange[]) {
    for (const change of changes) {
      const kept = pending.get(change.releaseId);
      if (kept && kept.seq >= change.seq) continue;
      pending.delete(change.releaseId);
      pending.set(change.releaseId, change);
      if (pending.size > maxPending) {
        pending.delete(pending.keys().next().value!);
        overflowed = true;
      }
    }
  }

  async function flushPending(client: pg.Client) {
    if (!pending.size && !overflowed) return;
    const changes = [...pending.values()];
    const resync = overflowed;
    pending.clear();
    overflowed = false;
    try {
      await send(client, [...changes.map(encode), ...(resync ? [resyncPayload] : [])]);
    } catch (error) {
      keep(changes);
      overflowed ||= resync;
      lost(client, error);
    }
  }

  function encode(change: ReleaseChange): string {
    const { project, releaseId, version, seq } = change;
    const payload = JSON.stringify({ project, releaseId, version, seq });
    if (Buffer.byteLength(payload) <= maxPayloadBytes) return payload;
    // Too long for NOTIFY: everyone reads again instead of missing it.
    report(
      new InternalError(
        `the change of release ${releaseId} does not fit a notification (${Buffer.byteLength(payload)} bytes); sent a resync instead`,
      ),
    );
    return resyncPayload;
  }

  async function send(client: pg.Client, payloads: string[]) {
    // One round trip for the lot; a session hears its own notifications, so this instance's
    // subscribers get them the same way as every other instance's.
    await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, payloads]);
  }

  function receive(payload: string) {
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch {
      message = undefined;
    }
    const m = (message ?? {}) as Record<string, unknown>;
    if (m.resync === true) {
      fanout.resync();
    } else if (
      typeof m.project === 'string' &&
      typeof m.releaseId === 'string' &&
      typeof m.version === 'string' &&
      Number.isSafeInteger(m.seq)
    ) {
      fanout.deliver({
        project: m.project,
        releaseId: m.releaseId,
        version: m.version,
        seq: m.seq as number,
      });
    } else {
      report(
        new InternalError(
          `ignored a notification on channel ${channel} that is not a release change (${payload.length} characters)`,
        ),
      );
    }
  }

  async function ping() {
    const client = current;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      // A connection whose peer vanished can hang rather than fail: an answer must come in time.
      await Promise.race([
        client.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer to a ping in ${connectTimeoutMs} ms`)),
            connectTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      lost(client, error);
    } finally {
      clearTimeout(timer);
    }
  }

  try {
    current = await connect();
  } catch (error) {
    throw describePostgresError(place, parsed, schema, error);
  }
  const pingTimer = setInterval(() => void ping(), opts.pingIntervalMs ?? 30_000);
  pingTimer.unref();

  return {
    async publish(changes) {
      if (closed) throw closedError();
      if (!changes.length) return;
      const client = current;
      if (!client) {
        keep(changes);
        return;
      }
      try {
        await send(client, changes.map(encode));
      } catch (error) {
        // Kept and sent again on the next connection, which this failure forces.
        keep(changes);
        lost(client, error);
      }
    },
    subscribe: (onChange, onResync) => fanout.subscribe(onChange, onResync),
    async close() {
      if (closed) return;
      closed = true;
      fanout.clear();
      clearInterval(pingTimer);
      clearTimeout(retryTimer);
      await connecting?.catch(() => undefined);
      const client = current;
      current = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

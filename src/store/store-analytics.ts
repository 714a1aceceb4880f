/**
 * The read behind the process analytics (`core/release-analytics.ts`): the releases of one
 * project started in a period, and only the events of the types the analytics fold, without
 * the columns they do not need (hashes, actors, origins) and without the evidence of item
 * changes (command output, the bulk of a log). Bounded: at most `maxReleases` releases, the
 * newest, with `truncated` saying when there were more; events are read per chunk of releases.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Release, ReleaseEvent } from '../core/release-model.ts';
import { toRelease } from './store-rows.ts';
import type { StoreTables } from './store-rows.ts';

/** As `Dialect` in store.ts (named again here: store.ts imports this file's types). */
type Dialect = 'sqlite' | 'postgres';

/** The most releases one analytics read returns unless told. */
export const defaultAnalyticsReleases = 5000;
/** Releases whose events one query reads (a bound on the statement's parameters). */
const chunkSize = 500;
/** Payloads longer than this (characters) are read without their evidence. */
const slimAbove = 2000;

export interface ReleaseHistoryQuery {
  /** Releases created at or after this ISO time. */
  since?: string;
  /** Releases created before this ISO time. */
  until?: string;
  /** The event types to read. */
  types: readonly string[];
  /** At most this many releases (the newest); {@link defaultAnalyticsReleases} unless told. */
  maxReleases?: number;
}

export interface ReleaseHistories {
  /** Oldest first. */
  releases: Release[];
  /** Per release id, its events of the types asked for, by seq; item evidence left out. */
  events: Map<string, Pick<ReleaseEvent, 'seq' | 'at' | 'type' | 'payload'>[]>;
  /** More releases were in the period than `maxReleases`: the oldest were left out. */
  truncated: boolean;
}

/**
 * Reads the releases of `project` started in the period and their events of `types`.
 *
 * @example
 * const { releases, events } = await readReleaseHistories(db, 'sqlite', 'acme/app', { types: ['item.state'] });
 */
export async function readReleaseHistories(
  db: Kysely<StoreTables>,
  dialect: Dialect,
  project: string,
  query: ReleaseHistoryQuery,
): Promise<ReleaseHistories> {
  const max = Math.max(1, Math.floor(query.maxReleases ?? defaultAnalyticsReleases));
  let q = db.selectFrom('releases').selectAll().where('project', '=', project);
  if (query.since !== undefined) q = q.where('created_at', '>=', query.since);
  if (query.until !== undefined) q = q.where('created_at', '<', query.until);
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(max + 1)
    .execute();
  const truncated = rows.length > max;
  const releases = rows.slice(0, max).reverse().map(toRelease);
  const events = new Map<string, Pick<ReleaseEvent, 'seq' | 'at' | 'type' | 'payload'>[]>();
  for (const r of releases) events.set(r.id, []);
  if (query.types.length === 0) return { releases, events, truncated };
  for (let i = 0; i < releases.length; i += chunkSize) {
    const ids = releases.slice(i, i + chunkSize).map((r) => r.id);
    for (const row of await readEvents(db, dialect, ids, query.types)) {
      events.get(row.release_id)!.push({
        seq: Number(row.seq),
        at: row.at,
        type: row.type,
        payload: parsePayload(row.payload),
      });
    }
  }
  return { releases, events, truncated };
}

interface SlimEventRow {
  release_id: string;
  seq: number;
  at: string;
  type: string;
  payload: string;
}

async function readEvents(
  db: Kysely<StoreTables>,
  dialect: Dialect,
  ids: string[],
  types: readonly string[],
): Promise<SlimEventRow[]> {
  const select = (payload: ReturnType<typeof sql<string>>) =>
    db
      .selectFrom('events')
      .select(['release_id', 'seq', 'at', 'type', payload.as('payload')])
      .where('release_id', 'in', ids)
      .where('type', 'in', [...types])
      .orderBy('release_id')
      .orderBy('seq')
      .execute();
  if (dialect === 'sqlite') {
    // Only a large payload is worth the JSON work (evidence is what makes one large); one that
    // is not JSON (edited outside gonogo) is read as it is, and the fold skips it.
    return select(
      sql<string>`case when length(payload) > ${slimAbove} and json_valid(payload) then json_remove(payload, '$.evidence') else payload end`,
    );
  }
  try {
    return await select(
      sql<string>`case when length(payload) <= ${slimAbove} then payload when jsonb_typeof(payload::jsonb) = 'object' then (payload::jsonb - 'evidence')::text else payload end`,
    );
  } catch (error) {
    // PostgreSQL 15 cannot test JSON before casting: a row that is not JSON fails the cast,
    // so this chunk is read whole instead (the audit reports the row).
    if ((error as { code?: string }).code !== '22P02') throw error;
    return select(sql<string>`payload`);
  }
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The outbox of notifications (migration 0012): the delivery log, one row per message and
 * channel, and the channels a project disabled (an endpoint answered 410 Gone). A delivery is
 * inserted in the transaction of the event that causes it, claimed by a sender (its next attempt
 * time moved forward by a lease, so two senders never send it at once and one that dies lets it
 * come due again), and finished with the attempt's outcome. Nothing here sends anything.
 */
import type { Kysely } from 'kysely';
import type { DeliveryStatus, DisabledChannel, NotifyDelivery } from '../core/notify-delivery.ts';
import { maxDeliveryText } from '../core/notify-delivery.ts';

export interface NotifyDeliveryRow {
  id: string;
  project: string;
  release_id: string;
  channel: string;
  event: string;
  message: string;
  item: number | null;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  message_id: string | null;
  response: string | null;
  created_at: string;
  delivered_at: string | null;
  requested_by: string;
}

export interface NotifyChannelStateRow {
  project: string;
  channel: string;
  disabled_at: string;
  reason: string;
}

export interface NotifyTables {
  notify_deliveries: NotifyDeliveryRow;
  notify_channel_states: NotifyChannelStateRow;
}

/** Filters of {@link notifyReads.listDeliveries}; they combine with AND. */
export interface DeliveryFilter {
  project: string;
  releaseId?: string;
  status?: DeliveryStatus;
  item?: number;
  /** Newest first when given a limit: the log's tail. */
  limit?: number;
}

/** What an attempt changes on a delivery. */
export type DeliveryPatch = Partial<
  Pick<
    NotifyDelivery,
    | 'status'
    | 'nextAttemptAt'
    | 'lastStatus'
    | 'lastError'
    | 'messageId'
    | 'response'
    | 'deliveredAt'
  >
>;

const clip = (s: string | undefined) => (s === undefined ? null : s.slice(0, maxDeliveryText));

function toDelivery(row: NotifyDeliveryRow): NotifyDelivery {
  return {
    id: row.id,
    project: row.project,
    releaseId: row.release_id,
    channel: row.channel,
    event: row.event,
    message: JSON.parse(row.message) as unknown,
    ...(row.item !== null ? { item: Number(row.item) } : {}),
    status: row.status,
    attempts: Number(row.attempts),
    ...(row.next_attempt_at !== null ? { nextAttemptAt: row.next_attempt_at } : {}),
    ...(row.last_status !== null ? { lastStatus: Number(row.last_status) } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    ...(row.message_id !== null ? { messageId: row.message_id } : {}),
    ...(row.response !== null ? { response: row.response } : {}),
    createdAt: row.created_at,
    ...(row.delivered_at !== null ? { deliveredAt: row.delivered_at } : {}),
    requestedBy: row.requested_by,
  };
}

/** Reads of the outbox. */
export const notifyReads = {
  /** Oldest first (by creation, then id); with a limit, the newest `limit` of them, oldest first. */
  async listDeliveries(db: Kysely<NotifyTables>, f: DeliveryFilter): Promise<NotifyDelivery[]> {
    let q = db.selectFrom('notify_deliveries').selectAll().where('project', '=', f.project);
    if (f.releaseId !== undefined) q = q.where('release_id', '=', f.releaseId);
    if (f.status !== undefined) q = q.where('status', '=', f.status);
    if (f.item !== undefined) q = q.where('item', '=', f.item);
    if (f.limit !== undefined) {
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit)
        .execute();
      return rows.reverse().map(toDelivery);
    }
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toDelivery);
  },

  /** The earliest next attempt of a queued delivery of the project (of any, without one). */
  async nextDeliveryAt(db: Kysely<NotifyTables>, project?: string): Promise<string | undefined> {
    let q = db
      .selectFrom('notify_deliveries')
      .select('next_attempt_at')
      .where('status', '=', 'queued')
      .where('next_attempt_at', 'is not', null);
    if (project !== undefined) q = q.where('project', '=', project);
    const row = await q.orderBy('next_attempt_at').limit(1).executeTakeFirst();
    return row?.next_attempt_at ?? undefined;
  },

  /** The project's disabled channels, by name. */
  async listDisabledChannels(
    db: Kysely<NotifyTables>,
    project: string,
  ): Promise<DisabledChannel[]> {
    const rows = await db
      .selectFrom('notify_channel_states')
      .selectAll()
      .where('project', '=', project)
      .orderBy('channel')
      .execute();
    return rows.map((r) => ({
      project: r.project,
      channel: r.channel,
      at: r.disabled_at,
      reason: r.reason,
    }));
  },
};

/** Writes of the outbox; call them inside a transaction. */
export const notifyWrites = {
  /**
   * Adds deliveries; one whose id is there already is left as it is (the same message queued
   * twice is one delivery). Returns those it added.
   */
  async insertDeliveries(
    db: Kysely<NotifyTables>,
    deliveries: NotifyDelivery[],
  ): Promise<NotifyDelivery[]> {
    const added: NotifyDelivery[] = [];
    for (const d of deliveries) {
      const there = await db
        .selectFrom('notify_deliveries')
        .select('id')
        .where('id', '=', d.id)
        .executeTakeFirst();
      if (there) continue;
      await db
        .insertInto('notify_deliveries')
        .values({
          id: d.id,
          project: d.project,
          release_id: d.releaseId,
          channel: d.channel,
          event: d.event,
          message: JSON.stringify(d.message),
          item: d.item ?? null,
          status: d.status,
          attempts: d.attempts,
          next_attempt_at: d.nextAttemptAt ?? null,
          last_status: d.lastStatus ?? null,
          last_error: clip(d.lastError),
          message_id: d.messageId ?? null,
          response: clip(d.response),
          created_at: d.createdAt,
          delivered_at: d.deliveredAt ?? null,
          requested_by: d.requestedBy,
        })
        .execute();
      added.push(d);
    }
    return added;
  },

  /**
   * Claims up to `limit` queued deliveries of the project due at `now` (or the ones named by
   * `ids`, due or not): each gets one more attempt and is held until `leaseUntil`, so no other
   * sender takes it meanwhile and a sender that stops lets it come due again. Oldest due first.
   */
  async claimDeliveries(
    db: Kysely<NotifyTables>,
    claim: { project: string; now: string; leaseUntil: string; limit: number; ids?: string[] },
  ): Promise<NotifyDelivery[]> {
    let q = db
      .selectFrom('notify_deliveries')
      .selectAll()
      .where('project', '=', claim.project)
      .where('status', '=', 'queued');
    q =
      claim.ids !== undefined
        ? q.where('id', 'in', claim.ids.length ? claim.ids : [''])
        : q.where('next_attempt_at', '<=', claim.now);
    const rows = await q.orderBy('next_attempt_at').orderBy('id').limit(claim.limit).execute();
    const claimed: NotifyDelivery[] = [];
    for (const row of rows) {
      const result = await db
        .updateTable('notify_deliveries')
        .set({ attempts: Number(row.attempts) + 1, next_attempt_at: claim.leaseUntil })
        .where('id', '=', row.id)
        .where('status', '=', 'queued')
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1)
        claimed.push(
          toDelivery({
            ...row,
            attempts: Number(row.attempts) + 1,
            next_attempt_at: claim.leaseUntil,
          }),
        );
    }
    return claimed;
  },

  /**
   * Records an attempt's outcome on a delivery still queued at `attempts` (the claim it made);
   * false, writing nothing, when another sender has moved it since.
   */
  async finishDelivery(
    db: Kysely<NotifyTables>,
    id: string,
    attempts: number,
    patch: DeliveryPatch,
  ): Promise<boolean> {
    const set: Partial<NotifyDeliveryRow> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if ('nextAttemptAt' in patch) set.next_attempt_at = patch.nextAttemptAt ?? null;
    if ('lastStatus' in patch) set.last_status = patch.lastStatus ?? null;
    if ('lastError' in patch) set.last_error = clip(patch.lastError);
    if ('messageId' in patch) set.message_id = patch.messageId ?? null;
    if ('response' in patch) set.response = clip(patch.response);
    if ('deliveredAt' in patch) set.delivered_at = patch.deliveredAt ?? null;
    const result = await db
      .updateTable('notify_deliveries')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .where('attempts', '=', attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  },

  /** Disables a channel of the project (again: the newer reason stands). */
  async disableChannel(db: Kysely<NotifyTables>, state: DisabledChannel): Promise<void> {
    await db
      .insertInto('notify_channel_states')
      .values({
        project: state.project,
        channel: state.channel,
        disabled_at: state.at,
        reason: state.reason.slice(0, maxDeliveryText),
      })
      .onConflict((oc) =>
        oc.columns(['project', 'channel']).doUpdateSet({
          disabled_at: state.at,
          reason: state.reason.slice(0, maxDeliveryText),
        }),
      )
      .execute();
  },

  /** Enables a disabled channel; false when it was not disabled. */
  async enableChannel(
    db: Kysely<NotifyTables>,
    project: string,
    channel: string,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('notify_channel_states')
      .where('project', '=', project)
      .where('channel', '=', channel)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
};

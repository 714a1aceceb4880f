/**
 * The outbox's producer side: deliveries are queued in the same transaction as the event that
 * causes them, never sent there. A store whose transactions note the events appended in them
 * and, before the transaction commits, call {@link queueNotifications} once per release that
 * got events: one delivery per subscribed channel for each event (`events:` of a channel in the
 * playbook's `notify:`), and the `when_reached` notify items the release has now reached
 * (set `running`, a delivery per channel). Nothing here touches the network; the sender
 * (`service-notify.ts`) does, outside any transaction.
 */
import type { NotifyChannel, NotifyEventName } from '../core/notify-channel.ts';
import type { NotifyDelivery } from '../core/notify-delivery.ts';
import { composeMessage } from '../core/notify-compose.ts';
import type { ComposeRecord } from '../core/notify-compose.ts';
import { notifyEventsOf, reachedNotifyItems } from '../core/notify-reach.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Release, ReleaseEvent, ReleaseItem } from '../core/release-model.ts';
import type { Store, StoreWriter } from '../store/store.ts';
import type { ServiceContext } from './service-context.ts';
import { setItemState } from './service-context.ts';

/** The action an `item.state` event of a performed notify item carries. */
export const notifyAction = 'notify';

/**
 * `store`, with transactions that queue the notifications of the events appended in them, in
 * the same transaction. `onQueued` is told after a commit that queued any (the CLI then starts
 * its sender).
 *
 * @example ctx.store = queueNotificationsOnCommit(ctx, ctx.store);
 */
export function queueNotificationsOnCommit(
  ctx: ServiceContext,
  store: Store,
  onQueued?: () => void,
): Store {
  async function transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    let queued = 0;
    const result = await store.transaction(async (tx) => {
      const appended = new Map<string, ReleaseEvent[]>();
      queued = 0;
      const watched = overriding(tx, 'appendEvent', async (event: ReleaseEvent) => {
        await tx.appendEvent(event);
        const list = appended.get(event.releaseId) ?? [];
        list.push(event);
        appended.set(event.releaseId, list);
      });
      const out = await fn(watched);
      for (const [releaseId, events] of appended)
        queued += await queueNotifications(ctx, tx, releaseId, events);
      return out;
    });
    if (queued > 0 && onQueued) {
      try {
        onQueued();
      } catch {
        // Telling the sender is a courtesy: the deliveries are committed and wait for it.
      }
    }
    return result;
  }
  return overriding(store, 'transaction', transaction);
}

/** A channel by name, when the playbook declares it. */
export function channelOf(playbook: Playbook, name: string): NotifyChannel | undefined {
  const channels = playbook.notify ?? {};
  return Object.hasOwn(channels, name) ? channels[name] : undefined;
}

/**
 * Queues the deliveries `events` cause on one release, in the caller's transaction; how many.
 * Events it appends itself (a reached item set `running`) are not looked at again.
 */
export async function queueNotifications(
  ctx: ServiceContext,
  tx: StoreWriter,
  releaseId: string,
  events: ReleaseEvent[],
): Promise<number> {
  const release = await tx.getRelease(releaseId);
  if (!release) return 0;
  const playbook = await tx.getPlaybook(release.playbookHash);
  if (!playbook?.notify || Object.keys(playbook.notify).length === 0) return 0;
  const subscribed = subscriptions(playbook, events);
  const mayReach =
    playbook.phases.length + playbook.rollback.length > 0 && hasWhenReached(playbook);
  if (!subscribed.length && !mayReach) return 0;

  const disabled = new Set((await tx.listDisabledChannels(release.project)).map((c) => c.channel));
  const record = await readRecord(tx, release);
  const at = ctx.iso();
  const rows: NotifyDelivery[] = [];
  for (const { event, name, channel } of subscribed) {
    if (disabled.has(channel)) continue;
    const message = await ctx.mask(
      composeMessage({ record, event: name, trigger: event, channel, redact: keep }),
    );
    rows.push(row(ctx, release, channel, name, message, at));
  }
  let queued = (await tx.insertDeliveries(rows)).length;

  if (mayReach) {
    const reached = reachedNotifyItems({ ...record, playbook, release });
    for (const item of reached)
      queued += await queueItem(ctx, tx, release, playbook, item, disabled);
  }
  return queued;
}

/**
 * Sets a reached notify item `running` and queues one delivery per channel it names; a channel
 * that is not declared or is disabled fails the item at once, with why. How many it queued.
 */
async function queueItem(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  playbook: Playbook,
  item: ReleaseItem,
  disabled: Set<string>,
): Promise<number> {
  const at = ctx.iso();
  const to = item.spec.notify?.to ?? [];
  const problem = to
    .map((c) =>
      !channelOf(playbook, c)
        ? `channel "${c}" is not declared under notify: in the playbook`
        : disabled.has(c)
          ? `channel "${c}" is disabled (its endpoint answered 410 Gone); it sends again once a person enables it`
          : undefined,
    )
    .find((p) => p !== undefined);
  if (problem || !to.length) {
    await setItemState(ctx, tx, release, item, 'failed', at, {
      action: notifyAction,
      note: problem ?? 'the item names no channel',
    });
    return 0;
  }
  await setItemState(ctx, tx, release, item, 'running', at, {
    action: notifyAction,
    note: `queued to ${to.join(', ')}: the release reached it`,
  });
  const running = (await tx.lastEvent(release.id))!;
  return (await tx.insertDeliveries(await itemDeliveries(ctx, tx, release, item, running, at)))
    .length;
}

/** The deliveries that perform a notify item, one per channel, for the event `trigger`. */
export async function itemDeliveries(
  ctx: ServiceContext,
  tx: StoreWriter,
  release: Release,
  item: ReleaseItem,
  trigger: ReleaseEvent,
  at: string,
  nextAttemptAt = at,
): Promise<NotifyDelivery[]> {
  const fresh = (await tx.getRelease(release.id)) ?? release;
  const record = await readRecord(tx, fresh);
  const spec = item.spec.notify!;
  const out: NotifyDelivery[] = [];
  for (const channel of spec.to) {
    const message = await ctx.mask(
      composeMessage({
        record,
        event: 'notify.item',
        trigger,
        channel,
        item: { number: item.number, title: item.title, message: spec.message },
        redact: keep,
      }),
    );
    out.push({
      ...row(ctx, fresh, channel, 'notify.item', message, at),
      item: item.number,
      nextAttemptAt,
    });
  }
  return out;
}

function row(
  ctx: ServiceContext,
  release: Release,
  channel: string,
  event: NotifyEventName,
  message: { id: string },
  at: string,
): NotifyDelivery {
  return {
    id: message.id,
    project: release.project,
    releaseId: release.id,
    channel,
    event,
    message,
    status: 'queued',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
    requestedBy: ctx.actor(),
  };
}

/** Each (event, notification name, channel) a channel of the playbook subscribed to. */
function subscriptions(
  playbook: Playbook,
  events: ReleaseEvent[],
): { event: ReleaseEvent; name: NotifyEventName; channel: string }[] {
  const out: { event: ReleaseEvent; name: NotifyEventName; channel: string }[] = [];
  for (const event of events)
    for (const name of notifyEventsOf(event))
      for (const [channel, config] of Object.entries(playbook.notify ?? {}))
        if (config.events?.includes(name)) out.push({ event, name, channel });
  return out;
}

function hasWhenReached(playbook: Playbook): boolean {
  const walk = (items: Playbook['phases'][number]['sections'][number]['items']): boolean =>
    items.some((i) => (i.kind === 'notify' && i.whenReached) || walk(i.items ?? []));
  return [...playbook.phases.flatMap((p) => p.sections), ...playbook.rollback].some((s) =>
    walk(s.items),
  );
}

export async function readRecord(
  tx: StoreWriter | Store,
  release: Release,
): Promise<ComposeRecord> {
  const [items, decisions, deployments] = await Promise.all([
    tx.listItems(release.id),
    tx.listDecisions(release.id),
    tx.listDeployments({ releaseId: release.id }),
  ]);
  const incidents = [];
  for (const d of deployments) incidents.push(...(await tx.listIncidents({ deploymentId: d.id })));
  incidents.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
  return { release, items, decisions, deployments, incidents };
}

/** Compose leaves masking to `ctx.mask`, which knows the process's secret values too. */
const keep = (text: string) => text;

/**
 * `target` with one method replaced; every other property is the target's own, methods bound to
 * it (so a class instance keeps its `this`).
 */
function overriding<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === key) return value;
      const v: unknown = Reflect.get(t, prop, t);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(t) : v;
    },
  });
}

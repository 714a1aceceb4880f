/**
 * Notifications, the sender's side (issue 11): performing a `notify` item now, sending what the
 * outbox holds that is due, the delivery log, and enabling a channel a 410 disabled. Every
 * network call happens outside a transaction: a delivery is claimed in one (its next attempt
 * moved forward by a lease, so no other sender takes it meanwhile), sent, and its outcome
 * recorded in another. Channel variables are read at delivery time only, never stored;
 * answers and errors are masked before they are.
 */
import { EnvironmentError, InputError, TransitionError } from '../core/errors.ts';
import type {
  DeliverFn,
  DeliveryAttemptResult,
  DisabledChannel,
  NotifyDelivery,
} from '../core/notify-delivery.ts';
import { channelEnvNames, deliveryLeaseMs } from '../core/notify-delivery.ts';
import { nextRetryDelayMs } from '../core/notify-retry.ts';
import { resolveItemRef } from '../core/item-refs.ts';
import type { Playbook } from '../core/playbook.ts';
import type { Evidence, Release, ReleaseItem } from '../core/release-model.ts';
import type { StoreWriter } from '../store/store.ts';
import type {
  DeliveryLog,
  ListDeliveriesInput,
  NotifyChannelInput,
  NotifyChannelResult,
  NotifyItemResult,
  PerformNotifyItemInput,
  SendDueInput,
  SendDueResult,
} from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  findRelease,
  lockRelease,
  maybeFinish,
  setItemState,
  syncParentItems,
} from './service-context.ts';
import { channelOf, itemDeliveries, notifyAction } from './service-notify-queue.ts';
import { loadDeliver } from './service-notify-transport.ts';

/** Deliveries one send takes at most, unless told. */
const defaultSendLimit = 50;
/** Deliveries attempted at once. */
const sendConcurrency = 8;

/** What the sender needs beyond the context. */
export interface NotifySetting {
  /** Where channel variables are read, at delivery time only (process.env unless told). */
  env?: Record<string, string | undefined>;
  /** The transport (notify/ unless told). */
  deliver?: DeliverFn;
}

/**
 * Performs a notify item now: sends its message to each channel it names, then records the item
 * `done` with the deliveries as evidence, or `failed` with the error. A channel that is not
 * declared or is disabled, or a variable it needs that is not set, is refused before anything
 * is recorded.
 *
 * @example const { item, deliveries } = await performNotifyItem(ctx, setting, { ref: '12' });
 */
export async function performNotifyItem(
  ctx: ServiceContext,
  setting: NotifySetting,
  input: PerformNotifyItemInput,
): Promise<NotifyItemResult> {
  const env = setting.env ?? process.env;
  const at = ctx.iso();
  const { release, item, claimed, playbook } = await ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    const item = resolveItemRef(await tx.listItems(release.id), input.ref);
    const playbook = (await tx.getPlaybook(release.playbookHash))!;
    assertPerformable(release, item);
    const disabled = await tx.listDisabledChannels(release.project);
    checkChannels(playbook, item, disabled, env);
    // Deliveries an earlier performance left waiting give way to this one.
    for (const d of await tx.listDeliveries({
      project: release.project,
      releaseId: release.id,
      item: item.number,
      status: 'queued',
    }))
      await tx.finishDelivery(d.id, d.attempts, {
        status: 'failed',
        nextAttemptAt: undefined,
        lastError: 'superseded: the item was performed again',
      });
    await setItemState(ctx, tx, release, item, 'running', at, {
      action: notifyAction,
      note: `sending to ${item.spec.notify!.to.join(', ')}`,
    });
    const running = (await tx.lastEvent(release.id))!;
    const lease = new Date(ctx.now().getTime() + deliveryLeaseMs).toISOString();
    const rows = await itemDeliveries(ctx, tx, release, item, running, at, lease);
    await tx.insertDeliveries(rows);
    const claimed = await tx.claimDeliveries({
      project: release.project,
      now: at,
      leaseUntil: lease,
      limit: rows.length,
      ids: rows.map((r) => r.id),
    });
    return { release, item, claimed, playbook };
  });
  const attempts = await attemptAll(ctx, setting, playbook, claimed);
  return ctx.store.transaction(async (tx) => {
    const deliveries: NotifyDelivery[] = [];
    for (const [d, attempt] of attempts)
      deliveries.push(await recordAttempt(ctx, tx, d, attempt, { final: true }));
    const after = await settleItem(ctx, tx, release.id, item.number);
    return { item: after ?? item, deliveries };
  });
}

/**
 * Sends the queued deliveries of the project that are due (at most `limit`), records each
 * attempt, and settles the notify items whose deliveries all ended. What a scheduler job and
 * `gonogo notify --send-queued` run.
 *
 * @example const { attempted, nextAttemptAt } = await sendDueDeliveries(ctx, setting, {});
 */
export async function sendDueDeliveries(
  ctx: ServiceContext,
  setting: NotifySetting,
  input: SendDueInput = {},
): Promise<SendDueResult> {
  const limit = Math.min(Math.max(1, input.limit ?? defaultSendLimit), 500);
  const now = ctx.iso();
  const lease = new Date(ctx.now().getTime() + deliveryLeaseMs).toISOString();
  const claimed = await ctx.store.transaction((tx) =>
    tx.claimDeliveries({ project: ctx.project, now, leaseUntil: lease, limit }),
  );
  const byRelease = new Map<string, NotifyDelivery[]>();
  for (const d of claimed) byRelease.set(d.releaseId, [...(byRelease.get(d.releaseId) ?? []), d]);
  const results: NotifyDelivery[] = [];
  for (const [releaseId, list] of byRelease) {
    const release = await ctx.store.getRelease(releaseId);
    const playbook = release && (await ctx.store.getPlaybook(release.playbookHash));
    const disabled = new Set(
      (await ctx.store.listDisabledChannels(ctx.project)).map((c) => c.channel),
    );
    const sendable = list.filter((d) => !disabled.has(d.channel));
    const attempts = playbook ? await attemptAll(ctx, setting, playbook, sendable) : [];
    await ctx.store.transaction(async (tx) => {
      const items = new Set<number>();
      for (const d of list.filter((x) => disabled.has(x.channel))) {
        results.push(
          await recordAttempt(
            ctx,
            tx,
            d,
            {
              outcome: 'failed',
              retryable: false,
              error: `channel "${d.channel}" is disabled; it sends again once a person enables it`,
              durationMs: 0,
              at: ctx.iso(),
            },
            { final: true },
          ),
        );
        if (d.item !== undefined) items.add(d.item);
      }
      for (const [d, attempt] of attempts) {
        results.push(await recordAttempt(ctx, tx, d, attempt, {}));
        if (d.item !== undefined) items.add(d.item);
      }
      for (const number of items) await settleItem(ctx, tx, releaseId, number);
    });
  }
  return {
    attempted: results.length,
    delivered: results.filter((d) => d.status === 'delivered').length,
    deliveries: results,
    ...(await nextAt(ctx)),
  };
}

async function nextAt(ctx: ServiceContext): Promise<{ nextAttemptAt?: string }> {
  const next = await ctx.store.nextDeliveryAt(ctx.project);
  return next ? { nextAttemptAt: next } : {};
}

/** The delivery log: of one release, or the project's newest. */
export async function listDeliveries(
  ctx: ServiceContext,
  input: ListDeliveriesInput = {},
): Promise<DeliveryLog> {
  const limit = Math.min(Math.max(1, input.limit ?? 50), 1000);
  const release = input.version ? await findRelease(ctx, ctx.store, input, 'read') : undefined;
  const [deliveries, disabled] = await Promise.all([
    ctx.store.listDeliveries({
      project: ctx.project,
      ...(release ? { releaseId: release.id } : {}),
      limit,
    }),
    ctx.store.listDisabledChannels(ctx.project),
  ]);
  return { deliveries, disabled, ...(await nextAt(ctx)) };
}

/** Enables a channel that a 410 (or a person) disabled; says whether it was disabled. */
export async function enableNotifyChannel(
  ctx: ServiceContext,
  input: NotifyChannelInput,
): Promise<NotifyChannelResult> {
  const channel = input.channel.trim();
  if (!channel) throw new InputError('name the channel to enable', { field: 'channel' });
  const enabled = await ctx.store.transaction((tx) => tx.enableChannel(ctx.project, channel));
  return { channel, enabled };
}

function assertPerformable(release: Release, item: ReleaseItem): void {
  if (item.kind !== 'notify' || !item.spec.notify)
    throw new InputError(
      [
        {
          message: `#${item.number} "${item.title}" is a ${item.kind} item, not a notify item`,
          fix: 'name a notify item (the release status lists them), or tick this one as done',
        },
      ],
      { field: 'ref' },
    );
  if (['done', 'na', 'waived', 'passed'].includes(item.state))
    throw new TransitionError(
      `#${item.number} "${item.title}" of release ${release.version} is ${item.state} already; reset it first to send it again`,
      { hint: { action: 'item.reset', refs: [String(item.number)] } },
    );
}

/** Refuses, before anything is recorded, what cannot be sent: with the place and the fix. */
function checkChannels(
  playbook: Playbook,
  item: ReleaseItem,
  disabled: DisabledChannel[],
  env: Record<string, string | undefined>,
): void {
  for (const name of item.spec.notify!.to) {
    const channel = channelOf(playbook, name);
    if (!channel)
      throw new InputError(
        [
          {
            message: `#${item.number} sends to channel "${name}", which the playbook does not declare under notify:`,
            fix: `declare it, e.g. notify: { ${name}: { type: webhook, url: https://hooks.example.org/gonogo } }, and re-snapshot the release`,
          },
        ],
        { field: 'ref' },
      );
    const off = disabled.find((d) => d.channel === name);
    if (off)
      throw new InputError(
        [
          {
            message: `channel "${name}" is disabled since ${off.at}: ${off.reason}`,
            fix: `fix the endpoint, then enable the channel again`,
          },
        ],
        { field: 'ref' },
      );
    for (const variable of channelEnvNames(channel as { type: string } & Record<string, unknown>))
      if (!env[variable]?.trim())
        throw new EnvironmentError({
          place: `environment variable ${variable}`,
          message: `channel "${name}" reads ${variable}, which is not set`,
          fix: `set ${variable} where gonogo sends (${channel.type === 'email' ? 'smtp://user:pass@host:port' : 'the URL or secret'})`,
        });
  }
}

/** One attempt per delivery, some at once; a transport that throws counts as a retryable failure. */
async function attemptAll(
  ctx: ServiceContext,
  setting: NotifySetting,
  playbook: Playbook,
  deliveries: NotifyDelivery[],
): Promise<[NotifyDelivery, DeliveryAttemptResult][]> {
  if (!deliveries.length) return [];
  const deliver = setting.deliver ?? (await loadDeliver());
  const env = setting.env ?? process.env;
  const out: [NotifyDelivery, DeliveryAttemptResult][] = [];
  let next = 0;
  async function worker() {
    while (next < deliveries.length) {
      const d = deliveries[next++]!;
      const channel = channelOf(playbook, d.channel);
      let attempt: DeliveryAttemptResult;
      if (!channel) {
        attempt = {
          outcome: 'failed',
          retryable: false,
          error: `channel "${d.channel}" is no longer declared in the release's playbook`,
          durationMs: 0,
          at: ctx.iso(),
        };
      } else {
        try {
          // The real clock: a receiver checks the signature's timestamp against its own.
          attempt = await deliver(channel as never, d.message as never, {
            env,
            now: () => new Date(),
          });
        } catch (error) {
          attempt = {
            outcome: 'failed',
            retryable: true,
            error: error instanceof Error ? error.message : String(error),
            durationMs: 0,
            at: ctx.iso(),
          };
        }
      }
      out.push([d, attempt]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(sendConcurrency, deliveries.length) }, worker));
  return out;
}

/**
 * Records one attempt on its delivery: delivered; gone (410: the channel is disabled too);
 * queued again after the backoff when it may be retried; else failed for good. With `final`,
 * a failure is never retried (a person performing an item sees it at once).
 */
async function recordAttempt(
  ctx: ServiceContext,
  tx: StoreWriter,
  d: NotifyDelivery,
  attempt: DeliveryAttemptResult,
  opts: { final?: boolean },
): Promise<NotifyDelivery> {
  const masked = await ctx.mask({ response: attempt.response, error: attempt.error });
  const common = {
    ...(attempt.status !== undefined ? { lastStatus: attempt.status } : {}),
    ...(masked.response !== undefined ? { response: masked.response } : {}),
    ...(attempt.messageId !== undefined ? { messageId: attempt.messageId } : {}),
  };
  let patch: Parameters<StoreWriter['finishDelivery']>[2];
  if (attempt.outcome === 'delivered') {
    patch = {
      ...common,
      status: 'delivered',
      nextAttemptAt: undefined,
      lastError: undefined,
      deliveredAt: ctx.iso(),
    };
  } else if (attempt.outcome === 'gone') {
    const reason = masked.error ?? `the endpoint answered ${attempt.status ?? 410} Gone`;
    patch = { ...common, status: 'gone', nextAttemptAt: undefined, lastError: reason };
    await tx.disableChannel({ project: d.project, channel: d.channel, at: ctx.iso(), reason });
  } else {
    const delay = attempt.retryable && !opts.final ? nextRetryDelayMs(d.attempts) : undefined;
    patch =
      delay !== undefined
        ? {
            ...common,
            lastError: masked.error ?? 'failed',
            nextAttemptAt: new Date(ctx.now().getTime() + delay).toISOString(),
          }
        : {
            ...common,
            status: 'failed',
            nextAttemptAt: undefined,
            lastError: masked.error ?? 'failed',
          };
  }
  await tx.finishDelivery(d.id, d.attempts, patch);
  const [after] = (
    await tx.listDeliveries({ project: d.project, releaseId: d.releaseId, item: d.item })
  ).filter((x) => x.id === d.id);
  return after ?? { ...d, ...patch };
}

/**
 * A running notify item whose deliveries (of its latest performance) all ended: `done` with
 * them as evidence when every one was delivered, else `failed` with the error. Returns the item
 * as it is after, or undefined when it is not a running notify item.
 */
async function settleItem(
  ctx: ServiceContext,
  tx: StoreWriter,
  releaseId: string,
  number: number,
): Promise<ReleaseItem | undefined> {
  const release = (await tx.lockRelease(releaseId)) ?? (await tx.getRelease(releaseId));
  if (!release) return undefined;
  const item = (await tx.listItems(releaseId)).find((i) => i.number === number);
  if (!item || item.kind !== 'notify' || item.state !== 'running') return item;
  const mine = (
    await tx.listDeliveries({ project: release.project, releaseId, item: number })
  ).filter((d) => d.createdAt === item.updatedAt);
  if (!mine.length || mine.some((d) => d.status === 'queued')) return item;
  const evidence: Evidence = {
    deliveries: mine.map((d) => ({
      channel: d.channel,
      status: d.status,
      attempts: d.attempts,
      messageId: d.messageId ?? d.id,
      ...(d.deliveredAt ? { at: d.deliveredAt } : {}),
      ...(d.lastStatus !== undefined ? { response: d.lastStatus } : {}),
      ...(d.response ? { answer: d.response.slice(0, 200) } : {}),
      ...(d.lastError ? { error: d.lastError } : {}),
    })),
  };
  const at = ctx.iso();
  const failed = mine.filter((d) => d.status !== 'delivered');
  if (failed.length) {
    await setItemState(ctx, tx, release, item, 'failed', at, {
      action: notifyAction,
      note: failed.map((d) => `${d.channel}: ${d.lastError ?? d.status}`).join('; '),
      evidence,
    });
  } else {
    await setItemState(ctx, tx, release, item, 'done', at, {
      action: notifyAction,
      note: `delivered to ${mine.map((d) => d.channel).join(', ')}`,
      evidence,
    });
  }
  await syncParentItems(ctx, tx, release, at);
  const playbook = (await tx.getPlaybook(release.playbookHash))!;
  await maybeFinish(ctx, tx, release, playbook, at);
  return (await tx.listItems(releaseId)).find((i) => i.number === number);
}

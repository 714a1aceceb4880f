/**
 * The delivery log's model (the outbox): one row per message and channel, from queued to
 * delivered, failed (given up) or gone (the endpoint answered 410 and its channel is disabled).
 * The store keeps it (`store-notify.ts`), the service fills it in the transaction of the event
 * that causes it and sends it outside any transaction. Pure types and small rules.
 */

export const deliveryStatuses = ['queued', 'delivered', 'failed', 'gone'] as const;
/** `queued`: waits for its next attempt (also while one is under way); the rest are final. */
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** One message to one channel, and how its delivery went. */
export interface NotifyDelivery {
  /** The message id: stable for one event (or one performance of an item) and one channel. */
  id: string;
  project: string;
  releaseId: string;
  channel: string;
  /** The event it tells about (`deployment.succeeded`), `notify.item` for a notify item. */
  event: string;
  /** The message as composed (masked, without control characters): what is sent every time. */
  message: unknown;
  /** The notify item it performs, by number. */
  item?: number;
  status: DeliveryStatus;
  /** Attempts started. */
  attempts: number;
  /** When it is tried next (queued), or until when the running attempt holds it. */
  nextAttemptAt?: string;
  /** The HTTP status or SMTP reply code of the last attempt. */
  lastStatus?: number;
  /** Why the last attempt failed, masked. */
  lastError?: string;
  /** The e-mail's Message-ID, or the webhook-id, of the delivery. */
  messageId?: string;
  /** The receiver's answer, masked and bounded. */
  response?: string;
  createdAt: string;
  deliveredAt?: string;
  /** Who caused it: the person who performed the item or whose change made the event. */
  requestedBy: string;
}

/** A channel the project switched off: an endpoint answered 410 Gone (or a person said so). */
export interface DisabledChannel {
  project: string;
  channel: string;
  at: string;
  reason: string;
}

/** How long one attempt holds a claimed delivery before another sender may try it again. */
export const deliveryLeaseMs = 2 * 60_000;

/** The longest response or error text kept on a delivery. */
export const maxDeliveryText = 500;

/** One attempt to hand a message to a channel, as the transport (`notify/`) reports it. */
export interface DeliveryAttemptResult {
  /** `gone`: the endpoint answered 410; its channel is disabled. */
  outcome: 'delivered' | 'failed' | 'gone';
  /** Worth trying again later: 5xx, 429, 408, a timeout, a refused connection (not other 4xx). */
  retryable: boolean;
  /** The HTTP status (webhook, Slack) or SMTP reply code (e-mail). */
  status?: number;
  /** The e-mail's Message-ID, or the webhook-id sent. */
  messageId?: string;
  /** The first 500 characters of the answer, masked. */
  response?: string;
  /** Why it failed, masked; names the variable and the fix for a missing one. */
  error?: string;
  durationMs: number;
  /** ISO time the attempt started. */
  at: string;
}

/** The transport: one attempt, never throwing for an expected failure. */
export type DeliverFn = (
  channel: never,
  message: never,
  opts: {
    env: Record<string, string | undefined>;
    signal?: AbortSignal;
    now: () => Date;
  },
) => Promise<DeliveryAttemptResult>;

/**
 * The environment variables a channel reads at delivery time: its `url_env`, `secret_env`,
 * `smtp_env` (an e-mail channel's default `GONOGO_SMTP_URL`).
 *
 * @example channelEnvNames({ type: 'slack', url_env: 'SLACK_URL' }) // ['SLACK_URL']
 */
export function channelEnvNames(channel: { type: string } & Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const key of ['url_env', 'secret_env', 'smtp_env'])
    if (typeof channel[key] === 'string') names.push(channel[key]);
  if (channel.type === 'email' && channel.smtp_env === undefined) names.push('GONOGO_SMTP_URL');
  return names;
}

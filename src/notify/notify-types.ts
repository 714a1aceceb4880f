/**
 * The contract of the notification transport (issue 11): what `deliver` takes and what one
 * delivery attempt returns for the delivery log. The outbox (queue, retries, the log table)
 * calls `deliver` from notify-deliver.ts and `nextRetryDelayMs` from core/notify-retry.ts.
 */
export type { EventName, NotifyEventName } from '../core/notify-channel.ts';
export type {
  ChannelConfig,
  ChannelType,
  EmailChannelConfig,
  SlackChannelConfig,
  WebhookChannelConfig,
} from '../core/notify-endpoint.ts';
export type {
  NotifyBlocker,
  NotifyDeployment,
  NotifyIncident,
  NotifyLink,
  NotifyMessage,
  NotifyRelease,
} from '../core/notify-message.ts';
import type { ChannelConfig } from '../core/notify-endpoint.ts';
import type { NotifyMessage } from '../core/notify-message.ts';

/** One delivery attempt, as the delivery log records it. */
export interface DeliveryAttempt {
  /** `gone`: the endpoint answered 410, disable it. */
  outcome: 'delivered' | 'failed' | 'gone';
  /** 5xx, 429, 408, a timeout, a refused connection: yes; other 4xx and bad config: no. */
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

export interface DeliverOptions {
  /** Where the channel's variables (`url_env`, `secret_env`, `smtp_env`) are read. */
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  /** Aborts the attempt (it then fails, retryable). */
  signal?: AbortSignal;
  now: () => Date;
}

/** The shape of `deliver` (notify-deliver.ts): never throws for an expected failure. */
export type Deliver = (
  channel: ChannelConfig,
  message: NotifyMessage,
  opts: DeliverOptions,
) => Promise<DeliveryAttempt>;

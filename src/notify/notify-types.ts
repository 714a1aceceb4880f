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

/** One delivery attempt, as the delivery log records it (the type lives in core with the log). */
export type { DeliveryAttemptResult as DeliveryAttempt } from '../core/notify-delivery.ts';
import type { DeliveryAttemptResult as DeliveryAttempt } from '../core/notify-delivery.ts';

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

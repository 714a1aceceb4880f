/**
 * `deliver`: one attempt to hand one message to one channel. It never throws for an expected
 * failure (a missing variable, a refused connection, a 500, a timeout): it returns the attempt
 * with `outcome`, `retryable` and a masked `error`, for the outbox to log and to schedule the
 * next try with `nextRetryDelayMs` (core/notify-retry.ts).
 */
import type { ChannelConfig } from '../core/notify-endpoint.ts';
import type { NotifyMessage } from '../core/notify-message.ts';
import { deliverEmail } from './notify-email.ts';
import { deliverSlack } from './notify-slack.ts';
import type { Deliver, DeliverOptions, DeliveryAttempt } from './notify-types.ts';
import { deliverWebhook } from './notify-webhook.ts';

/**
 * Delivers `message` to `channel` once.
 *
 * @example
 * const attempt = await deliver(
 *   { type: 'webhook', url: 'https://hooks.example.org/gonogo', secret_env: 'HOOK_SECRET' },
 *   message,
 *   { env: process.env, now: () => new Date() },
 * );
 * // { outcome: 'delivered', retryable: false, status: 204, messageId: message.id, … }
 */
export const deliver: Deliver = async (
  channel: ChannelConfig,
  message: NotifyMessage,
  opts: DeliverOptions,
): Promise<DeliveryAttempt> => {
  switch (channel.type) {
    case 'webhook':
      return deliverWebhook(channel, message, opts);
    case 'slack':
      return deliverSlack(channel, message, opts);
    case 'email':
      return deliverEmail(channel, message, opts);
    default: {
      // A channel stored by another version of gonogo: say so rather than return nothing.
      const type = String((channel as { type?: unknown }).type);
      return {
        outcome: 'failed',
        retryable: false,
        error: `unknown channel type "${type}": use webhook, slack or email`,
        durationMs: 0,
        at: opts.now().toISOString(),
      };
    }
  }
};

export { nextRetryDelayMs, maxDeliveryAttempts } from '../core/notify-retry.ts';

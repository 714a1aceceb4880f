/**
 * A Standard Webhooks delivery: `{type, timestamp, data}` JSON (or, on a `cdevents: true`
 * channel, a CDEvent in CloudEvents JSON for deployments, rollbacks and incidents), signed
 * with the `standardwebhooks` package: `webhook-id` (the message id, the same on every retry),
 * `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`).
 */
import { Webhook } from 'standardwebhooks';
import { channelTimeoutMs, type WebhookChannelConfig } from '../core/notify-endpoint.ts';
import { fitMessage, type NotifyMessage } from '../core/notify-message.ts';
import { isWebUrl, renderMessage } from '../core/notify-render.ts';
import {
  configFailure,
  createDeliveryRedactor,
  missingEnvError,
  startAttempt,
} from './notify-attempt.ts';
import { maxRequestBytes, postForAttempt } from './notify-http.ts';
import type { DeliverOptions, DeliveryAttempt } from './notify-types.ts';

export const userAgent = 'gonogo-notify/1';

/** The body a webhook channel sends for `message`, and its content type. */
export function renderWebhookBody(
  channel: Pick<WebhookChannelConfig, 'cdevents'>,
  message: NotifyMessage,
): { body: string; contentType: string } {
  if (channel.cdevents) {
    const event = renderMessage(message, 'cdevent');
    if (event) return { body: JSON.stringify(event), contentType: 'application/cloudevents+json' };
  }
  return {
    body: JSON.stringify(renderMessage(message, 'webhook-json')),
    contentType: 'application/json',
  };
}

export async function deliverWebhook(
  channel: WebhookChannelConfig,
  message: NotifyMessage,
  opts: DeliverOptions,
): Promise<DeliveryAttempt> {
  const clock = startAttempt(opts.now);
  const secret = channel.secret_env ? opts.env[channel.secret_env] : undefined;
  // A URL kept in a variable is treated as a secret (it may carry a token in its path or query).
  const url = channel.url ?? (channel.url_env ? opts.env[channel.url_env] : undefined);
  const redact = createDeliveryRedactor(opts.env, [secret, channel.url_env ? url : undefined]);
  if (!url) {
    return configFailure(
      clock,
      channel.url_env
        ? missingEnvError(channel.url_env, "the endpoint's URL (https://…)")
        : 'the channel names no url: give it url or url_env',
      redact,
    );
  }
  if (!isWebUrl(url)) {
    return configFailure(
      clock,
      `the value of ${channel.url_env ?? 'url'} is not an http(s) URL: set it to the endpoint's https:// address`,
      redact,
    );
  }
  if (channel.secret_env && !secret) {
    return configFailure(
      clock,
      missingEnvError(channel.secret_env, "the endpoint's signing secret (whsec_…)"),
      redact,
    );
  }
  if (secret !== undefined && !secret.startsWith('whsec_')) {
    return configFailure(
      clock,
      `the value of ${channel.secret_env} is not a Standard Webhooks secret: it must start with "whsec_" followed by the base64 key the receiver gave`,
      redact,
    );
  }
  const fitted = fitMessage(message, maxRequestBytes, (m) =>
    Buffer.byteLength(renderWebhookBody(channel, m).body),
  );
  const { body, contentType } = renderWebhookBody(channel, fitted ?? message);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'user-agent': userAgent,
    'webhook-id': message.id,
  };
  // The signature's timestamp is the real time of sending, not `opts.now()` (which a test clock
  // such as GONOGO_NOW may move): receivers refuse a timestamp more than 5 minutes off theirs.
  const sentAt = new Date();
  headers['webhook-timestamp'] = String(Math.floor(sentAt.getTime() / 1000));
  if (secret !== undefined) {
    let signer: Webhook;
    try {
      signer = new Webhook(secret);
    } catch (e) {
      return configFailure(
        clock,
        `the value of ${channel.secret_env} is not a valid secret: ${(e as Error).message}`,
        redact,
      );
    }
    headers['webhook-signature'] = signer.sign(message.id, sentAt, body);
  }
  return postForAttempt(
    {
      url,
      headers,
      body,
      timeoutMs: channelTimeoutMs(channel),
      signal: opts.signal,
      messageId: message.id,
    },
    clock,
    redact,
  );
}

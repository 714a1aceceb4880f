/**
 * A Slack-compatible incoming webhook: the Block Kit rendering POSTed to the URL held in the
 * channel's `url_env` (the URL is the credential, so it is masked in everything returned).
 * Slack answers 200 `ok`, or an error word (`invalid_payload`, `no_service`, ...) with 400,
 * 403, 404 or 410 (`channel_is_archived`: gone).
 */
import { channelTimeoutMs, type SlackChannelConfig } from '../core/notify-endpoint.ts';
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
import { userAgent } from './notify-webhook.ts';

export async function deliverSlack(
  channel: SlackChannelConfig,
  message: NotifyMessage,
  opts: DeliverOptions,
): Promise<DeliveryAttempt> {
  const clock = startAttempt(opts.now);
  const url = opts.env[channel.url_env];
  // The hook URL's path is its secret; mask the whole URL and its path wherever they appear.
  const path = url && isWebUrl(url) ? new URL(url).pathname : undefined;
  const redact = createDeliveryRedactor(opts.env, [
    url,
    path && path.length > 8 ? path : undefined,
  ]);
  if (!url) {
    return configFailure(
      clock,
      missingEnvError(channel.url_env, 'the Slack incoming-webhook URL'),
      redact,
    );
  }
  if (!isWebUrl(url)) {
    return configFailure(
      clock,
      `the value of ${channel.url_env} is not an http(s) URL: set it to the incoming-webhook URL Slack gave (https://hooks.slack.com/services/…)`,
      redact,
    );
  }
  const render = (m: NotifyMessage) => JSON.stringify(renderMessage(m, 'slack-blocks'));
  const fitted = fitMessage(message, maxRequestBytes, (m) => Buffer.byteLength(render(m)));
  return postForAttempt(
    {
      url,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': userAgent },
      body: render(fitted ?? message),
      timeoutMs: channelTimeoutMs(channel),
      signal: opts.signal,
      messageId: message.id,
    },
    clock,
    redact,
  );
}

/**
 * How the transport reads a channel of `notify:` (notify-channel.ts holds the schema): its
 * types by kind, the delivery timeout, the SMTP variable's default, which events it hears, and
 * whether a URL carries a secret that belongs in an environment variable. Pure.
 */
import { parseDuration } from './duration.ts';
import type { NotifyChannel, NotifyEventName } from './notify-channel.ts';

/** One channel of `notify:`, as the transport takes it. */
export type ChannelConfig = NotifyChannel;
export type ChannelType = ChannelConfig['type'];
export type WebhookChannelConfig = Extract<ChannelConfig, { type: 'webhook' }>;
export type SlackChannelConfig = Extract<ChannelConfig, { type: 'slack' }>;
export type EmailChannelConfig = Extract<ChannelConfig, { type: 'email' }>;

/** The smallest and largest delivery timeout; a channel's `timeout` is held inside them. */
export const minChannelTimeoutMs = 1_000;
export const maxChannelTimeoutMs = 60_000;
/** The delivery timeout when a channel names none. */
export const defaultChannelTimeoutMs = 10_000;

/** The SMTP URL's variable when an e-mail channel names none. */
export const defaultSmtpEnv = 'GONOGO_SMTP_URL';

/**
 * A channel's timeout (`"5s"`, `"2500ms"`) in milliseconds, held between 1 s and 60 s; 10 s
 * when it names none or an unreadable one.
 *
 * @example parseChannelTimeout('5s') // 5000
 * @example parseChannelTimeout('10m') // 60000
 */
export function parseChannelTimeout(text: string | undefined): number {
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined) return defaultChannelTimeoutMs;
  return Math.min(maxChannelTimeoutMs, Math.max(minChannelTimeoutMs, ms));
}

/**
 * True when `channel` wants to hear about `event`: every event when it lists none.
 *
 * @example channelWants({ type: 'slack', url_env: 'HOOK', events: ['decision.go'] }, 'decision.no-go') // false
 */
export function channelWants(channel: ChannelConfig, event: NotifyEventName): boolean {
  return channel.events === undefined || channel.events.includes(event);
}

// Query parameters whose value is a credential (`?token=…`, `?sig=…` of a signed URL).
const secretParam =
  /^(?:.*(?:token|secret|password|passwd|api[-_]?key|apikey|auth|signature|credential)s?.*|sig|key|code)$/i;

/**
 * Why `url` should not be written in a playbook as it is, with the fix, or undefined when it
 * may: a user name or password, or a query parameter named like a credential, is a secret that
 * would be committed with the playbook.
 *
 * @example findInlineUrlSecret('https://hooks.example.org/x?token=abc') // { message: 'the URL\'s query parameter "token" holds a credential', fix: … }
 * @example findInlineUrlSecret('https://hooks.example.org/gonogo') // undefined
 */
export function findInlineUrlSecret(url: string): { message: string; fix: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const fix =
    'put the URL in an environment variable and name it with url_env (the signing secret goes in the variable named by secret_env)';
  if (parsed.password !== '') return { message: 'the URL holds a password', fix };
  if (parsed.username !== '') return { message: 'the URL holds a user name or token', fix };
  for (const name of parsed.searchParams.keys()) {
    if (secretParam.test(name)) {
      return { message: `the URL's query parameter "${name}" holds a credential`, fix };
    }
  }
  return undefined;
}

/**
 * The delivery timeout of `channel`: its `timeout` where its kind has one, else the default.
 *
 * @example channelTimeoutMs({ type: 'webhook', url: 'https://h.example.org', timeout: '5s' }) // 5000
 */
export function channelTimeoutMs(channel: ChannelConfig): number {
  const timeout = (channel as { timeout?: unknown }).timeout;
  return parseChannelTimeout(typeof timeout === 'string' ? timeout : undefined);
}

/**
 * Notification channels as the playbook's top-level `notify:` section declares them: a record of
 * channel name → a webhook (Standard Webhooks), a Slack-compatible incoming webhook, or e-mail
 * over SMTP. Secrets are named by environment variable, never written inline: a webhook `url`
 * holding a password or a token is refused with the fix. Pure: the schema and the types only.
 */
import { z } from 'zod';

/** What a channel can be told about. `notify.item` is a playbook `notify` item performed. */
export const eventNames = [
  'release.started',
  'blocker.appeared',
  'signoff.given',
  'decision.go',
  'decision.no-go',
  'deployment.succeeded',
  'watch.failed',
  'rollback.started',
  'rollback.finished',
  'release.finished',
  'incident.opened',
  'incident.resolved',
  'notify.item',
] as const;
export type EventName = (typeof eventNames)[number];

export const eventNameSchema = z.enum(eventNames);

/** An environment variable's name: `SLACK_HOOK_URL`, `GONOGO_SMTP_URL`. */
export const envNameSchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
    'must be the NAME of an environment variable (letters, digits, "_"), e.g. "SLACK_HOOK_URL"',
  );

/** A channel's name in `notify:`: lower-case words joined by dashes, as `ops-slack`. */
export const channelNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'must be lower-case letters, digits, "-" or "_" (at most 64), e.g. "ops-slack"',
  );

/** The smallest and largest delivery timeout a channel may ask for. */
export const minChannelTimeoutMs = 1_000;
export const maxChannelTimeoutMs = 60_000;
/** The delivery timeout when a channel names none. */
export const defaultChannelTimeoutMs = 10_000;

// Query parameters whose value is a credential (`?token=…`, `?sig=…` of a signed URL).
const secretParam =
  /^(?:.*(?:token|secret|password|passwd|api[-_]?key|apikey|auth|signature|credential)s?.*|sig|key|code|access_token)$/i;

/**
 * Why `url` may not be written in a playbook as it is, with the fix, or undefined when it may.
 * A URL with a user name or password, or a query parameter named like a credential, holds a
 * secret that would be committed with the playbook.
 *
 * @example findInlineUrlSecret('https://ci:pw@hooks.example.org/x') // { message: 'the URL holds a password', fix: … }
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
    'keep the secret in an environment variable: put the URL without it in `url` and the signing secret (whsec_…) in the variable named by `secret_env`';
  if (parsed.password !== '') return { message: 'the URL holds a password', fix };
  if (parsed.username !== '') return { message: 'the URL holds a user name or token', fix };
  for (const name of parsed.searchParams.keys()) {
    if (secretParam.test(name)) {
      return { message: `the URL's query parameter "${name}" holds a credential`, fix };
    }
  }
  return undefined;
}

const timeoutSchema = z
  .string()
  .regex(/^\d+(ms|s)$/, 'must be a timeout such as "5s" or "2500ms"')
  .refine(
    (t) => {
      const ms = parseChannelTimeout(t);
      return ms >= minChannelTimeoutMs && ms <= maxChannelTimeoutMs;
    },
    `must be between ${minChannelTimeoutMs / 1000}s and ${maxChannelTimeoutMs / 1000}s`,
  );

/**
 * A timeout as written in a channel (`"5s"`, `"2500ms"`) in milliseconds; the default for none.
 *
 * @example parseChannelTimeout('5s') // 5000
 */
export function parseChannelTimeout(text: string | undefined): number {
  if (text === undefined) return defaultChannelTimeoutMs;
  const m = /^(\d+)(ms|s)$/.exec(text);
  if (!m) return defaultChannelTimeoutMs;
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

const eventsSchema = z.array(eventNameSchema).min(1).optional();

const httpUrlSchema = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'https:' || p === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL, e.g. "https://hooks.example.org/gonogo"');

/** A Standard Webhooks endpoint; with `cdevents: true` deployments and incidents go as CDEvents. */
export const webhookChannelSchema = z
  .strictObject({
    type: z.literal('webhook'),
    url: httpUrlSchema,
    secret_env: envNameSchema.optional(),
    events: eventsSchema,
    cdevents: z.boolean().optional(),
    timeout: timeoutSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const found = findInlineUrlSecret(c.url);
    if (found)
      ctx.addIssue({ code: 'custom', path: ['url'], message: `${found.message}: ${found.fix}` });
  });

/** A Slack-compatible incoming webhook; its URL is the secret, so only its variable is named. */
export const slackChannelSchema = z.strictObject({
  type: z.literal('slack'),
  url_env: envNameSchema,
  events: eventsSchema,
  timeout: timeoutSchema.optional(),
});

/** An address as `ops@example.org` (no display name, no line breaks). */
export const emailAddressSchema = z
  .string()
  .max(254)
  .regex(
    /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/,
    'must be an e-mail address, e.g. "ops@example.org"',
  );

/** E-mail over SMTP; the server's URL (smtp://user:pass@host:port) comes from `smtp_env`. */
export const emailChannelSchema = z.strictObject({
  type: z.literal('email'),
  to: z.array(emailAddressSchema).min(1).max(50),
  from: emailAddressSchema.optional(),
  smtp_env: envNameSchema.optional(),
  events: eventsSchema,
  timeout: timeoutSchema.optional(),
});

/** One channel of `notify:`. */
export const channelConfigSchema = z.discriminatedUnion('type', [
  webhookChannelSchema,
  slackChannelSchema,
  emailChannelSchema,
]);

/** The whole `notify:` section: channel name → channel. */
export const notifySectionSchema = z.record(channelNameSchema, channelConfigSchema);

export type WebhookChannelConfig = z.infer<typeof webhookChannelSchema>;
export type SlackChannelConfig = z.infer<typeof slackChannelSchema>;
export type EmailChannelConfig = z.infer<typeof emailChannelSchema>;
export type ChannelConfig = z.infer<typeof channelConfigSchema>;
export type ChannelType = ChannelConfig['type'];
export type NotifySection = z.infer<typeof notifySectionSchema>;

/** The SMTP URL's variable when an e-mail channel names none. */
export const defaultSmtpEnv = 'GONOGO_SMTP_URL';

/**
 * True when `channel` wants to hear about `event`: every event when it lists none.
 *
 * @example channelWants({ type: 'slack', url_env: 'HOOK', events: ['decision.go'] }, 'decision.no-go') // false
 */
export function channelWants(channel: ChannelConfig, event: EventName): boolean {
  return channel.events === undefined || channel.events.includes(event);
}

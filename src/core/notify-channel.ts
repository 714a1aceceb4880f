/**
 * Notification channels as a playbook declares them under `notify:`: named webhook, Slack and
 * e-mail channels, the events each one hears, and the built-in messages a `notify` item can
 * send. Secrets are named by environment variable, never written inline.
 */
import { z } from 'zod';

/** What a channel can subscribe to (`events:`), and what a performed `notify` item sends. */
export const notifyEventNames = [
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
export type NotifyEventName = (typeof notifyEventNames)[number];

/** The messages a `notify` item names instead of writing its own text. */
export const builtInMessages = [
  'release-started',
  'maintenance-notice',
  'decision',
  'deployed',
  'release-finished',
  'rollback-started',
  'rollback-finished',
  'release-notes',
  'status',
] as const;
export type BuiltInMessage = (typeof builtInMessages)[number];

/** The fields a message template may name as `{{field}}`. */
export const templateFields = [
  'project',
  'version',
  'state',
  'commit',
  'environment',
  'decision',
  'blockers',
  'url',
  'notes',
  'actor',
] as const;

/** An environment variable's name: where a secret is read from at delivery time. */
const envNameSchema = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name such as "SLACK_URL"');

const eventsSchema = z.array(z.enum(notifyEventNames)).optional();

/** A URL without credentials in it: secrets belong in an environment variable. */
const publicUrlSchema = z.url({ protocol: /^https?$/ }).refine((u) => {
  const url = new URL(u);
  return !url.username && !url.password;
}, 'must not hold a user or password; name an environment variable instead (url_env)');

const webhookSchema = z.strictObject({
  type: z.literal('webhook'),
  /** The endpoint, or `url_env` naming the variable that holds it. */
  url: publicUrlSchema.optional(),
  url_env: envNameSchema.optional(),
  /** The variable holding the Standard Webhooks secret (`whsec_…`). */
  secret_env: envNameSchema.optional(),
  events: eventsSchema,
  /** Also send deployments, rollbacks and incidents as CDEvents (CloudEvents JSON). */
  cdevents: z.boolean().optional(),
  timeout: z
    .string()
    .regex(/^(\d+[smhdw])+$/, 'must be a duration such as "10s"')
    .optional(),
});

const slackSchema = z.strictObject({
  type: z.literal('slack'),
  /** The variable holding the incoming-webhook URL (the URL is itself the secret). */
  url_env: envNameSchema,
  events: eventsSchema,
});

const emailSchema = z.strictObject({
  type: z.literal('email'),
  to: z.array(z.email()).min(1).max(100),
  from: z.email().optional(),
  /** The variable holding `smtp://user:pass@host:port` (default `GONOGO_SMTP_URL`). */
  smtp_env: envNameSchema.optional(),
  events: eventsSchema,
});

export const notifyChannelSchema = z
  .discriminatedUnion('type', [webhookSchema, slackSchema, emailSchema])
  .refine(
    (c) => c.type !== 'webhook' || (c.url === undefined) !== (c.url_env === undefined),
    'a webhook needs exactly one of url or url_env',
  );
export type NotifyChannel = z.infer<typeof notifyChannelSchema>;

/** Channel names: as idSchema, so `#releases` is written `releases`. */
export const channelNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'must be lower-case letters, digits, "-" or "_" (at most 64), e.g. "stakeholders"',
  );

/** An item's `notify:`: the channels it sends to and the message, built-in or a template. */
export const notifyItemSchema = z.strictObject({
  to: z.union([channelNameSchema, z.array(channelNameSchema).min(1).max(20)]),
  message: z.string().trim().min(1).max(4000),
});

/** The event names under the name the transport layer uses. */
export type EventName = NotifyEventName;

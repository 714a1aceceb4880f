/**
 * The zod schema of `gonogo.yaml` as a person writes it (DESIGN.md §4). Objects are strict,
 * so an unknown key is an error with a "did you mean". `compilePlaybook` turns a parsed
 * value into the normalised {@link Playbook} model.
 */
import { z } from 'zod';
import { channelNameSchema, notifyChannelSchema, notifyItemSchema } from './notify-channel.ts';

/** Identifiers: lower-case words joined by dashes, as `pre-release` or `qa-lead`. */
export const idSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,63}$/,
    'must be lower-case letters, digits, "-" or "_" (at most 64), e.g. "qa-lead"',
  );

/** Durations as `90s`, `15m`, `2h`, `1d`, `1w` (or a combination such as `1h30m`). */
export const durationSchema = z
  .string()
  .regex(/^(\d+[smhdw])+$/, 'must be a duration such as "30s", "15m", "2h" or "1h30m"');

/**
 * A follow-up's due point: how long after the production deployment it is due, as `+24h` or
 * `+1w` (the `+` may be left out).
 */
export const dueSchema = z
  .string()
  .regex(
    /^\+?(\d+[smhdw])+$/,
    'must be a time after the production deployment such as "+1h", "+24h" or "+1w"',
  );

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const oneOrMany = <T extends z.ZodType>(s: T) => z.union([s, z.array(s).min(1)]);

/** `check: changelog` or `check: { command: "npm test" }` or `check: { http: { url: ... } }`. */
export const checkSpecSchema = z.union([
  z.string().min(1),
  z
    .record(z.string(), z.unknown())
    .refine(
      (o) => Object.keys(o).length === 1,
      'must name exactly one check, e.g. { command: "npm test" }',
    ),
]);

export const whenSchema = z.strictObject({
  type: oneOrMany(z.string().min(1)).optional(),
  environment: oneOrMany(z.string().min(1)).optional(),
});

const conditionSchema = z.string().trim().min(1).max(500);
const limitSchema = z.int().min(0).max(1000);

/**
 * A watch window (Argo Rollouts' analysis names): what it measures (a metric of `metrics:` or an
 * `http` check), when (`initialDelay`, then every `interval` for `for`, or `count` times) and
 * how it is judged (`successCondition`, `failureCondition` and the limits).
 */
export const watchSchema = z.strictObject({
  for: durationSchema.optional(),
  /** The older name of `interval`. */
  every: durationSchema.optional(),
  interval: durationSchema.optional(),
  initialDelay: durationSchema.optional(),
  count: z.int().min(1).max(10_000).optional(),
  metric: idSchema.optional(),
  check: checkSpecSchema.optional(),
  successCondition: conditionSchema.optional(),
  failureCondition: conditionSchema.optional(),
  failureLimit: limitSchema.optional(),
  inconclusiveLimit: limitSchema.optional(),
  consecutiveErrorLimit: limitSchema.optional(),
});

export const suggestSchema = z.strictObject({
  run: z.string().min(1).optional(),
  check: checkSpecSchema.optional(),
});

export interface RawItem {
  id?: string;
  title: string;
  details?: string | string[];
  optional?: boolean;
  when?: z.infer<typeof whenSchema>;
  check?: z.infer<typeof checkSpecSchema>;
  run?: string | string[];
  sign?: string | string[];
  watch?: z.infer<typeof watchSchema>;
  notify?: z.infer<typeof notifyItemSchema>;
  when_reached?: boolean;
  suggest?: z.infer<typeof suggestSchema>;
  timeout?: string;
  by?: string | string[];
  confirm?: boolean;
  cwd?: string;
  due?: string;
  deploys?: string | string[];
  items?: RawItem[];
}

/**
 * A run item's working directory: relative to the repository root and inside it (no absolute
 * path, no `..` segment), so a playbook cannot send a command outside the repository.
 */
export const runCwdSchema = z
  .string()
  .min(1)
  .max(500)
  .refine(
    (v) => !v.startsWith('/') && !/^[a-zA-Z]:/.test(v) && !v.split(/[\\/]/).includes('..'),
    'must be a folder relative to the repository root, without ".." (e.g. "deploy")',
  );

export const itemSchema: z.ZodType<RawItem> = z.lazy(() =>
  z.strictObject({
    id: idSchema.optional(),
    title: z.string().trim().min(1, 'must not be empty').max(500),
    details: oneOrMany(z.string()).optional(),
    optional: z.boolean().optional(),
    when: whenSchema.optional(),
    check: checkSpecSchema.optional(),
    run: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    sign: oneOrMany(z.string().min(1)).optional(),
    watch: watchSchema.optional(),
    /** Sends a message to channels of `notify:`; done with the delivery as evidence. */
    notify: notifyItemSchema.optional(),
    /** A notify item: gonogo performs it by itself once the release reaches it. */
    when_reached: z.boolean().optional(),
    suggest: suggestSchema.optional(),
    timeout: durationSchema.optional(),
    /** A run item: the roles of which one must hold whoever runs it. */
    by: oneOrMany(idSchema).optional(),
    /** A run item: ask "Run ...? [y/N]" on a terminal before running it. */
    confirm: z.boolean().optional(),
    /** A run item: the folder it runs in, relative to the repository root. */
    cwd: runCwdSchema.optional(),
    /** A follow-up due this long after the production deployment (`+24h`). */
    due: dueSchema.optional(),
    /** The environments this item deploys to: `deploy ENV` ticks it with the deployment. */
    deploys: oneOrMany(z.string().min(1)).optional(),
    items: z.array(itemSchema).optional(),
  }),
);

export const sectionSchema = z.strictObject({
  id: idSchema.optional(),
  title: z.string().trim().min(1).max(500).optional(),
  gate: z.array(z.string().min(1)).optional(),
  /** Four eyes: whoever started the release or acted on its items cannot give this gate's go. */
  four_eyes: z.boolean().optional(),
  when: whenSchema.optional(),
  /** Due point of every item in the section that does not name its own. */
  due: dueSchema.optional(),
  items: z.array(itemSchema),
});

export const phaseSchema = z
  .strictObject({
    id: idSchema.optional(),
    title: z.string().trim().min(1).max(500).optional(),
    gate: z.array(z.string().min(1)).optional(),
    /** Four eyes: whoever started the release or acted on its items cannot give this gate's go. */
    four_eyes: z.boolean().optional(),
    when: whenSchema.optional(),
    /** Due point of every item in the phase that does not name its own. */
    due: dueSchema.optional(),
    sections: z.array(sectionSchema).optional(),
    items: z.array(itemSchema).optional(),
  })
  .refine((p) => p.id !== undefined || p.title !== undefined, 'a phase needs an id or a title');

const hhmm = /^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export const windowSchema = z.strictObject({
  timezone: z.string().min(1).default('UTC'),
  deny: z.array(z.enum(weekdays)).optional(),
  deny_hours: z
    .array(z.string().regex(hhmm, 'must be a range of hours such as "18:00-08:00"'))
    .optional(),
  freezes: z
    .array(
      z.strictObject({
        from: z.string().regex(isoDate, 'must be a date such as 2026-12-20'),
        to: z.string().regex(isoDate, 'must be a date such as 2027-01-02'),
        reason: z.string().min(1),
      }),
    )
    .optional(),
  /** Roles whose holders may let one gate through the window, with a reason. */
  override: z.array(z.string().min(1)).optional(),
});

export const policySchema = z.strictObject({
  window: windowSchema.optional(),
  /** Roles whose holders may deploy past a gate that says NO-GO, with a reason. */
  force: z.array(z.string().min(1)).optional(),
  /**
   * Rollback criteria and what a failed watch does by itself: `auto` records the rollback of
   * production and lets `gonogo watch` run the rollback procedure's run items; `lock_on_failure`
   * locks production until a person unlocks it.
   */
  rollback: z
    .strictObject({
      when: z.array(z.string().min(1)).optional(),
      auto: z.boolean().optional(),
      lock_on_failure: z.boolean().optional(),
    })
    .optional(),
});

export const metadataSchema = z.strictObject({
  title: z.string().optional(),
  about: z.string().optional(),
  labels: z.array(z.string()).optional(),
  assignees: z.array(z.string()).optional(),
  source: z.string().optional(),
});

export const playbookSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  /** The project releases of this playbook belong to (default: from the repository). */
  project: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .refine((v) => !hasControlChars(v), 'a project name is one line of printable text')
    .optional(),
  description: z.string().optional(),
  metadata: metadataSchema.optional(),
  roles: z
    .record(
      idSchema,
      z.union([
        z.string().min(1),
        z.strictObject({ name: z.string().min(1), members: z.array(z.string().min(1)).optional() }),
      ]),
    )
    .optional(),
  environments: z.array(idSchema).optional(),
  types: z.array(idSchema).optional(),
  policy: policySchema.optional(),
  /**
   * What the checklist says that is not an item (reference lists, emergency runbooks): kept
   * for people to read, shown with the playbook.
   */
  notes: z
    .array(z.strictObject({ title: z.string().trim().min(1).max(500), text: z.string() }))
    .optional(),
  /**
   * The metrics the team tracks, by id: a title and, once known, the query that measures it
   * (watch windows and rollback criteria name them).
   */
  metrics: z
    .record(
      idSchema,
      z.union([
        z.string().min(1),
        z.strictObject({
          title: z.string().min(1),
          /** PromQL, for `prometheus:`'s server (an instant query). */
          query: z.string().min(1).max(4000).optional(),
        }),
      ]),
    )
    .optional(),
  /** The Prometheus server metric queries go to (`GONOGO_PROMETHEUS_URL` overrides it). */
  prometheus: z
    .strictObject({
      url: z.url({ protocol: /^https?$/ }),
      /** How long one query may take (default 10s). */
      timeout: durationSchema.optional(),
    })
    .optional(),
  /** Notification channels by name: webhooks, Slack incoming webhooks, e-mail. */
  notify: z.record(channelNameSchema, notifyChannelSchema).optional(),
  phases: z.array(phaseSchema).min(1, 'a playbook needs at least one phase'),
  rollback: z
    .union([
      z.array(itemSchema),
      z.strictObject({
        sections: z.array(sectionSchema).optional(),
        items: z.array(itemSchema).optional(),
      }),
    ])
    .optional(),
});

export type RawPlaybook = z.infer<typeof playbookSchema>;
export type RawPhase = z.infer<typeof phaseSchema>;
export type RawSection = z.infer<typeof sectionSchema>;

/** True when `text` has a C0 control character or DEL (a name must be one printable line). */
function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

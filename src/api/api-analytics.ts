/**
 * The HTTP contract of the process analytics (`GET /projects/{project}/analytics`, docs
 * /metrics.md, "Process"): cycle time, time per phase, sign-off waits, the slowest items and the
 * items most often waived or n/a, over the releases started in a period. Durations are
 * milliseconds; a share is a ratio (0.25 is 25 %). A distribution without values has only
 * `count: 0`.
 */
import { z } from 'zod';
import { maxNameLength } from './api-limits.ts';
import { named } from './api-registry.ts';

const bound = () =>
  z
    .string()
    .max(64)
    .describe('A date (YYYY-MM-DD, midnight in `tz`) or an ISO-8601 time with an offset.');

/**
 * `GET /projects/{project}/analytics`: releases started in [since, until); `until` a date
 * includes that day. Defaults: until now, since 90 days before, env each playbook's last, tz UTC.
 */
export const analyticsQuerySchema = z.strictObject({
  since: bound().optional(),
  until: bound().optional(),
  env: z
    .string()
    .min(1)
    .max(maxNameLength)
    .regex(/^\P{Cc}*$/u, 'no control characters')
    .optional(),
  tz: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'an IANA time zone name such as Europe/Berlin or UTC')
    .optional(),
});
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

const ms = () => z.number();
const durationStats = {
  count: z.number().int(),
  medianMs: ms().optional(),
  /** Nearest rank. */
  p90Ms: ms().optional(),
  maxMs: ms().optional(),
};

export const durationStatsSchema = named('DurationStats', z.object(durationStats));

export const releaseCycleSchema = named(
  'ReleaseCycle',
  z.object({
    version: z.string(),
    state: z.string(),
    startedAt: z.string(),
    /** The release's first succeeded deployment to production. */
    deployedAt: z.string().optional(),
    cycleMs: ms().optional(),
    rolledBack: z.boolean(),
  }),
);

export const analyticsReportSchema = named(
  'AnalyticsReport',
  z.object({
    project: z.string(),
    period: z.object({ since: z.string(), until: z.string() }),
    environment: z.string().optional(),
    /** More releases started in the period than one report reads: the oldest were left out. */
    truncated: z.boolean(),
    releases: z.object({
      total: z.number().int(),
      deployed: z.number().int(),
      rolledBack: z.number().int(),
      abandoned: z.number().int(),
    }),
    cycleTime: durationStatsSchema,
    /** Every release of the period, oldest first. */
    cycles: z.array(releaseCycleSchema),
    phases: z.array(
      z.object({
        phase: z.string(),
        title: z.string(),
        incomplete: z.number().int(),
        ...durationStats,
      }),
    ),
    signoffWaits: z.array(
      z.object({
        gate: z.string(),
        gateTitle: z.string(),
        role: z.string(),
        pending: z.number().int(),
        ...durationStats,
      }),
    ),
    slowestItems: z.array(
      z.object({ id: z.string(), title: z.string(), phase: z.string(), ...durationStats }),
    ),
    skippedItems: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        phase: z.string(),
        releases: z.number().int(),
        waived: z.number().int(),
        na: z.number().int(),
        share: z.number(),
        reasons: z.array(z.string()),
      }),
    ),
    problems: z.array(z.object({ version: z.string(), message: z.string() })),
  }),
);
export type AnalyticsReportBody = z.infer<typeof analyticsReportSchema>;

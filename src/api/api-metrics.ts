/**
 * The HTTP contract of DORA's four keys (docs/metrics.md): the metrics query, the report, and
 * what a deployment carries for lead time (the commits it shipped) and what an import of
 * deployments from git tags sends. Times are ISO-8601 with an offset; durations are seconds;
 * a rate is a ratio (0.25 is 25 %). A value that cannot be computed (no deployments, no
 * commits, no failures) is `null` with a `note` saying why, never 0 or NaN.
 */
import { z } from 'zod';
import { maxCommitLength, maxNameLength } from './api-limits.ts';
import { named } from './api-registry.ts';

/** The most commits one deployment carries; the CLI sends the newest ones and says it cut. */
export const maxDeploymentCommits = 10_000;
/** The most deployments one import request carries (the CLI sends larger imports in pages). */
export const maxImportedDeployments = 1000;

/** DORA's performance levels, best first. */
export const metricsLevels = ['elite', 'high', 'medium', 'low'] as const;
export type MetricsLevel = (typeof metricsLevels)[number];
/** The years whose published bands gonogo carries (core/metrics-bands.ts). */
export const metricsBandYears = ['2023', '2021'] as const;
export type MetricsBandYear = (typeof metricsBandYears)[number];

const isoDateTime = () => z.iso.datetime({ offset: true });
/** A calendar date (in the report's time zone) or an instant. */
const dateOrInstant = () =>
  z
    .string()
    .max(64)
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) || z.iso.datetime({ offset: true }).safeParse(s).success,
      {
        error: 'a date (YYYY-MM-DD) or an ISO-8601 time with an offset',
      },
    );
/** An IANA time zone name (`Europe/Berlin`) or `UTC`; the service checks that it exists. */
const timeZoneName = () =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'an IANA time zone name such as Europe/Berlin or UTC');
const shaString = () =>
  z
    .string()
    .min(4)
    .max(maxCommitLength)
    .regex(/^[0-9a-f]+$/, 'a commit id in hex');
const envName = () =>
  z
    .string()
    .min(1)
    .max(maxNameLength)
    .regex(/^\P{Cc}*$/u, 'no control characters');

/**
 * `GET /projects/{project}/metrics`: the period is [since, until]; `until` a date includes that
 * whole day. Defaults: until now, since 90 days before until, env production (the playbook's
 * last environment), bands 2023, tz UTC.
 */
export const metricsQuerySchema = z.strictObject({
  since: dateOrInstant().optional(),
  until: dateOrInstant().optional(),
  env: envName().optional(),
  bands: z.enum(metricsBandYears).optional(),
  tz: timeZoneName().optional(),
});
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

/** One commit a deployment shipped: its id and its committer time (`git log %cI`). */
export const deploymentCommitSchema = named(
  'DeploymentCommit',
  z.strictObject({ sha: shaString(), committedAt: isoDateTime() }),
);
export type DeploymentCommit = z.infer<typeof deploymentCommitSchema>;

/**
 * The commits a deployment shipped, as the CLI read them from git (`prev..new`, newest first):
 * at most {@link maxDeploymentCommits}; `truncated` when there were more (the oldest are left
 * out, so lead time is then understated, and the report counts such deployments).
 */
export const deploymentCommitsSchema = named(
  'DeploymentCommits',
  z.strictObject({
    commits: z.array(deploymentCommitSchema).max(maxDeploymentCommits),
    truncated: z.boolean().optional(),
    /** The commit the range started after (the one deployed before), absent for a first deployment. */
    since: shaString().optional(),
  }),
);
export type DeploymentCommitsInput = z.infer<typeof deploymentCommitsSchema>;

/** `POST /projects/{project}/incidents`: an incident on what runs in an environment now. */
export const openIncidentRequestSchema = named(
  'OpenIncidentRequest',
  z.strictObject({
    environment: envName(),
    reason: z.string().trim().min(1).max(4000),
  }),
);
export type OpenIncidentRequest = z.infer<typeof openIncidentRequestSchema>;

/** `POST /projects/{project}/incidents/resolve`: one incident by id, or the newest open one. */
export const resolveIncidentRequestSchema = named(
  'ResolveIncidentRequest',
  z.strictObject({
    id: z.string().min(1).max(maxNameLength).optional(),
    environment: envName().optional(),
  }),
);
export type ResolveIncidentRequest = z.infer<typeof resolveIncidentRequestSchema>;

/** `POST /projects/{project}/deployments/import`: deployments read from git tags. */
export const importDeploymentsRequestSchema = named(
  'ImportDeploymentsRequest',
  z.strictObject({
    environment: envName(),
    deployments: z
      .array(
        z.strictObject({
          /** The tag, used as the version. */
          version: envName(),
          commit: shaString(),
          /** The tag's time (annotated: the tagger's; lightweight: the commit's). */
          at: isoDateTime(),
          commits: deploymentCommitsSchema,
        }),
      )
      .max(maxImportedDeployments),
  }),
);
export type ImportDeploymentsRequest = z.infer<typeof importDeploymentsRequestSchema>;

export const importDeploymentsResultSchema = named(
  'ImportDeploymentsResult',
  z.object({
    environment: z.string(),
    /** Deployments recorded now. */
    imported: z.number().int(),
    /** Tags imported before (same version in the environment): left as they were. */
    skipped: z.number().int(),
    commits: z.number().int(),
  }),
);
export type ImportDeploymentsResult = z.infer<typeof importDeploymentsResultSchema>;

const levelSchema = z.enum(metricsLevels);
/** Against the previous period of the same length: `n/a` when either side has no value. */
const trendSchema = z.enum(['better', 'worse', 'same', 'n/a']);
export type MetricsTrend = z.infer<typeof trendSchema>;

/** What every key has: its headline value, level, the previous period's value and the trend. */
function keySchema<T extends z.ZodType>(detail: T) {
  return z.object({
    /** The headline: deployments per day, seconds, or a ratio; null with `note` when there is none. */
    value: z.number().nullable(),
    unit: z.enum(['per-day', 'seconds', 'ratio']),
    /** Why `value` is null: "no deployments", "no commits", "no failed deployments" … */
    note: z.string().optional(),
    level: levelSchema.nullable(),
    detail: detail.nullable(),
    previous: z.object({ value: z.number().nullable(), level: levelSchema.nullable() }),
    trend: trendSchema,
  });
}

export const deploymentFrequencyDetailSchema = z.object({
  deployments: z.number().int(),
  perDay: z.number(),
  perWeek: z.number(),
  perMonth: z.number(),
  /** Calendar weeks (Monday to Monday in the time zone) the period touches. */
  weeks: z.number().int(),
  weeksWithDeployments: z.number().int(),
  /** weeksWithDeployments / weeks. */
  shareOfWeeks: z.number(),
});
export const leadTimeDetailSchema = z.object({
  commits: z.number().int(),
  medianSeconds: z.number(),
  p90Seconds: z.number(),
  /** Deployments whose commit list was cut at the bound (their oldest commits are missing). */
  truncatedDeployments: z.number().int(),
});
export const changeFailureDetailSchema = z.object({
  deployments: z.number().int(),
  /** Deployments followed by a rollback or a linked incident. */
  failed: z.number().int(),
  rate: z.number(),
});
export const recoveryDetailSchema = z.object({
  failed: z.number().int(),
  /** Failed deployments whose recovery ended (incident resolved, or a later good deployment). */
  recovered: z.number().int(),
  unresolved: z.number().int(),
  medianSeconds: z.number(),
});

export const metricsReportSchema = named(
  'MetricsReport',
  z.object({
    project: z.string(),
    environment: z.string(),
    tz: z.string(),
    bands: z.object({ year: z.enum(metricsBandYears), source: z.string() }),
    /** [since, until): instants; `days` counts calendar days in the time zone. */
    period: z.object({ since: isoDateTime(), until: isoDateTime(), days: z.number() }),
    previousPeriod: z.object({ since: isoDateTime(), until: isoDateTime(), days: z.number() }),
    /** Counted deployments in the period that came from `gonogo import deployments`. */
    imported: z.number().int(),
    keys: z.object({
      deploymentFrequency: keySchema(deploymentFrequencyDetailSchema),
      leadTime: keySchema(leadTimeDetailSchema),
      changeFailureRate: keySchema(changeFailureDetailSchema),
      recoveryTime: keySchema(recoveryDetailSchema),
    }),
    /** Reserved for the process analytics (cycle time, phase time, sign-off waits). */
    process: z.unknown().optional(),
  }),
);
export type MetricsReport = z.infer<typeof metricsReportSchema>;
export type MetricsKeyName = keyof MetricsReport['keys'];
export type MetricsKey = MetricsReport['keys'][MetricsKeyName];

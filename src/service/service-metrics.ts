/**
 * DORA's four keys of a project's environment over a period, against the period before it of
 * the same length (docs/metrics.md); and deployments imported from git tags.
 */
import type {
  ImportDeploymentsRequest,
  ImportDeploymentsResult,
  MetricsQuery,
  MetricsReport,
} from '../api/api-metrics.ts';
import { importDeploymentsRequestSchema, metricsQuerySchema } from '../api/api-metrics.ts';
import { InputError, UsageError } from '../core/errors.ts';
import { metricsBandTables } from '../core/metrics-bands.ts';
import type { MetricsPeriod } from '../core/metrics-report.ts';
import { buildMetricsKeys } from '../core/metrics-report.ts';
import {
  assertTimeZone,
  calendarDays,
  instantOfWallTime,
  parseMetricsBound,
  wallTimeOf,
  weekBounds,
} from '../core/metrics-time.ts';
import type { ServiceContext } from './service-context.ts';

/** The period a report covers unless told: the 90 days before `until`. */
export const defaultMetricsDays = 90;

/**
 * The four keys of one environment (production unless told) over [since, until).
 *
 * @example await getMetrics(ctx, { since: '2026-01-01', until: '2026-03-31', tz: 'Europe/Berlin' })
 */
export async function getMetrics(
  ctx: ServiceContext,
  input: MetricsQuery = {},
): Promise<MetricsReport> {
  const parsed = metricsQuerySchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map((i) => ({ message: `${i.path.join('.') || 'query'}: ${i.message}` })),
    );
  const q = parsed.data;
  const tz = q.tz ?? 'UTC';
  assertTimeZone(tz, 'tz');
  const year = q.bands ?? '2023';
  const bands = metricsBandTables[year];
  const until = q.until ? parseMetricsBound(q.until, tz, 'until') : ctx.now().getTime();
  const since = q.since
    ? parseMetricsBound(q.since, tz, 'since')
    : instantOfWallTime(wallTimeOf(until, tz) - defaultMetricsDays * 86_400_000, tz);
  if (since >= until)
    throw new UsageError(
      `the period is empty: since (${new Date(since).toISOString()}) is not before until (${new Date(until).toISOString()})`,
      { field: 'since' },
    );
  // The period before, as many calendar days long, ending where this one starts.
  const previousSince = instantOfWallTime(
    wallTimeOf(since, tz) - (wallTimeOf(until, tz) - wallTimeOf(since, tz)),
    tz,
  );
  const environment = q.env ?? (await defaultEnvironment(ctx));
  const read = async (from: number, to: number) => {
    const weeks = weekBounds(from, to, tz);
    const period: MetricsPeriod = {
      since: from,
      until: to,
      days: calendarDays(from, to, tz),
      weeks: weeks.length - 1,
    };
    const facts = await ctx.store.readMetricsFacts({
      project: ctx.project,
      environment,
      since: Math.ceil(from / 1000),
      until: Math.ceil(to / 1000),
      weeks: weeks.map((w) => Math.ceil(w / 1000)),
    });
    return { period, facts };
  };
  const now = await read(since, until);
  const before = await read(previousSince, since);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    project: ctx.project,
    environment,
    tz,
    bands: { year, source: bands.source },
    period: { since: iso(since), until: iso(until), days: now.period.days },
    previousPeriod: { since: iso(previousSince), until: iso(since), days: before.period.days },
    imported: now.facts.imported,
    keys: buildMetricsKeys(bands, now.facts, now.period, before.facts, before.period),
  };
}

/** The last environment of the newest release's playbook (production, as a rule). */
async function defaultEnvironment(ctx: ServiceContext): Promise<string> {
  const [newest] = await ctx.store.listReleases(ctx.project, { limit: 1 });
  const playbook = newest ? await ctx.store.getPlaybook(newest.playbookHash) : undefined;
  return playbook?.environments.at(-1) ?? 'production';
}

/**
 * Records deployments read from git tags, marked imported, so a team sees its metrics on day
 * one; a version the environment has already is skipped (importing twice changes nothing).
 *
 * @example await importDeployments(ctx, { environment: 'production', deployments })
 */
export async function importDeployments(
  ctx: ServiceContext,
  input: ImportDeploymentsRequest,
): Promise<ImportDeploymentsResult> {
  const parsed = importDeploymentsRequestSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError(
      parsed.error.issues.map((i) => ({
        message: `${i.path.join('.') || 'request'}: ${i.message}`,
      })),
    );
  const { environment, deployments } = parsed.data;
  return ctx.store.transaction(async (tx) => {
    await tx.ensureProject(ctx.project, ctx.iso());
    const out = await tx.insertImportedDeployments(
      ctx.project,
      environment,
      deployments.map((d) => ({
        version: d.version,
        commit: d.commit,
        at: d.at,
        commits: d.commits.commits,
        truncated: d.commits.truncated ?? false,
      })),
    );
    return { environment, ...out };
  });
}

/**
 * DORA's four keys from the facts of two periods (the one asked for and the one before it, of
 * the same length): values, levels from the published bands (metrics-bands.ts) and the trend.
 * Pure: the store counts and finds the percentiles, this says what they mean. Definitions and
 * edge cases: docs/metrics.md.
 */
import type { MetricsBandKey, MetricsBandLevel, MetricsBandTable } from './metrics-bands.ts';
import { levelOf } from './metrics-bands.ts';

/** One commit a deployment shipped: its id and committer time (ISO). */
export interface DeploymentCommit {
  sha: string;
  committedAt: string;
}

/** What the store reads for one period of one project and environment. */
export interface MetricsFacts {
  /** Deployments that reached the environment (succeeded, or later rolled back). */
  deployments: number;
  /** Of them, imported from tags. */
  imported: number;
  /** Of them, followed by a rollback or a linked incident. */
  failed: number;
  /** Of them, with a commit list cut at the bound. */
  truncated: number;
  /** Commits the period's deployments shipped first. */
  commits: number;
  /** Nearest-rank median and 90th percentile of the commits' lead times, seconds. */
  leadMedian: number | null;
  leadP90: number | null;
  /** Failed deployments whose recovery ended, and the nearest-rank median of their recovery time. */
  recovered: number;
  recoveryMedian: number | null;
  /** Weeks of the period holding at least one counted deployment. */
  weeksWithDeployments: number;
}

export type MetricsTrendWord = 'better' | 'worse' | 'same' | 'n/a';

export interface MetricsKeyReport<D> {
  value: number | null;
  unit: 'per-day' | 'seconds' | 'ratio';
  note?: string;
  level: MetricsBandLevel | null;
  detail: D | null;
  previous: { value: number | null; level: MetricsBandLevel | null };
  trend: MetricsTrendWord;
}

export interface MetricsPeriod {
  /** Epoch milliseconds. */
  since: number;
  until: number;
  /** Calendar days in the time zone (metrics-time.ts calendarDays). */
  days: number;
  /** Weeks the period touches (metrics-time.ts weekBounds, less one). */
  weeks: number;
}

/** Days in an average Gregorian month, for deployments per month. */
export const daysPerMonth = 365.25 / 12;

/**
 * The 1-based rank of the nearest-rank percentile p (0 < p ≤ 1) among n values: the smallest
 * value with at least p of the values at or below it (PostgreSQL's percentile_disc). The median
 * of an even count is the lower middle value.
 *
 * @example nearestRank(4, 0.5) // 2
 */
export function nearestRank(n: number, p: number): number {
  return Math.max(1, Math.ceil(p * n - 1e-9));
}

/**
 * The nearest-rank percentile of values (any order); null for none.
 *
 * @example percentileOf([5, 1, 3, 2], 0.5) // 2
 */
export function percentileOf(values: readonly number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, p) - 1]!;
}

/**
 * Better, worse or the same, for a key where higher is better (frequency) or lower is.
 *
 * @example trendOf(0.1, 0.2, 'lower') // 'better'
 */
export function trendOf(
  now: number | null,
  before: number | null,
  better: 'higher' | 'lower',
): MetricsTrendWord {
  if (now === null || before === null) return 'n/a';
  if (now === before) return 'same';
  return now > before === (better === 'higher') ? 'better' : 'worse';
}

function keyReport<D>(
  bands: MetricsBandTable,
  key: MetricsBandKey,
  unit: MetricsKeyReport<D>['unit'],
  now: { value: number | null; detail: D | null; note?: string },
  before: number | null,
): MetricsKeyReport<D> {
  const out: MetricsKeyReport<D> = {
    value: now.value,
    unit,
    level: levelOf(bands, key, now.value),
    detail: now.detail,
    previous: { value: before, level: levelOf(bands, key, before) },
    trend: trendOf(now.value, before, key === 'deploymentFrequency' ? 'higher' : 'lower'),
  };
  if (now.value === null && now.note) out.note = now.note;
  return out;
}

/** The four keys' values of one period, without levels. */
function valuesOf(f: MetricsFacts, period: MetricsPeriod) {
  const perDay = period.days > 0 ? f.deployments / period.days : 0;
  return {
    frequency: {
      value: f.deployments ? perDay : null,
      detail: f.deployments
        ? {
            deployments: f.deployments,
            perDay,
            perWeek: perDay * 7,
            perMonth: perDay * daysPerMonth,
            weeks: period.weeks,
            weeksWithDeployments: f.weeksWithDeployments,
            shareOfWeeks: period.weeks ? f.weeksWithDeployments / period.weeks : 0,
          }
        : null,
      note: 'no deployments',
    },
    lead: {
      value: f.leadMedian,
      detail:
        f.leadMedian !== null && f.leadP90 !== null
          ? {
              commits: f.commits,
              medianSeconds: f.leadMedian,
              p90Seconds: f.leadP90,
              truncatedDeployments: f.truncated,
            }
          : null,
      note: f.deployments ? 'no commits recorded with the deployments' : 'no deployments',
    },
    failure: {
      value: f.deployments ? f.failed / f.deployments : null,
      detail: f.deployments
        ? { deployments: f.deployments, failed: f.failed, rate: f.failed / f.deployments }
        : null,
      note: 'no deployments',
    },
    recovery: {
      value: f.recoveryMedian,
      detail:
        f.recoveryMedian !== null
          ? {
              failed: f.failed,
              recovered: f.recovered,
              unresolved: f.failed - f.recovered,
              medianSeconds: f.recoveryMedian,
            }
          : null,
      note: !f.deployments
        ? 'no deployments'
        : f.failed
          ? 'no failed deployment has recovered yet'
          : 'no failed deployments',
    },
  };
}

/**
 * The four keys of a period against the period before, levelled by `bands`.
 *
 * @example
 * const keys = buildMetricsKeys(bands2023, facts, period, previousFacts, previousPeriod);
 * keys.changeFailureRate.value // 0.25
 */
export function buildMetricsKeys(
  bands: MetricsBandTable,
  facts: MetricsFacts,
  period: MetricsPeriod,
  previousFacts: MetricsFacts,
  previousPeriod: MetricsPeriod,
) {
  const now = valuesOf(facts, period);
  const before = valuesOf(previousFacts, previousPeriod);
  return {
    deploymentFrequency: keyReport(
      bands,
      'deploymentFrequency',
      'per-day',
      now.frequency,
      before.frequency.value,
    ),
    leadTime: keyReport(bands, 'leadTime', 'seconds', now.lead, before.lead.value),
    changeFailureRate: keyReport(
      bands,
      'changeFailureRate',
      'ratio',
      now.failure,
      before.failure.value,
    ),
    recoveryTime: keyReport(bands, 'recoveryTime', 'seconds', now.recovery, before.recovery.value),
  };
}

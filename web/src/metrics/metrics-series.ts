/**
 * Series for the metrics page's charts, computed in the browser from the analytics report's
 * releases (the DORA report carries totals only): production deployments per week, cycle time
 * median and p90 per week, and the share of deployed releases rolled back per month. Weeks run
 * Monday to Monday, months by the calendar, both in UTC.
 */

export interface CycleLike {
  startedAt: string;
  deployedAt?: string;
  cycleMs?: number;
  rolledBack: boolean;
}

const dayMs = 86_400_000;

/**
 * The Monday 00:00 UTC of the week an instant falls in.
 *
 * @example weekStart(Date.parse('2026-03-04T10:00:00Z')) // Date.parse('2026-03-02T00:00:00Z')
 */
export function weekStart(ms: number): number {
  const day = Math.floor(ms / dayMs) * dayMs;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0
  return day - weekday * dayMs;
}

/** The first of the month, 00:00 UTC. */
export function monthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonth(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Every bucket start from the one of `since` to the one before `until`. */
function buckets(
  since: number,
  until: number,
  start: (ms: number) => number,
  next: (ms: number) => number,
) {
  const out: number[] = [];
  for (let b = start(since); b < until; b = next(b)) out.push(b);
  return out;
}

/** The middle value, and the nearest-rank 90th percentile. */
function medianAndP90(values: number[]): [number | null, number | null] {
  if (values.length === 0) return [null, null];
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return [median, v[Math.max(0, Math.ceil(0.9 * v.length) - 1)]!];
}

export interface WeeklySeries {
  /** Week starts, in seconds (uPlot's unit). */
  xs: number[];
  deployments: number[];
  cycleMedianH: (number | null)[];
  cycleP90H: (number | null)[];
}

/**
 * Per week of the period: production deployments (releases that reached production that week)
 * and the median and p90 cycle time of those releases, in hours.
 *
 * @example weeklySeries(report.cycles, Date.parse(report.period.since), Date.parse(report.period.until))
 */
export function weeklySeries(cycles: CycleLike[], since: number, until: number): WeeklySeries {
  const weeks = buckets(since, until, weekStart, (b) => b + 7 * dayMs);
  const byWeek = new Map<number, number[]>(weeks.map((w) => [w, []]));
  for (const c of cycles) {
    if (!c.deployedAt || c.cycleMs === undefined) continue;
    byWeek.get(weekStart(Date.parse(c.deployedAt)))?.push(c.cycleMs);
  }
  const stats = weeks.map((w) => medianAndP90(byWeek.get(w)!));
  const hours = (v: number | null) => (v === null ? null : v / 3_600_000);
  return {
    xs: weeks.map((w) => w / 1000),
    deployments: weeks.map((w) => byWeek.get(w)!.length),
    cycleMedianH: stats.map(([m]) => hours(m)),
    cycleP90H: stats.map(([, p]) => hours(p)),
  };
}

/**
 * Per month of the period: the share of releases that reached production that month and were
 * rolled back (null for a month without one).
 *
 * @example monthlyRollbacks(report.cycles, since, until).share // [0.25, null, 0]
 */
export function monthlyRollbacks(
  cycles: CycleLike[],
  since: number,
  until: number,
): { xs: number[]; share: (number | null)[]; deployed: number[] } {
  const months = buckets(since, until, monthStart, nextMonth);
  const counts = new Map(months.map((m) => [m, { deployed: 0, rolledBack: 0 }]));
  for (const c of cycles) {
    if (!c.deployedAt) continue;
    const entry = counts.get(monthStart(Date.parse(c.deployedAt)));
    if (!entry) continue;
    entry.deployed++;
    if (c.rolledBack) entry.rolledBack++;
  }
  return {
    xs: months.map((m) => m / 1000),
    share: months.map((m) => {
      const e = counts.get(m)!;
      return e.deployed ? e.rolledBack / e.deployed : null;
    }),
    deployed: months.map((m) => counts.get(m)!.deployed),
  };
}

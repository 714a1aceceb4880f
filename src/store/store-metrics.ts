/**
 * DORA's four keys from the record, fast enough for a million deployments (docs/metrics.md).
 *
 * - `deployment_facts`: one row per deployment (recorded by gonogo, or imported from a tag),
 *   with what the aggregation needs as integers: epoch seconds, whether it counts (it reached
 *   the environment: succeeded or later rolled back) and failed (rolled back, or an incident
 *   linked to it), and its recovery time. The store refreshes a deployment's row whenever the
 *   deployment or one of its incidents changes, and the rows of earlier failed deployments
 *   whose recovery that change can end (the next good deployment ends it).
 * - `deployment_commits`: the commits a deployment shipped first in its environment, with their
 *   lead time (deployment time minus commit time) and its log-scale bucket.
 * - `metrics_rollup`: per UTC day and per UTC month (`grain`), counts and histograms (by bucket)
 *   of the above, rewritten for the days a change touches (their months move by the
 *   difference). A period adds whole months from the monthly rows, the whole days of its two
 *   partial edge months from the daily rows, and reads its two partial edge days raw (a year of history is ~12 monthly
 *   histograms, not ~365 daily ones); a percentile finds its bucket from the histogram, then
 *   reads the exact value inside that one bucket. So answers are exact, not estimates.
 */
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { MetricsFacts } from '../core/metrics-report.ts';
import { nearestRank } from '../core/metrics-report.ts';
import type { DeploymentCommit } from '../core/metrics-report.ts';
import { newRowId } from './row-id.ts';
import type { StoreTables } from './store-rows.ts';

export interface DeploymentFactRow {
  id: string;
  project: string;
  environment: string;
  version: string;
  commit_sha: string | null;
  deployed_at: string;
  deployed_s: number | string;
  counted: number;
  failed: number;
  recovery_s: number | string | null;
  recovery_bucket: number | null;
  imported: number;
  truncated: number;
}

export interface DeploymentCommitRow {
  deployment_id: string;
  project: string;
  environment: string;
  sha: string;
  committed_at: string;
  deployed_s: number | string;
  lead_s: number | string;
  lead_bucket: number;
}

export interface MetricsRollupRow {
  project: string;
  environment: string;
  /** 'day': the row sums one UTC day; 'month': the UTC month starting on `day`. */
  grain: RollupGrain;
  /** The first day (days since the epoch) of what the row sums. */
  day: number;
  kind: RollupKind;
  bucket: number;
  n: number | string;
}

export interface MetricsTables {
  deployment_facts: DeploymentFactRow;
  deployment_commits: DeploymentCommitRow;
  metrics_rollup: MetricsRollupRow;
}

type RollupGrain = 'day' | 'month';
type RollupKind = 'deployments' | 'failed' | 'imported' | 'truncated' | 'recovery' | 'lead';
type Db = Kysely<StoreTables & MetricsTables>;
/** The store's database as the metrics queries see it (its tables and these). */
export type MetricsDb = Db;

const daySeconds = 86_400;
/** Rows per INSERT: under SQLite's bound on parameters, with room. */
const batchRows = 500;

/**
 * The histogram bucket of a duration in seconds: 0 for none, then steps of 2.5 % (e^0.025), so
 * a year falls in bucket 691 and a bucket holds a small share of a large history. Monotonic,
 * which the exact percentile read needs.
 *
 * @example bucketOf(3600) // 328
 */
export function bucketOf(seconds: number): number {
  return seconds <= 0 ? 0 : Math.floor(Math.log(seconds) * 40) + 1;
}

/** The first day (days since the epoch) of the UTC month holding `day`. */
function monthStartOf(day: number): number {
  const d = new Date(day * daySeconds * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000 / daySeconds;
}

/** The first day of the UTC month after the one holding `day`. */
function nextMonthStartOf(day: number): number {
  const d = new Date(day * daySeconds * 1000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000 / daySeconds;
}

const toSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const num = (v: number | string | null | undefined) =>
  v === null || v === undefined ? 0 : Number(v);

/**
 * Rewrites the facts of a recorded deployment from the deployments and incidents tables, then
 * those of earlier failed deployments in its environment whose recovery it may end, and the
 * roll-up days they fall on. Called by the store with every change of a deployment or incident.
 *
 * @example await refreshDeploymentFacts(db, deployment.id)
 */
export async function refreshDeploymentFacts(db: Db, deploymentId: string): Promise<void> {
  const fact = await writeFact(db, deploymentId);
  if (!fact) return;
  const days = new Set([Math.floor(fact.deployedS / daySeconds)]);
  const earlier = await db
    .selectFrom('deployment_facts')
    .select(['id', 'deployed_s'])
    .where('project', '=', fact.project)
    .where('environment', '=', fact.environment)
    .where('failed', '=', 1)
    .where('imported', '=', 0)
    .where('deployed_s', '<', fact.deployedS)
    .where((eb) =>
      eb.or([
        eb('recovery_s', 'is', null),
        eb(sql<number>`deployed_s + recovery_s`, '>=', fact.deployedS),
      ]),
    )
    .execute();
  for (const e of earlier) {
    await writeFact(db, e.id);
    days.add(Math.floor(num(e.deployed_s) / daySeconds));
  }
  for (const day of days) await refreshRollup(db, fact.project, fact.environment, day, day + 1);
}

/** Rewrites one deployment's fact row; what it wrote, or undefined for no such deployment. */
async function writeFact(
  db: Db,
  id: string,
): Promise<{ project: string; environment: string; deployedS: number } | undefined> {
  const d = await db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!d) return undefined;
  const incidents = await db
    .selectFrom('incidents')
    .select('resolved_at')
    .where('deployment_id', '=', id)
    .execute();
  const deployedS = toSeconds(d.started_at);
  const counted = d.status !== 'failed';
  const failed = counted && (d.status === 'rolled-back' || incidents.length > 0);
  let recovery: number | null = null;
  if (failed) {
    const ends: number[] = [];
    if (incidents.every((i) => i.resolved_at))
      ends.push(Math.max(...incidents.map((i) => toSeconds(i.resolved_at!))));
    // The next good deployment in the environment: it succeeded and nothing was linked to it.
    const next = await db
      .selectFrom('deployments as n')
      .select('n.started_at')
      .where('n.project', '=', d.project)
      .where('n.environment', '=', d.environment)
      .where('n.started_at', '>', d.started_at)
      .where('n.status', '=', 'succeeded')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('incidents as i').select('i.id').whereRef('i.deployment_id', '=', 'n.id'),
          ),
        ),
      )
      .orderBy('n.started_at')
      .limit(1)
      .executeTakeFirst();
    if (next) ends.push(toSeconds(next.started_at));
    if (incidents.length === 0 && !next && d.status === 'rolled-back') {
      // A rollback recorded without an incident row (none in this store) ends nowhere yet.
    }
    if (ends.length) recovery = Math.max(0, Math.min(...ends) - deployedS);
  }
  const row = {
    project: d.project,
    environment: d.environment,
    version: d.version,
    commit_sha: d.commit_sha,
    deployed_at: d.started_at,
    deployed_s: deployedS,
    counted: counted ? 1 : 0,
    failed: failed ? 1 : 0,
    recovery_s: recovery,
    recovery_bucket: recovery === null ? null : bucketOf(recovery),
    imported: 0,
  };
  await db
    .insertInto('deployment_facts')
    .values({ id, ...row, truncated: 0 })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
  return { project: d.project, environment: d.environment, deployedS };
}

/**
 * Stores the commits a deployment shipped (as the CLI read them from git), each once per
 * environment: a commit an earlier deployment there shipped already keeps that deployment
 * (the first that contained it), and one a later deployment held moves to this one.
 *
 * @example await insertDeploymentCommits(db, deployment.id, commits, false)
 */
export async function insertDeploymentCommits(
  db: Db,
  deploymentId: string,
  commits: readonly DeploymentCommit[],
  truncated: boolean,
): Promise<number> {
  const fact = await db
    .selectFrom('deployment_facts')
    .select(['project', 'environment', 'deployed_s'])
    .where('id', '=', deploymentId)
    .executeTakeFirst();
  if (!fact) return 0;
  if (truncated)
    await db
      .updateTable('deployment_facts')
      .set({ truncated: 1 })
      .where('id', '=', deploymentId)
      .execute();
  const deployedS = num(fact.deployed_s);
  const days = new Set([Math.floor(deployedS / daySeconds)]);
  const unique = [...new Map(commits.map((c) => [c.sha, c])).values()];
  for (let i = 0; i < unique.length; i += batchRows) {
    const batch = unique.slice(i, i + batchRows);
    const moved = await db
      .selectFrom('deployment_commits')
      .select('deployed_s')
      .where('project', '=', fact.project)
      .where('environment', '=', fact.environment)
      .where(
        'sha',
        'in',
        batch.map((c) => c.sha),
      )
      .where('deployed_s', '>', deployedS)
      .execute();
    for (const m of moved) days.add(Math.floor(num(m.deployed_s) / daySeconds));
    await upsertCommits(
      db,
      batch.map((c) => {
        const lead = Math.max(0, deployedS - toSeconds(c.committedAt));
        return {
          deployment_id: deploymentId,
          project: fact.project,
          environment: fact.environment,
          sha: c.sha,
          committed_at: c.committedAt,
          deployed_s: deployedS,
          lead_s: lead,
          lead_bucket: bucketOf(lead),
        };
      }),
    );
  }
  for (const day of days) await refreshRollup(db, fact.project, fact.environment, day, day + 1);
  return unique.length;
}

async function upsertCommits(db: Db, rows: DeploymentCommitRow[]): Promise<void> {
  if (!rows.length) return;
  const values = sql.join(
    rows.map(
      (r) =>
        sql`(${r.deployment_id}, ${r.project}, ${r.environment}, ${r.sha}, ${r.committed_at}, ${r.deployed_s}, ${r.lead_s}, ${r.lead_bucket})`,
    ),
  );
  await sql`insert into deployment_commits
      (deployment_id, project, environment, sha, committed_at, deployed_s, lead_s, lead_bucket)
    values ${values}
    on conflict (project, environment, sha) do update set
      deployment_id = excluded.deployment_id, deployed_s = excluded.deployed_s,
      lead_s = excluded.lead_s, lead_bucket = excluded.lead_bucket
    where excluded.deployed_s < deployment_commits.deployed_s`.execute(db);
}

/** A deployment read from a git tag: what `gonogo import deployments --from-tags` records. */
export interface ImportedDeployment {
  version: string;
  commit: string;
  at: string;
  commits: readonly DeploymentCommit[];
  truncated?: boolean;
}

/**
 * Records deployments imported from tags as facts marked imported (they have no release and
 * no log: they are history gonogo did not see). A version the environment has already (a
 * recorded deployment, or an earlier import) is skipped. Counted as succeeded, never failed.
 *
 * @example await insertImportedDeployments(db, 'web', 'production', deployments)
 */
export async function insertImportedDeployments(
  db: Db,
  project: string,
  environment: string,
  deployments: readonly ImportedDeployment[],
): Promise<{ imported: number; skipped: number; commits: number }> {
  let imported = 0;
  let skipped = 0;
  let commits = 0;
  // Oldest first, so a commit is held by the first tag that contains it.
  const ordered = [...deployments].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  for (const d of ordered) {
    const known = await db
      .selectFrom('deployment_facts')
      .select('id')
      .where('project', '=', project)
      .where('environment', '=', environment)
      .where('version', '=', d.version)
      .executeTakeFirst();
    if (known) {
      skipped++;
      continue;
    }
    const id = `imported-${newRowId()}`;
    const at = new Date(d.at).toISOString();
    await db
      .insertInto('deployment_facts')
      .values({
        id,
        project,
        environment,
        version: d.version,
        commit_sha: d.commit,
        deployed_at: at,
        deployed_s: toSeconds(at),
        counted: 1,
        failed: 0,
        recovery_s: null,
        recovery_bucket: null,
        imported: 1,
        truncated: d.truncated ? 1 : 0,
      })
      .execute();
    commits += await insertDeploymentCommits(db, id, d.commits, d.truncated ?? false);
    imported++;
  }
  return { imported, skipped, commits };
}

/**
 * The roll-up rows of [fromDay, toDay) (UTC days), or of every day with `undefined`, for one
 * project and environment or all: deleted, then written again from the facts and commits. The
 * monthly rows move by the difference (a day range), or are summed again from the days (all).
 *
 * @example await refreshRollup(db, 'web', 'production', 20_500, 20_501)
 */
export async function refreshRollup(
  db: Db,
  project?: string,
  environment?: string,
  fromDay?: number,
  toDay?: number,
): Promise<void> {
  const where = scopeSql(project, environment, fromDay, toDay);
  const scope = scopeSql(project, environment, undefined, undefined);
  const days = fromDay === undefined ? sql`` : sql`and day >= ${fromDay} and day < ${toDay}`;
  // A few days: their months move by what the days held before and after (a handful of
  // rows), instead of being summed again from a month of daily rows on every write.
  const partial = fromDay !== undefined && toDay !== undefined;
  if (partial) await shiftMonths(db, scope, fromDay, toDay, -1);
  await sql`delete from metrics_rollup where grain = 'day' ${scope} ${days}`.execute(db);
  const day = sql.raw(`deployed_s / ${daySeconds}`);
  await sql`insert into metrics_rollup (project, environment, grain, day, kind, bucket, n)
    select project, environment, 'day', ${day}, 'deployments', 0, count(*) from deployment_facts
      where counted = 1 ${where} group by project, environment, ${day}
    union all
    select project, environment, 'day', ${day}, 'failed', 0, count(*) from deployment_facts
      where counted = 1 and failed = 1 ${where} group by project, environment, ${day}
    union all
    select project, environment, 'day', ${day}, 'imported', 0, count(*) from deployment_facts
      where counted = 1 and imported = 1 ${where} group by project, environment, ${day}
    union all
    select project, environment, 'day', ${day}, 'truncated', 0, count(*) from deployment_facts
      where counted = 1 and truncated = 1 ${where} group by project, environment, ${day}
    union all
    select project, environment, 'day', ${day}, 'recovery', recovery_bucket, count(*) from deployment_facts
      where counted = 1 and failed = 1 and recovery_s is not null ${where}
      group by project, environment, ${day}, recovery_bucket
    union all
    select project, environment, 'day', ${day}, 'lead', lead_bucket, count(*) from deployment_commits
      where 1 = 1 ${where} group by project, environment, ${day}, lead_bucket`.execute(db);
  if (partial) {
    await shiftMonths(db, scope, fromDay, toDay, 1);
    await sql`delete from metrics_rollup where grain = 'month' ${scope}
      and day >= ${monthStartOf(fromDay)} and day < ${toDay} and n = 0`.execute(db);
    return;
  }
  // Everything in scope: every month summed again from its days.
  await sql`delete from metrics_rollup where grain = 'month' ${scope}`.execute(db);
  const span = await sql<{ lo: number | string | null; hi: number | string | null }>`
    select min(day) as lo, max(day) as hi from metrics_rollup where grain = 'day' ${scope}`.execute(
    db,
  );
  const lo = span.rows[0]?.lo;
  const hi = span.rows[0]?.hi;
  if (lo === null || lo === undefined || hi === null || hi === undefined) return;
  for (let month = monthStartOf(num(lo)); month <= num(hi); month = nextMonthStartOf(month))
    await addDaysToMonth(db, scope, month, month, nextMonthStartOf(month), 1);
}

/** Adds `sign` times the daily rows of [fromDay, toDay) to the monthly rows of their months. */
async function shiftMonths(
  db: Db,
  scope: RawBuilder<unknown>,
  fromDay: number,
  toDay: number,
  sign: 1 | -1,
): Promise<void> {
  for (let month = monthStartOf(fromDay); month < toDay; month = nextMonthStartOf(month))
    await addDaysToMonth(
      db,
      scope,
      month,
      Math.max(fromDay, month),
      Math.min(toDay, nextMonthStartOf(month)),
      sign,
    );
}

async function addDaysToMonth(
  db: Db,
  scope: RawBuilder<unknown>,
  month: number,
  fromDay: number,
  toDay: number,
  sign: 1 | -1,
): Promise<void> {
  await sql`insert into metrics_rollup (project, environment, grain, day, kind, bucket, n)
    select project, environment, 'month', ${sql.lit(month)}, kind, bucket, ${sql.lit(sign)} * sum(n)
      from metrics_rollup
      where grain = 'day' ${scope} and day >= ${fromDay} and day < ${toDay}
      group by project, environment, kind, bucket
    on conflict (project, environment, grain, day, kind, bucket)
      do update set n = metrics_rollup.n + excluded.n`.execute(db);
}

function scopeSql(
  project: string | undefined,
  environment: string | undefined,
  fromDay: number | undefined,
  toDay: number | undefined,
): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (project !== undefined) parts.push(sql`and project = ${project}`);
  if (environment !== undefined) parts.push(sql`and environment = ${environment}`);
  if (fromDay !== undefined && toDay !== undefined)
    parts.push(
      sql`and deployed_s >= ${fromDay * daySeconds} and deployed_s < ${toDay * daySeconds}`,
    );
  return parts.length ? sql.join(parts, sql` `) : sql``;
}

/**
 * Every deployment's facts and the whole roll-up, from the deployments and incidents tables
 * (migration 0013 for deployments recorded before it). Imported facts and commits stay.
 */
export async function rebuildDeploymentFacts(db: Db): Promise<void> {
  const ids = await db.selectFrom('deployments').select('id').execute();
  for (const { id } of ids) await writeFact(db, id);
  await refreshRollup(db);
}

type Histograms = Map<RollupKind, Map<number, number>>;

/**
 * The facts of one period [since, until) (epoch seconds) for one project and environment:
 * counts, the exact percentiles, and how many of the `weeks` (bounds in epoch seconds, each
 * pair one week) hold a counted deployment within the period.
 *
 * @example await readMetricsFacts(db, { project: 'web', environment: 'production', since, until, weeks })
 */
export async function readMetricsFacts(
  db: Db,
  q: { project: string; environment: string; since: number; until: number; weeks: number[] },
): Promise<MetricsFacts> {
  const hist: Histograms = new Map();
  const add = (kind: RollupKind, bucket: number, n: number) => {
    const m = hist.get(kind) ?? new Map<number, number>();
    m.set(bucket, (m.get(bucket) ?? 0) + n);
    hist.set(kind, m);
  };
  const firstDay = Math.ceil(q.since / daySeconds);
  const lastDay = Math.floor(q.until / daySeconds);
  const raw: [number, number][] = [];
  if (firstDay < lastDay) {
    // Whole months from the monthly rows, the other whole days from the daily rows.
    const firstMonth = monthStartOf(firstDay) === firstDay ? firstDay : nextMonthStartOf(firstDay);
    const lastMonth = monthStartOf(lastDay);
    const ranges: [RollupGrain, number, number][] =
      firstMonth < lastMonth
        ? [
            ['day', firstDay, firstMonth],
            ['month', firstMonth, lastMonth],
            ['day', lastMonth, lastDay],
          ]
        : [['day', firstDay, lastDay]];
    for (const [grain, from, to] of ranges) {
      if (from >= to) continue;
      const rows = await db
        .selectFrom('metrics_rollup')
        .select(['kind', 'bucket', (eb) => eb.fn.sum<number | string>('n').as('n')])
        .where('project', '=', q.project)
        .where('environment', '=', q.environment)
        .where('grain', '=', grain)
        .where('day', '>=', from)
        .where('day', '<', to)
        .groupBy(['kind', 'bucket'])
        .execute();
      for (const r of rows) add(r.kind, r.bucket, num(r.n));
    }
    raw.push([q.since, firstDay * daySeconds], [lastDay * daySeconds, q.until]);
  } else raw.push([q.since, q.until]);
  for (const [from, to] of raw) {
    if (from >= to) continue;
    for (const r of await readRawHistogram(db, q.project, q.environment, from, to))
      add(r.kind, r.bucket, num(r.n));
  }
  const total = (kind: RollupKind) =>
    [...(hist.get(kind)?.values() ?? [])].reduce((a, b) => a + b, 0);
  const scope = { ...q };
  const lead = (p: number) => percentile(db, hist.get('lead'), p, scope, 'lead');
  const commits = total('lead');
  const recovered = total('recovery');
  const weeksWithDeployments = await countWeeksWithDeployments(db, q);
  return {
    deployments: total('deployments'),
    imported: total('imported'),
    failed: total('failed'),
    truncated: total('truncated'),
    commits,
    leadMedian: commits ? await lead(0.5) : null,
    leadP90: commits ? await lead(0.9) : null,
    recovered,
    recoveryMedian: recovered
      ? await percentile(db, hist.get('recovery'), 0.5, scope, 'recovery')
      : null,
    weeksWithDeployments,
  };
}

/** How many of the weeks hold a counted deployment within the period: one query for all. */
async function countWeeksWithDeployments(
  db: Db,
  q: { project: string; environment: string; since: number; until: number; weeks: number[] },
): Promise<number> {
  const bounds: RawBuilder<unknown>[] = [];
  for (let i = 0; i + 1 < q.weeks.length; i++) {
    const from = Math.max(q.weeks[i]!, q.since);
    const to = Math.min(q.weeks[i + 1]!, q.until);
    // Integers the caller computed, written as literals: no bound on parameters, no casts.
    if (from < to) bounds.push(sql`(${sql.lit(from)}, ${sql.lit(to)})`);
  }
  if (!bounds.length) return 0;
  const { rows } = await sql<{ n: number | string }>`with w (week_from, week_to) as
      (values ${sql.join(bounds)})
    select count(*) as n from w where exists (select 1 from deployment_facts f
      where f.project = ${q.project} and f.environment = ${q.environment} and f.counted = 1
        and f.deployed_s >= w.week_from and f.deployed_s < w.week_to)`.execute(db);
  return num(rows[0]?.n);
}

async function readRawHistogram(
  db: Db,
  project: string,
  environment: string,
  from: number,
  to: number,
): Promise<{ kind: RollupKind; bucket: number; n: number | string }[]> {
  // Three plain queries, each on its index (one UNION of them is planned badly by PostgreSQL).
  const scope = <T extends 'deployment_facts' | 'deployment_commits'>(table: T) =>
    db
      .selectFrom(table as 'deployment_facts')
      .where('project', '=', project)
      .where('environment', '=', environment)
      .where('deployed_s', '>=', from)
      .where('deployed_s', '<', to);
  const flag = (column: 'failed' | 'imported' | 'truncated') =>
    sql<number | string>`sum(case when ${sql.ref(column)} = 1 then 1 else 0 end)`;
  const counts = await scope('deployment_facts')
    .where('counted', '=', 1)
    .select((eb) => [
      eb.fn.countAll<number | string>().as('deployments'),
      flag('failed').as('failed'),
      flag('imported').as('imported'),
      flag('truncated').as('truncated'),
    ])
    .executeTakeFirst();
  const recovery = await scope('deployment_facts')
    .where('counted', '=', 1)
    .where('failed', '=', 1)
    .where('recovery_s', 'is not', null)
    .select((eb) => ['recovery_bucket as bucket', eb.fn.countAll<number | string>().as('n')])
    .groupBy('recovery_bucket')
    .execute();
  const lead = await db
    .selectFrom('deployment_commits')
    .where('project', '=', project)
    .where('environment', '=', environment)
    .where('deployed_s', '>=', from)
    .where('deployed_s', '<', to)
    .select((eb) => ['lead_bucket as bucket', eb.fn.countAll<number | string>().as('n')])
    .groupBy('lead_bucket')
    .execute();
  return [
    ...(['deployments', 'failed', 'imported', 'truncated'] as const).map((kind) => ({
      kind,
      bucket: 0,
      n: counts?.[kind] ?? 0,
    })),
    ...recovery.map((r) => ({ kind: 'recovery' as const, bucket: r.bucket ?? 0, n: r.n })),
    ...lead.map((r) => ({ kind: 'lead' as const, bucket: r.bucket, n: r.n })),
  ];
}

/**
 * The exact nearest-rank percentile: the histogram names the bucket holding rank k, one
 * ordered read inside that bucket (and the period) gives the value.
 */
async function percentile(
  db: Db,
  histogram: Map<number, number> | undefined,
  p: number,
  q: { project: string; environment: string; since: number; until: number },
  kind: 'lead' | 'recovery',
): Promise<number | null> {
  if (!histogram) return null;
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (!total) return null;
  const k = nearestRank(total, p);
  let before = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    const n = histogram.get(bucket)!;
    if (before + n < k) {
      before += n;
      continue;
    }
    const offset = k - before - 1;
    // `+deployed_s`: the period filters the bucket's index entries but does not bound the
    // index search, which keeps SQLite on the ordered walk of the bucket (a range on it makes
    // SQLite skip-scan the index and sort the whole bucket).
    const inPeriod = sql<number>`+deployed_s`;
    const row =
      kind === 'lead'
        ? await db
            .selectFrom('deployment_commits')
            .select('lead_s as v')
            .where('project', '=', q.project)
            .where('environment', '=', q.environment)
            .where('lead_bucket', '=', bucket)
            .where(inPeriod, '>=', q.since)
            .where(inPeriod, '<', q.until)
            .orderBy('lead_s')
            .limit(1)
            .offset(offset)
            .executeTakeFirst()
        : await db
            .selectFrom('deployment_facts')
            .select('recovery_s as v')
            .where('project', '=', q.project)
            .where('environment', '=', q.environment)
            // Only a counted, failed deployment has a recovery time (writeFact), so the read
            // stays inside its covering index, without visiting the rows.
            .where('recovery_bucket', '=', bucket)
            .where(inPeriod, '>=', q.since)
            .where(inPeriod, '<', q.until)
            .orderBy('recovery_s')
            .limit(1)
            .offset(offset)
            .executeTakeFirst();
    return row ? num(row.v) : null;
  }
  return null;
}

/** Moves a project's facts, commits and roll-up with it (`renameProject`). */
export async function renameMetricsProject(db: Db, from: string, to: string): Promise<void> {
  for (const table of ['deployment_facts', 'deployment_commits', 'metrics_rollup'] as const)
    await db.updateTable(table).set({ project: to }).where('project', '=', from).execute();
}

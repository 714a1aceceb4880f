/**
 * The metrics part of `npm run bench`: DORA's four keys over 1,000,000 deployments (3,000,000
 * commits, about 9 % of the deployments failed with an incident or a rollback) on SQLite and on
 * PostgreSQL, through the store (facts, daily and monthly roll-up, exact percentiles:
 * store-metrics.ts)
 * against a hand-written SQL query over the raw tables that computes the same numbers, in the
 * same run. The two answers must be equal, or the part fails. Aim: under 300 ms, and within
 * 1.5x of the hand-written query. Rewrites only its own section of bench/RESULTS.md.
 *
 * The history is made in the database by one INSERT … SELECT per table from a number series
 * (the same integer formulas on both dialects), the facts by one bulk statement that applies
 * the definitions of docs/metrics.md, and the roll-up by the store's own refresh.
 *
 * Run alone: `node bench/bench-metrics.ts [deployments]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { nearestRank } from '../src/core/metrics-report.ts';
import type { MetricsFacts } from '../src/core/metrics-report.ts';
import { weekBounds } from '../src/core/metrics-time.ts';
import { openStore } from '../src/store/open-store.ts';
import { bucketOf, readMetricsFacts, refreshRollup } from '../src/store/store-metrics.ts';
import type { MetricsDb } from '../src/store/store-metrics.ts';
import { createTestDatabase } from '../src/store/store-pg.fixture.ts';
import { writeResultsSection } from './bench-report.ts';

const heading = '## DORA metrics over 1,000,000 deployments';
/** 2023-01-02 00:00 UTC, a Monday: the first deployment. */
const t0 = 1_672_617_600;
const step = 90;

type Dialect = 'sqlite' | 'postgres';

export interface MetricsBenchRun {
  dialect: Dialect;
  deployments: number;
  commits: number;
  loadMs: number;
  /** Median of the timed runs, ms. */
  storeMs: number;
  handMs: number;
  facts: MetricsFacts;
  equal: boolean;
}

function seriesSql(dialect: Dialect, n: number) {
  return dialect === 'sqlite'
    ? sql`with recursive s(i) as (select 0 union all select i + 1 from s where i < ${n - 1}) select i from s`
    : sql`select i::bigint as i from generate_series(0, ${n - 1}) as g(i)`;
}

function isoSql(dialect: Dialect, seconds: string) {
  return dialect === 'sqlite'
    ? sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`)
    : sql.raw(
        `to_char(to_timestamp(${seconds}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      );
}

/** The history: deployments every 90 s (with jitter), incidents, three commits each. */
export async function loadHistory(db: Kysely<unknown>, dialect: Dialect, n: number): Promise<void> {
  const started = `(${t0} + i * ${step} + (i * 7919) % 60)`;
  const iso = (s: string) => isoSql(dialect, s);
  const ln = 'ln';
  await sql`insert into playbooks (hash, name, body, created_at) values ('bench', 'bench', '{}', '2023-01-01T00:00:00.000Z')`.execute(
    db,
  );
  await sql`insert into releases (id, project, version, playbook_hash, state, created_at, created_by, updated_at, row_version)
    values ('bench', 'bench', '1.0.0', 'bench', 'finished', '2023-01-01T00:00:00.000Z', 'bench', '2023-01-01T00:00:00.000Z', 1)`.execute(
    db,
  );
  // Every 50th failed outright; every 20th rolled back; every 25th (else) an incident.
  await sql`insert into deployments (id, project, release_id, version, commit_sha, environment, status, started_at, finished_at, actor)
    select 'd' || i, 'bench', 'bench', 'v' || i, null, 'production',
      case when i % 50 = 7 then 'failed' when i % 20 = 3 then 'rolled-back' else 'succeeded' end,
      ${iso(started)}, ${iso(started)}, 'bench'
    from (${seriesSql(dialect, n)}) s`.execute(db);
  await sql`insert into incidents (id, deployment_id, kind, reason, opened_at, resolved_at, actor)
    select 'i' || i, 'd' || i, case when i % 20 = 3 then 'rollback' else 'incident' end, 'bench',
      ${iso(`${started} + 30`)}, ${iso(`${started} + 60 + (i * 31) % 7200`)}, 'bench'
    from (${seriesSql(dialect, n)}) s
    where i % 50 <> 7 and (i % 20 = 3 or i % 25 = 11)`.execute(db);
  // Three commits per counted deployment, 1 s to a week old.
  const lead = `(1 + ((i * 3 + k) * 104729) % 604800)`;
  await sql`insert into deployment_commits (deployment_id, project, environment, sha, committed_at, deployed_s, lead_s, lead_bucket)
    select 'd' || i, 'bench', 'production', 'c' || (i * 3 + k), ${iso(`${started} - ${lead}`)}, ${sql.raw(started)}, ${sql.raw(lead)},
      floor(${sql.raw(ln)}(${sql.raw(lead)}) * 40) + 1
    from (${seriesSql(dialect, n)}) s, (select 0 as k union all select 1 union all select 2) ks
    where i % 50 <> 7`.execute(db);
  // The facts, by the definitions (docs/metrics.md): recovery ends at the incident's
  // resolution, or at the next good deployment when that comes first.
  const deployed =
    dialect === 'sqlite'
      ? sql.raw('unixepoch(d.started_at)')
      : sql.raw('extract(epoch from d.started_at::timestamptz)::bigint');
  const epoch = (col: string) =>
    dialect === 'sqlite'
      ? sql.raw(`unixepoch(${col})`)
      : sql.raw(`extract(epoch from ${col}::timestamptz)::bigint`);
  await sql`insert into deployment_facts (id, project, environment, version, commit_sha, deployed_at, deployed_s, counted, failed, recovery_s, recovery_bucket, imported, truncated)
    select d.id, d.project, d.environment, d.version, null, d.started_at, ${deployed},
      case when d.status = 'failed' then 0 else 1 end,
      case when d.status <> 'failed' and (d.status = 'rolled-back' or i.id is not null) then 1 else 0 end,
      case when d.status <> 'failed' and (d.status = 'rolled-back' or i.id is not null) then ${epoch('i.resolved_at')} - ${deployed} end,
      null, 0, 0
    from deployments d left join incidents i on i.deployment_id = d.id`.execute(db);
  // The next good deployment ends a recovery earlier than its incident's resolution.
  await sql`update deployment_facts set recovery_s = coalesce((
      select n.deployed_s from deployment_facts n
      where n.project = deployment_facts.project and n.environment = deployment_facts.environment
        and n.counted = 1 and n.failed = 0 and n.deployed_s > deployment_facts.deployed_s
      order by n.deployed_s limit 1) - deployed_s, recovery_s)
    where failed = 1`.execute(db);
  await sql`update deployment_facts set recovery_s = case
      when recovery_s > ${epoch('(select i.resolved_at from incidents i where i.deployment_id = deployment_facts.id)')} - deployed_s
      then ${epoch('(select i.resolved_at from incidents i where i.deployment_id = deployment_facts.id)')} - deployed_s
      else recovery_s end
    where failed = 1`.execute(db);
  await sql`update deployment_facts set recovery_bucket = case when recovery_s <= 0 then 0 else floor(${sql.raw(ln)}(recovery_s) * 40) + 1 end
    where recovery_s is not null`.execute(db);
  await refreshRollup(db as unknown as MetricsDb);
  // PostgreSQL: what autovacuum does to freshly inserted tables in a running database (the
  // visibility map lets index-only scans skip the rows); timed as part of the load.
  await sql.raw(dialect === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);
}

/**
 * The same numbers by hand over the raw tables (deployments, incidents, commits): counts by a
 * join, percentiles by sorting, recovery from the incident's resolution or the next good
 * deployment.
 */
async function computeByHand(
  db: Kysely<unknown>,
  dialect: Dialect,
  since: number,
  until: number,
  weeks: number[],
): Promise<MetricsFacts> {
  const epoch = (col: string) =>
    dialect === 'sqlite'
      ? sql.raw(`unixepoch(${col})`)
      : sql.raw(`extract(epoch from ${col}::timestamptz)::bigint`);
  const range = sql`d.project = 'bench' and d.environment = 'production' and d.status <> 'failed'
    and d.started_at >= ${new Date(since * 1000).toISOString()} and d.started_at < ${new Date(until * 1000).toISOString()}`;
  const counts = (
    await sql<{ deployments: number; failed: number }>`
    select count(*) as deployments,
      sum(case when d.status = 'rolled-back' or exists (select 1 from incidents i where i.deployment_id = d.id) then 1 else 0 end) as failed
    from deployments d where ${range}`.execute(db)
  ).rows[0]!;
  const commits = Number(
    (
      await sql<{
        n: number;
      }>`select count(*) as n from deployment_commits c join deployments d on d.id = c.deployment_id where ${range}`.execute(
        db,
      )
    ).rows[0]!.n,
  );
  const leadAt = async (p: number) =>
    Number(
      (
        await sql<{ v: number }>`select ${epoch('d.started_at')} - ${epoch('c.committed_at')} as v
          from deployment_commits c join deployments d on d.id = c.deployment_id where ${range}
          order by v limit 1 offset ${nearestRank(commits, p) - 1}`.execute(db)
      ).rows[0]!.v,
    );
  // The next good deployment: the first later one that succeeded with nothing linked to it.
  const recoveries = (
    await sql<{ v: number }>`
    select min_end - ${epoch('started_at')} as v from (
      select d.started_at, (
        select min(e) from (
          select ${epoch('i.resolved_at')} as e from incidents i where i.deployment_id = d.id
          union all
          select ${epoch('g.started_at')} from (
            select m.started_at from deployments m
            where m.project = d.project and m.environment = d.environment and m.status = 'succeeded'
              and m.started_at > d.started_at
              and not exists (select 1 from incidents k where k.deployment_id = m.id)
            order by m.started_at limit 1
          ) g
        ) ends
      ) as min_end
      from deployments d
      where ${range} and (d.status = 'rolled-back' or exists (select 1 from incidents i where i.deployment_id = d.id))
    ) x where min_end is not null order by v`.execute(db)
  ).rows.map((r) => Number(r.v));
  let weeksWith = 0;
  for (let i = 0; i + 1 < weeks.length; i++) {
    const from = new Date(Math.max(weeks[i]!, since) * 1000).toISOString();
    const to = new Date(Math.min(weeks[i + 1]!, until) * 1000).toISOString();
    const hit =
      await sql`select 1 from deployments d where d.project = 'bench' and d.environment = 'production'
      and d.status <> 'failed' and d.started_at >= ${from} and d.started_at < ${to} limit 1`.execute(
        db,
      );
    if (hit.rows.length) weeksWith++;
  }
  return {
    deployments: Number(counts.deployments),
    imported: 0,
    failed: Number(counts.failed ?? 0),
    truncated: 0,
    commits,
    leadMedian: commits ? await leadAt(0.5) : null,
    leadP90: commits ? await leadAt(0.9) : null,
    recovered: recoveries.length,
    recoveryMedian: recoveries.length ? recoveries[nearestRank(recoveries.length, 0.5) - 1]! : null,
    weeksWithDeployments: weeksWith,
  };
}

async function timeIt<T>(fn: () => Promise<T>, runs: number): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    value = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, value: value! };
}

async function benchOne(dialect: Dialect, url: string, n: number): Promise<MetricsBenchRun> {
  const store = await openStore(url);
  // The store's own connection, as the metrics queries see it.
  const db = (store as unknown as { db: Kysely<unknown> }).db;
  const loadStart = performance.now();
  await loadHistory(db, dialect, n);
  const loadMs = performance.now() - loadStart;
  const since = t0;
  const until = t0 + n * step + 60;
  const weeks = weekBounds(since * 1000, until * 1000, 'UTC').map((w) => w / 1000);
  const q = { project: 'bench', environment: 'production', since, until, weeks };
  const viaStore = await timeIt(() => readMetricsFacts(db as unknown as MetricsDb, q), 5);
  const byHand = await timeIt(() => computeByHand(db, dialect, since, until, weeks), 1);
  await store.close();
  return {
    dialect,
    deployments: n,
    commits: viaStore.value.commits,
    loadMs,
    storeMs: viaStore.ms,
    handMs: byHand.ms,
    facts: viaStore.value,
    equal: JSON.stringify(viaStore.value) === JSON.stringify(byHand.value),
    ...(JSON.stringify(viaStore.value) === JSON.stringify(byHand.value)
      ? {}
      : { hand: byHand.value }),
  };
}

/**
 * Runs the part on SQLite (a temp file) and PostgreSQL (a database of its own, when a server
 * answers); throws when the store and the hand-written query disagree.
 *
 * @example const runs = await runMetricsBench(1_000_000);
 */
export async function runMetricsBench(n = 1_000_000): Promise<MetricsBenchRun[]> {
  if (bucketOf(3600) !== Math.floor(Math.log(3600) * 40) + 1) throw new Error('bucket formula');
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-metrics-'));
  const out: MetricsBenchRun[] = [];
  try {
    out.push(await benchOne('sqlite', join(dir, 'metrics.db'), n));
    const pg = await createTestDatabase().catch(() => undefined);
    if (pg) {
      try {
        out.push(await benchOne('postgres', pg.url, n));
      } finally {
        await pg.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const wrong = out.filter((r) => !r.equal);
  if (wrong.length)
    throw new Error(
      `metrics: the store and the hand-written query disagree on ${wrong.map((r) => `${r.dialect}: ${JSON.stringify(r)}`).join('; ')}`,
    );
  return out;
}

/** The section of RESULTS.md. */
export function renderMetricsSection(runs: MetricsBenchRun[], date: string): string[] {
  const lines = [
    heading,
    '',
    `Run of ${date}: \`npm run bench\` (part \`metrics\`; alone: \`node bench/bench-metrics.ts\`). The whole`,
    'history as one period (UTC), the store (facts + daily and monthly roll-up + exact percentiles, `src/store/store-metrics.ts`)',
    'against a hand-written SQL query over the raw tables (deployments, incidents, commits) that computes the',
    'same numbers; both answers are compared and the part fails when they differ. Store: median of 5 runs;',
    'hand-written: 1 run. Aim: under 300 ms and within 1.5x of the hand-written query.',
    '',
    '| database | deployments | commits | load | store | hand-written SQL | store / hand | aim met | same answer |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const r of runs)
    lines.push(
      `| ${r.dialect === 'sqlite' ? 'SQLite (node:sqlite)' : 'PostgreSQL'} | ${r.deployments.toLocaleString('en')} | ${r.commits.toLocaleString('en')} | ${(r.loadMs / 1000).toFixed(1)} s | ${r.storeMs.toFixed(0)} ms | ${r.handMs.toFixed(0)} ms | ${(r.storeMs / r.handMs).toFixed(3)} | ${r.storeMs < 300 && r.storeMs <= 1.5 * r.handMs ? 'yes' : 'NO'} | ${r.equal ? 'yes' : 'NO'} |`,
    );
  const f = runs[0]?.facts;
  if (f)
    lines.push(
      '',
      `The answer (SQLite): ${f.deployments.toLocaleString('en')} deployments, ${f.failed.toLocaleString('en')} failed, lead time median ${f.leadMedian} s / p90 ${f.leadP90} s over ${f.commits.toLocaleString('en')} commits, recovery median ${f.recoveryMedian} s over ${f.recovered.toLocaleString('en')} recoveries, ${f.weeksWithDeployments} weeks with deployments.`,
    );
  return lines;
}

/** Rewrites only the metrics section of RESULTS.md (adds it before the analysis when new). */
export function writeMetricsSection(path: string, lines: string[]): void {
  writeResultsSection(path, heading, lines);
}

if (import.meta.main) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const runs = await runMetricsBench(n);
  for (const r of runs)
    console.log(
      `metrics ${r.dialect}: ${r.deployments} deployments, store ${r.storeMs.toFixed(0)} ms, hand ${r.handMs.toFixed(0)} ms, load ${(r.loadMs / 1000).toFixed(1)} s, same answer: ${r.equal}`,
    );
  if (n === 1_000_000)
    writeMetricsSection(
      resolve(import.meta.dirname, 'RESULTS.md'),
      renderMetricsSection(runs, new Date().toISOString()),
    );
}

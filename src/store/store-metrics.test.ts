import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestRank } from '../core/metrics-report.ts';
import type { MetricsFacts } from '../core/metrics-report.ts';
import { openTestStore } from './store-dialect.fixture.ts';
import type { ImportedDeployment } from './store-metrics.ts';
import { checkPgAvailable } from './store-pg.fixture.ts';
import type { Store } from './store.ts';

const pgAvailable = await checkPgAvailable('store-metrics.test.ts');

const day = 86_400;
/** 2025-11-03 00:00 UTC, a Monday. */
const t0 = 1_762_128_000;

/**
 * Tags over about five months, deterministic but uneven: several a day on some days, none on
 * others, commits from seconds to weeks old, some of them shared by two tags.
 */
function makeHistory(count: number, offset: number): ImportedDeployment[] {
  const out: ImportedDeployment[] = [];
  for (let i = 0; i < count; i++) {
    const at = t0 + ((i * 1_234_567 + offset) % (150 * day));
    const commits = Array.from({ length: 1 + (i % 3) }, (_, k) => {
      const lead = 1 + ((i * 31 + k * 104_729) % (20 * day));
      // Every 7th tag repeats a commit of another tag: it counts with the earliest one.
      const sha = k === 2 && i % 7 === 0 ? `c${(i + 11) % count}-0` : `c${i}-${k}`;
      return { sha, committedAt: new Date((at - lead) * 1000).toISOString() };
    });
    out.push({ version: `v${i}`, commit: `t${i}`, at: new Date(at * 1000).toISOString(), commits });
  }
  return out;
}

/** What the definitions give, from the imported history itself. */
function expectedFacts(
  history: ImportedDeployment[],
  q: { since: number; until: number; weeks: number[] },
): MetricsFacts {
  const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  const firstHolder = new Map<string, { deployedS: number; committedS: number }>();
  for (const d of [...history].sort((a, b) => sec(a.at) - sec(b.at)))
    for (const c of d.commits)
      if (!firstHolder.has(c.sha))
        firstHolder.set(c.sha, { deployedS: sec(d.at), committedS: sec(c.committedAt) });
  const inPeriod = (s: number) => s >= q.since && s < q.until;
  const deployed = history.map((d) => sec(d.at)).filter(inPeriod);
  const leads = [...firstHolder.values()]
    .filter((c) => inPeriod(c.deployedS))
    .map((c) => Math.max(0, c.deployedS - c.committedS))
    .sort((a, b) => a - b);
  const at = (p: number) => (leads.length ? leads[nearestRank(leads.length, p) - 1]! : null);
  let weeks = 0;
  for (let i = 0; i + 1 < q.weeks.length; i++) {
    const from = Math.max(q.weeks[i]!, q.since);
    const to = Math.min(q.weeks[i + 1]!, q.until);
    if (deployed.some((s) => s >= from && s < to)) weeks++;
  }
  return {
    deployments: deployed.length,
    imported: deployed.length,
    failed: 0,
    truncated: 0,
    commits: leads.length,
    leadMedian: at(0.5),
    leadP90: at(0.9),
    recovered: 0,
    recoveryMedian: null,
    weeksWithDeployments: weeks,
  };
}

/** Periods that start and end inside days, on day and month bounds, within one month, across all. */
const periods: [number, number][] = [
  [t0, t0 + 160 * day],
  [t0 + 12_345, t0 + 140 * day + 777],
  [Date.UTC(2025, 11, 1) / 1000, Date.UTC(2026, 2, 1) / 1000],
  [Date.UTC(2025, 11, 1) / 1000 - 1, Date.UTC(2026, 2, 1) / 1000 + 1],
  [Date.UTC(2025, 11, 15) / 1000 + 100, Date.UTC(2026, 0, 20) / 1000],
  [Date.UTC(2026, 0, 3) / 1000 + 5_000, Date.UTC(2026, 0, 29) / 1000 + 9_000],
  [t0 + 3 * day + 10, t0 + 3 * day + 50_000],
];

function weeksOf(since: number, until: number): number[] {
  const first = t0 + Math.floor((since - t0) / (7 * day)) * 7 * day;
  const out: number[] = [];
  for (let w = first; w < until + 7 * day; w += 7 * day) out.push(w);
  return out;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgAvailable)(`metrics store on ${dialect}`, () => {
    let store: Store;
    let dispose: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, dispose } = await openTestStore(dialect, 'metrics'));
    });
    afterAll(() => dispose?.());

    it('answers exactly from daily and monthly roll-ups, also after later imports move commits', async () => {
      const history = makeHistory(240, 0);
      // Half the tags, then the others (mixed in time): a tag older than the one holding a
      // shared commit takes it over, and the days and months of both are refreshed.
      const later = history.slice(120);
      const earlier = history.slice(0, 120);
      await store.transaction((tx) => tx.insertImportedDeployments('web', 'production', later));
      const check = async (imported: ImportedDeployment[]) => {
        for (const [since, until] of periods) {
          const weeks = weeksOf(since, until);
          const got = await store.readMetricsFacts({
            project: 'web',
            environment: 'production',
            since,
            until,
            weeks,
          });
          expect(got, `${since}..${until}`).toStrictEqual(
            expectedFacts(imported, { since, until, weeks }),
          );
        }
      };
      await check(later);
      await store.transaction((tx) => tx.insertImportedDeployments('web', 'production', earlier));
      await check(history);
      // Another environment stays apart.
      await store.transaction((tx) =>
        tx.insertImportedDeployments('web', 'staging', makeHistory(30, 999)),
      );
      await check(history);
    });
  });
}

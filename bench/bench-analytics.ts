/**
 * The process analytics over many releases: N releases (1,000 unless BENCH_RELEASES says) of
 * the largest seed checklist (002) made through the in-process service on SQLite (items ticked
 * or waived by phase, gates signed, production deployed, every tenth rolled back), then
 * `analytics()` timed in one warm process, against the baseline of reading every release's
 * whole log (`listEvents` per release) that the bounded store read replaces.
 *
 *   node bench/bench-analytics.ts            # 1,000 releases; BENCH_RELEASES=200 for fewer
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { importChecklist } from '../src/core/playbook-import.ts';
import { loadPlaybook } from '../src/core/playbook-yaml.ts';
import { computeProcessAnalytics } from '../src/core/release-analytics.ts';
import { createReleaseService } from '../src/service/create-service.ts';
import { openStore } from '../src/store/open-store.ts';
import { findSeeds, pickLargestSeed } from './bench-setup.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const seeds = findSeeds(repoRoot);
if (!seeds) throw new Error('bench-analytics needs ../shared/seeds beside the repository');
const seed = pickLargestSeed(seeds);
const count = Number(process.env.BENCH_RELEASES ?? 1000);
const { yaml } = importChecklist(readFileSync(seed.path, 'utf8'), seed.name);
const { playbook } = loadPlaybook(yaml, 'gonogo.yaml');
const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-analytics-'));
const store = await openStore(join(dir, 'bench.db'));
let clock = Date.parse('2026-01-05T09:00:00Z');
const svc = createReleaseService({
  store,
  actor: 'rm@example.com',
  project: 'bench/app',
  now: () => new Date(clock),
});
const production = playbook.environments.at(-1)!;
const phases = playbook.phases.map((p) => p.id);
const gates = playbook.phases.filter((p) => p.gate).map((p) => ({ id: p.id, roles: p.gate! }));

const made = performance.now();
let deployed = 0;
for (let i = 0; i < count; i++) {
  // One release every 4 hours on weekdays, 9:00 to 17:00 UTC.
  clock = Date.parse('2026-01-05T09:00:00Z') + i * 4 * 3_600_000;
  await svc.startRelease({ playbook, version: `1.${i}.0`, commit: 'a'.repeat(40) });
  for (const phase of phases) {
    clock += 10 * 60_000 + (i % 7) * 60_000;
    await svc
      .actOnItems({ refs: [phase], action: 'done', skipUnmatched: true })
      .catch(() => undefined);
    await svc
      .actOnItems({ refs: [phase], action: 'waive', note: 'bench', skipUnmatched: true })
      .catch(() => undefined);
  }
  for (const gate of gates) {
    for (const role of gate.roles) {
      clock += 5 * 60_000;
      await svc.sign({ role, verdict: 'go', gate: gate.id }).catch(() => undefined);
    }
  }
  clock += 15 * 60_000;
  const ok = await svc.deploy({ environment: production }).then(
    () => true,
    () => false,
  );
  if (ok) deployed++;
  if (ok && i % 10 === 0) {
    clock += 30 * 60_000;
    await svc.rollback({ environment: production, reason: 'bench' });
  }
}
const makeMs = performance.now() - made;

const time = async <T>(fn: () => Promise<T>, runs = 5) => {
  const times: number[] = [];
  let result: T | undefined;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    result = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { result: result!, medianMs: times[Math.floor(runs / 2)]!, minMs: times[0]! };
};

const since = '2025-01-01';
const until = '2027-12-31';
const analytics = await time(() => svc.analytics({ since, until }));
const read = await time(() =>
  store.readReleaseHistories('bench/app', {
    since: '2025-01-01T00:00:00.000Z',
    until: '2028-01-01T00:00:00.000Z',
    types: [
      'release.started',
      'release.resnapshot',
      'item.state',
      'signoff.recorded',
      'deployment.recorded',
      'rollback.recorded',
    ],
  }),
);
const whole = await time(async () => {
  const releases = await store.listReleases('bench/app');
  let events = 0;
  for (const r of releases) events += (await store.listEvents(r.id)).length;
  return events;
});
const compute = await time(async () =>
  computeProcessAnalytics(
    read.result.releases.map((release) => ({
      release,
      events: read.result.events.get(release.id) ?? [],
    })),
    new Map([[(await store.listReleases('bench/app', { limit: 1 }))[0]!.playbookHash, playbook]]),
  ),
);
const eventsRead = [...read.result.events.values()].reduce((n, e) => n + e.length, 0);
const report = analytics.result;
console.log(
  JSON.stringify(
    {
      seed: seed.name,
      releases: count,
      deployed,
      items: playbook.phases.flatMap((p) => p.sections.flatMap((s) => s.items)).length,
      madeInSeconds: Math.round(makeMs / 100) / 10,
      eventsInLogs: whole.result,
      eventsRead,
      analyticsMedianMs: Math.round(analytics.medianMs),
      storeReadMedianMs: Math.round(read.medianMs),
      computeMedianMs: Math.round(compute.medianMs),
      wholeLogsMedianMs: Math.round(whole.medianMs),
      report: {
        total: report.releases.total,
        cycleMedianMs: report.cycleTime.medianMs,
        phases: report.phases.length,
        slowest: report.slowestItems[0]?.id,
      },
    },
    null,
    2,
  ),
);
await store.close();
rmSync(dir, { recursive: true, force: true });

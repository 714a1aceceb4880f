/**
 * The contract on DORA's four keys: part of {@link describeServiceContract}, so it runs
 * in-process on SQLite and PostgreSQL and over HTTP alike. One synthetic history whose answers
 * are worked out by hand below (in Europe/Berlin across the DST change of 2026-03-29, and in
 * UTC, where the edge deployments fall on the other side of the period), an empty period, a
 * single deployment, a rollback, an incident resolved by the next deployment.
 */
import { expect, it } from 'vitest';
import { GonogoError } from '../core/errors.ts';
import { loadPlaybook } from '../core/playbook-yaml.ts';
import type { ReleaseService } from './service-contract.ts';

const metricsYaml = `
name: Metrics
environments: [staging, production]
phases:
  - id: ship
    items:
      - title: Release notes (if applicable)
        optional: true
`;

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const commit = (n: number, at: string) => ({ sha: sha(n), committedAt: at });

/**
 * Registers the metrics tests.
 *
 * @example describeMetricsContract(setup)
 */
export function describeMetricsContract(t: {
  service(actor: string): ReleaseService;
  setNow(at: Date): void;
}) {
  const { playbook } = loadPlaybook(metricsYaml, 'metrics.yaml');
  const svc = () => t.service('rm@example.com');
  let n = 0;
  async function deployAt(
    at: string,
    commits: { sha: string; committedAt: string }[],
    opts: { environment?: string; status?: 'succeeded' | 'failed' } = {},
  ) {
    t.setNow(new Date(at));
    const version = `1.0.${++n}`;
    await svc().startRelease({ playbook, version, commit: sha(1000 + n) });
    return svc().deploy({
      version,
      environment: opts.environment ?? 'production',
      ...(opts.status ? { status: opts.status } : {}),
      commits: { commits },
    });
  }

  it('computes the four keys of a history worked out by hand, in a time zone across DST', async () => {
    n = 0;
    // Previous period (2026-03-09 .. 03-22 in Berlin): one deployment, one commit 1 h old.
    await deployAt('2026-03-16T10:00:00Z', [commit(0, '2026-03-16T09:00:00Z')]);
    // D1: Monday 00:30 in Berlin, still Sunday in UTC. Leads 3 h and 30 min.
    await deployAt('2026-03-22T23:30:00Z', [
      commit(1, '2026-03-22T20:30:00Z'),
      commit(2, '2026-03-22T23:00:00Z'),
    ]);
    // A staging deployment: not production, counts nowhere below.
    await deployAt('2026-03-24T10:00:00Z', [commit(90, '2026-03-24T09:00:00Z')], {
      environment: 'staging',
    });
    // D2: Sunday 01:30 CET, before the clocks go forward; lead 1 day; rolled back an hour later
    // (no procedure: the rollback restores at once, recovery 1 h).
    await deployAt('2026-03-29T00:30:00Z', [commit(3, '2026-03-28T00:30:00Z')]);
    t.setNow(new Date('2026-03-29T01:30:00Z'));
    await svc().rollback({ environment: 'production', reason: 'errors' });
    // D3: ships commit 3 again (first shipped by D2: counted there) and commit 4 (lead 2 h); an
    // incident an hour later, resolved by D4 26 h after D3.
    await deployAt('2026-03-31T08:00:00Z', [
      commit(4, '2026-03-31T06:00:00Z'),
      commit(3, '2026-03-28T00:30:00Z'),
    ]);
    t.setNow(new Date('2026-03-31T09:00:00Z'));
    const incident = await svc().openIncident({ environment: 'production', reason: 'slow pages' });
    expect(incident.kind).toBe('incident');
    // D4: lead 1 h; resolves the incident.
    await deployAt('2026-04-01T10:00:00Z', [commit(5, '2026-04-01T09:00:00Z')]);
    // A failed deployment: not a deployment.
    await deployAt('2026-04-02T10:00:00Z', [commit(7, '2026-04-02T09:00:00Z')], {
      status: 'failed',
    }).catch(() => undefined);
    // D5: Monday 00:30 CEST in Berlin (outside), still Sunday in UTC (inside); lead 1 h.
    await deployAt('2026-04-05T22:30:00Z', [commit(6, '2026-04-05T21:30:00Z')]);

    const berlin = await svc().getMetrics({
      since: '2026-03-23',
      until: '2026-04-05',
      tz: 'Europe/Berlin',
    });
    expect(berlin.environment).toBe('production');
    expect(berlin.period).toEqual({
      since: '2026-03-22T23:00:00.000Z',
      until: '2026-04-05T22:00:00.000Z',
      days: 14,
    });
    expect(berlin.previousPeriod).toEqual({
      since: '2026-03-08T23:00:00.000Z',
      until: '2026-03-22T23:00:00.000Z',
      days: 14,
    });
    const k = berlin.keys;
    // D1, D2 (rolled back: it did reach production), D3, D4 in 14 days; both weeks have one.
    expect(k.deploymentFrequency.detail).toEqual({
      deployments: 4,
      perDay: 4 / 14,
      perWeek: 2,
      perMonth: (4 / 14) * (365.25 / 12),
      weeks: 2,
      weeksWithDeployments: 2,
      shareOfWeeks: 1,
    });
    expect(k.deploymentFrequency.level).toBe('high');
    expect(k.deploymentFrequency.previous.value).toBe(1 / 14);
    expect(k.deploymentFrequency.trend).toBe('better');
    // Leads 1800, 3600, 7200, 10800, 86400: median the 3rd, p90 the 5th.
    expect(k.leadTime.detail).toEqual({
      commits: 5,
      medianSeconds: 7200,
      p90Seconds: 86400,
      truncatedDeployments: 0,
    });
    expect(k.leadTime.level).toBe('elite');
    expect(k.leadTime.previous.value).toBe(3600);
    expect(k.leadTime.trend).toBe('worse');
    // D2 (rollback) and D3 (incident) of 4.
    expect(k.changeFailureRate.detail).toEqual({ deployments: 4, failed: 2, rate: 0.5 });
    expect(k.changeFailureRate.level).toBe('low');
    expect(k.changeFailureRate.previous.value).toBe(0);
    expect(k.changeFailureRate.trend).toBe('worse');
    // Recoveries 3600 (D2) and 93600 (D3): the median is the lower, and 1 h is not "less than
    // one hour" (2023: high).
    expect(k.recoveryTime.detail).toEqual({
      failed: 2,
      recovered: 2,
      unresolved: 0,
      medianSeconds: 3600,
    });
    expect(k.recoveryTime.level).toBe('high');
    expect(k.recoveryTime.trend).toBe('n/a');
    expect(k.recoveryTime.previous.value).toBeNull();

    // In UTC the same dates hold D2..D5 (D1 falls before, D5 inside).
    const utc = await svc().getMetrics({ since: '2026-03-23', until: '2026-04-05', bands: '2021' });
    expect(utc.tz).toBe('UTC');
    expect(utc.bands.year).toBe('2021');
    expect(utc.keys.deploymentFrequency.detail?.deployments).toBe(4);
    // Leads 3600, 3600, 7200, 86400: median the 2nd, p90 the 4th.
    expect(utc.keys.leadTime.detail).toMatchObject({
      commits: 4,
      medianSeconds: 3600,
      p90Seconds: 86400,
    });
    // 2021: elite is "less than one hour"; an hour is high.
    expect(utc.keys.leadTime.level).toBe('high');
    expect(utc.keys.changeFailureRate.detail).toEqual({ deployments: 4, failed: 2, rate: 0.5 });
    expect(utc.keys.changeFailureRate.level).toBe('low');

    // A single deployment: the day of the previous period's one.
    const single = await svc().getMetrics({ since: '2026-03-16', until: '2026-03-16' });
    expect(single.period.days).toBe(1);
    expect(single.keys.deploymentFrequency.value).toBe(1);
    expect(single.keys.deploymentFrequency.level).toBe('elite');
    expect(single.keys.leadTime.detail).toMatchObject({ medianSeconds: 3600, p90Seconds: 3600 });
    expect(single.keys.changeFailureRate.value).toBe(0);
    expect(single.keys.recoveryTime).toMatchObject({
      value: null,
      note: 'no failed deployments',
      level: null,
    });

    // Staging, by name.
    const staging = await svc().getMetrics({
      since: '2026-03-01',
      until: '2026-04-30',
      env: 'staging',
    });
    expect(staging.keys.deploymentFrequency.detail?.deployments).toBe(1);

    // Every event the incidents wrote replays: the log still matches the tables.
    for (const r of await svc().verifyAudit()) expect(r, r.version).toMatchObject({ ok: true });
  });

  it('says "no deployments" for an empty period, and refuses a bad zone or an empty period', async () => {
    const empty = await svc().getMetrics({ since: '2025-01-01', until: '2025-01-31' });
    for (const key of Object.values(empty.keys)) {
      expect(key.value).toBeNull();
      expect(key.level).toBeNull();
      expect(key.note).toBe('no deployments');
      expect(key.trend).toBe('n/a');
    }
    const bad = await svc()
      .getMetrics({ tz: 'Mars/Olympus' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(bad).toBeInstanceOf(GonogoError);
    const backwards = await svc()
      .getMetrics({ since: '2026-02-01', until: '2026-01-01' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(backwards).toBeInstanceOf(GonogoError);
    expect((backwards as Error).message).toMatch(/empty/);
  });
}

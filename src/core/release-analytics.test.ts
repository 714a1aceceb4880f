import { describe, expect, it } from 'vitest';
import { loadPlaybook } from './playbook-yaml.ts';
import type { AnalyticsEvent, ReleaseHistory } from './release-analytics.ts';
import { computeProcessAnalytics, durationStats } from './release-analytics.ts';
import type { Release } from './release-model.ts';

const v1 = `
name: Analytics
roles: { qa: QA, rm: Release Manager }
environments: [staging, production]
phases:
  - id: build
    title: Build
    items:
      - { id: tests, title: Tests pass }
      - { id: changelog, title: CHANGELOG updated }
      - { id: docs, title: Docs updated, optional: true }
  - id: go-no-go
    title: Go / no-go
    gate: [qa, rm]
  - id: deploy
    title: Deploy
    items:
      - { id: ship, title: Deploy to production }
  - id: verify
    title: Verify
    items:
      - { id: smoke, title: Smoke test }
`;
// The re-snapshot: a security review joins the build phase, the docs item goes.
const v2 = v1
  .replace(
    '      - { id: docs, title: Docs updated, optional: true }\n',
    '      - { id: security, title: Security review }\n',
  )
  .replace('name: Analytics', 'name: Analytics v2');
const one = loadPlaybook(v1);
const two = loadPlaybook(v2);
const playbooks = new Map([
  [one.hash, one.playbook],
  [two.hash, two.playbook],
]);

const h = 3_600_000;
const day = 24 * h;
// Monday 2 November 2026, 09:00 UTC: the clock every log below is written against.
const t0 = Date.parse('2026-11-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

type Step = [offsetMs: number, type: string, payload: Record<string, unknown>];

function history(
  version: string,
  start: number,
  state: Release['state'],
  steps: Step[],
  hash = one.hash,
): ReleaseHistory {
  const events: AnalyticsEvent[] = [
    {
      seq: 1,
      at: iso(start),
      type: 'release.started',
      payload: {
        version,
        type: null,
        commit: null,
        playbook: { name: 'Analytics', hash },
        items: 5,
      },
    },
    ...steps.map(([offset, type, payload], i) => ({
      seq: i + 2,
      at: iso(start + offset),
      type,
      payload,
    })),
  ];
  return { release: { id: `r-${version}`, version, state, createdAt: iso(start) }, events };
}

const done = (id: string, to = 'done', note?: string): Record<string, unknown> => ({
  item: 0,
  id,
  from: 'pending',
  to,
  ...(note ? { note } : {}),
});
const sign = (role: string, verdict = 'go') => ({
  role,
  verdict,
  target: { kind: 'gate', id: 'go-no-go' },
  commit: null,
  comment: null,
});
const deploy = (environment: string, id: string) => ({
  id,
  environment,
  status: 'succeeded',
  commit: null,
});

// 1.0.0: everything in order, deployed after 7 h.
const a = history('1.0.0', t0, 'deployed', [
  [1 * h, 'item.state', done('tests')],
  [2 * h, 'item.state', done('changelog')],
  [2 * h, 'item.state', done('docs', 'na', 'no user-facing change')],
  [3 * h, 'signoff.recorded', sign('qa')],
  [5 * h, 'signoff.recorded', sign('rm')],
  [6 * h, 'deployment.recorded', deploy('staging', 'd1')],
  [7 * h, 'item.state', done('ship')],
  [7 * h, 'deployment.recorded', deploy('production', 'd2')],
  [8 * h, 'item.state', done('smoke')],
]);
// 1.1.0: a no-go first, the release manager signs ahead, deployed after 5 h and rolled back.
const b = history('1.1.0', t0 + 7 * day, 'rolled-back', [
  [h / 2, 'item.state', done('tests')],
  [h / 2, 'signoff.recorded', sign('rm')],
  [h, 'item.state', done('changelog')],
  [h, 'item.state', done('docs', 'waived', 'docs later')],
  [2 * h, 'signoff.recorded', sign('qa', 'no-go')],
  [4 * h, 'signoff.recorded', sign('qa')],
  [5 * h, 'item.state', done('ship')],
  [5 * h, 'deployment.recorded', deploy('production', 'd3')],
  [
    6 * h,
    'rollback.recorded',
    { deployment: 'd3', environment: 'production', reason: 'errors', incident: 'i1', items: [] },
  ],
]);
// 1.2.0: re-snapshot after 2 h (security review added, docs removed); never deployed.
const c = history('1.2.0', t0 + 14 * day, 'active', [
  [1 * h, 'item.state', done('tests')],
  [
    2 * h,
    'release.resnapshot',
    {
      from: { hash: one.hash },
      playbook: { name: 'Analytics v2', hash: two.hash },
      added: [
        { item: 6, id: 'security', title: 'Security review', phase: 'build', section: 'build' },
      ],
      removed: [
        {
          item: 3,
          id: 'docs',
          title: 'Docs updated',
          phase: 'build',
          section: 'build',
          state: 'pending',
        },
      ],
      changed: [],
      gates: [],
      unchanged: 4,
      stale: [],
      settings: [],
    },
  ],
  [3 * h, 'item.state', done('changelog')],
  [4 * h, 'item.state', done('security')],
  [5 * h, 'signoff.recorded', sign('qa')],
]);
// 1.3.0: started and abandoned.
const d = history('1.3.0', t0 + 21 * day, 'abandoned', []);

describe('process analytics', () => {
  it('is empty for no releases', () => {
    expect(computeProcessAnalytics([], playbooks)).toEqual({
      releases: { total: 0, deployed: 0, rolledBack: 0, abandoned: 0 },
      cycleTime: { count: 0 },
      cycles: [],
      phases: [],
      signoffWaits: [],
      slowestItems: [],
      skippedItems: [],
      problems: [],
    });
  });

  const report = computeProcessAnalytics([d, c, b, a], playbooks);

  it('counts the releases and their cycle time to the first production deployment', () => {
    expect(report.releases).toEqual({ total: 4, deployed: 2, rolledBack: 1, abandoned: 1 });
    expect(report.cycles).toEqual([
      {
        version: '1.0.0',
        state: 'deployed',
        startedAt: iso(t0),
        deployedAt: iso(t0 + 7 * h),
        cycleMs: 7 * h,
        rolledBack: false,
      },
      {
        version: '1.1.0',
        state: 'rolled-back',
        startedAt: iso(t0 + 7 * day),
        deployedAt: iso(t0 + 7 * day + 5 * h),
        cycleMs: 5 * h,
        rolledBack: true,
      },
      { version: '1.2.0', state: 'active', startedAt: iso(t0 + 14 * day), rolledBack: false },
      { version: '1.3.0', state: 'abandoned', startedAt: iso(t0 + 21 * day), rolledBack: false },
    ]);
    expect(report.cycleTime).toEqual({ count: 2, medianMs: 6 * h, p90Ms: 7 * h, maxMs: 7 * h });
  });

  it('times each phase from its ready time (or first action) to its last required acceptance', () => {
    expect(report.phases).toEqual([
      // 2 h, 1 h, 4 h (1.2.0 waited for the security review its re-snapshot added).
      {
        phase: 'build',
        title: 'Build',
        incomplete: 1,
        count: 3,
        medianMs: 2 * h,
        p90Ms: 4 * h,
        maxMs: 4 * h,
      },
      // Ready when the build phase completed: 5 h and 4 h.
      {
        phase: 'deploy',
        title: 'Deploy',
        incomplete: 2,
        count: 2,
        medianMs: 4.5 * h,
        p90Ms: 5 * h,
        maxMs: 5 * h,
      },
      {
        phase: 'verify',
        title: 'Verify',
        incomplete: 3,
        count: 1,
        medianMs: h,
        p90Ms: h,
        maxMs: h,
      },
    ]);
  });

  it('measures each role’s wait from the covered items’ acceptance to its last go', () => {
    expect(report.signoffWaits).toEqual([
      // 1 h, 3 h (the no-go does not end the wait), 1 h; 1.3.0 still waits.
      {
        gate: 'go-no-go',
        gateTitle: 'Go / no-go',
        role: 'qa',
        pending: 1,
        count: 3,
        medianMs: h,
        p90Ms: 3 * h,
        maxMs: 3 * h,
      },
      // 3 h, and 0 for the go given before the build phase was done.
      {
        gate: 'go-no-go',
        gateTitle: 'Go / no-go',
        role: 'rm',
        pending: 2,
        count: 2,
        medianMs: 1.5 * h,
        p90Ms: 3 * h,
        maxMs: 3 * h,
      },
    ]);
  });

  it('lists the slowest items by their median time from actionable to done', () => {
    expect(report.slowestItems.map((i) => [i.id, i.count, i.medianMs, i.maxMs])).toEqual([
      ['ship', 2, 4.5 * h, 5 * h],
      ['changelog', 3, 2 * h, 3 * h],
      // Added by the re-snapshot at 2 h, done at 4 h.
      ['security', 1, 2 * h, 2 * h],
      ['smoke', 1, h, h],
      ['tests', 3, h, h],
    ]);
    expect(computeProcessAnalytics([a, b, c], playbooks, { limit: 2 }).slowestItems).toHaveLength(
      2,
    );
  });

  it('lists the items most often waived or n/a, with their reasons', () => {
    expect(report.skippedItems).toEqual([
      {
        id: 'docs',
        title: 'Docs updated',
        phase: 'build',
        // 1.0.0, 1.1.0 and 1.3.0 had it; the re-snapshot took it out of 1.2.0.
        releases: 3,
        waived: 1,
        na: 1,
        share: 2 / 3,
        reasons: ['docs later', 'no user-facing change'],
      },
    ]);
  });

  it('counts staging as production when told, and reports a log whose snapshot is missing', () => {
    const staging = computeProcessAnalytics([a], playbooks, { environment: 'staging' });
    expect(staging.cycles[0]?.cycleMs).toBe(6 * h);
    const lost = computeProcessAnalytics([a], new Map());
    expect(lost.problems).toEqual([
      { version: '1.0.0', message: expect.stringMatching(/is not in the store/) },
    ]);
    expect(lost.cycles[0]?.cycleMs).toBeUndefined();
  });

  it('takes median, p90 and max by nearest rank', () => {
    expect(durationStats([10, 1, 3, 2])).toEqual({ count: 4, medianMs: 2.5, p90Ms: 10, maxMs: 10 });
    expect(durationStats([5])).toEqual({ count: 1, medianMs: 5, p90Ms: 5, maxMs: 5 });
    expect(durationStats([])).toEqual({ count: 0 });
  });
});

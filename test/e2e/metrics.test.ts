/**
 * DORA's four keys through the built CLI from git: a repository with commits and tags at known
 * times is imported (`gonogo import deployments --from-tags`), and `gonogo metrics` must give
 * the frequency and the lead times this test computes on its own from `git log` and the tags'
 * times; then `gonogo deploy` sends the commits since the environment's last deployment, and
 * the incident commands change the failure rate and recovery time.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricsReport } from '../../src/api/api-metrics.ts';
import type { Repo } from './cli-helper.ts';
import { makeRepo, removeRepos } from './cli-helper.ts';

afterAll(removeRepos);

const playbook = `name: Metrics
environments: [staging, production]
phases:
  - id: ship
    items:
      - title: Release notes (if applicable)
        optional: true
`;

/** git here, with the committer (and tagger) time `at`. */
function gitAt(repo: Repo, at: string, args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.email=e2e@example.com',
      '-c',
      'user.name=E2E',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      ...args,
    ],
    {
      cwd: repo.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_COMMITTER_DATE: at,
        GIT_AUTHOR_DATE: at,
      },
    },
  ).trim();
}

const commitAt = (repo: Repo, at: string, message: string) => {
  gitAt(repo, at, ['commit', '-q', '--allow-empty', '-m', message]);
  return gitAt(repo, at, ['rev-parse', 'HEAD']);
};

/** Nearest rank, as docs/metrics.md defines it; written here again on purpose. */
function nearest(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1]!;
}

describe('gonogo metrics from git', () => {
  it('imports tags as deployments and agrees with git log on frequency and lead times', async () => {
    const repo = await makeRepo({ env: { GONOGO_NOW: '2026-06-30T12:00:00Z' } });
    writeFileSync(path.join(repo.dir, 'gonogo.yaml'), playbook);
    // Commits over four weeks, three tags: lightweight, annotated (tagged a day later), lightweight.
    commitAt(repo, '2026-06-01T09:00:00+02:00', 'one');
    commitAt(repo, '2026-06-02T10:30:00+02:00', 'two');
    gitAt(repo, '2026-06-02T12:00:00+02:00', ['tag', 'v1.0.0']);
    commitAt(repo, '2026-06-08T08:00:00Z', 'three');
    commitAt(repo, '2026-06-09T17:45:00Z', 'four');
    gitAt(repo, '2026-06-10T17:45:00Z', ['tag', '-a', 'v1.1.0', '-m', 'one point one']);
    commitAt(repo, '2026-06-20T06:00:00-05:00', 'five');
    gitAt(repo, '2026-06-21T12:00:00Z', ['tag', 'v1.2.0']);
    gitAt(repo, '2026-06-21T12:00:00Z', ['tag', 'not-a-release']);

    const imported = await repo.json<{ imported: number; commits: number }>([
      'import',
      'deployments',
      '--from-tags',
      'v*',
    ]);
    expect(imported).toMatchObject({ imported: 3 });
    // Again: nothing new.
    expect(await repo.json(['import', 'deployments', '--from-tags', 'v*'])).toMatchObject({
      imported: 0,
      skipped: 3,
    });

    // Independently: each tag's time (tagger's, else the commit's) and the commits since the
    // tag before (the first tag: its own commit only), from git log.
    const tags = ['v1.0.0', 'v1.1.0', 'v1.2.0'];
    const tagTime = (t: string) => {
      const tagger = gitAt(repo, '2026-01-01T00:00:00Z', [
        'tag',
        '-l',
        '--format=%(taggerdate:iso-strict)',
        t,
      ]);
      return Date.parse(
        tagger || gitAt(repo, '2026-01-01T00:00:00Z', ['log', '-1', '--format=%cI', t]),
      );
    };
    const leads: number[] = [];
    tags.forEach((t, i) => {
      const range = i === 0 ? ['-1', t] : [`${tags[i - 1]}..${t}`];
      const log = gitAt(repo, '2026-01-01T00:00:00Z', ['log', '--format=%cI', ...range]);
      for (const at of log.split('\n')) leads.push((tagTime(t) - Date.parse(at)) / 1000);
    });
    expect(leads.length).toBe(imported.commits);

    const report = await repo.json<MetricsReport>([
      'metrics',
      '--since',
      '2026-06-01',
      '--until',
      '2026-06-28',
    ]);
    const f = report.keys.deploymentFrequency.detail!;
    expect(report.imported).toBe(3);
    expect(f.deployments).toBe(3);
    expect(report.period.days).toBe(28);
    expect(f.perDay).toBeCloseTo(3 / 28, 12);
    // Weeks from Monday 2026-06-01: the tags fall in weeks 1, 2 and 3 of 4.
    expect([f.weeks, f.weeksWithDeployments]).toEqual([4, 3]);
    expect(report.keys.leadTime.detail).toMatchObject({
      commits: leads.length,
      medianSeconds: nearest(leads, 0.5),
      p90Seconds: nearest(leads, 0.9),
    });
    expect(report.keys.changeFailureRate.detail).toEqual({ deployments: 3, failed: 0, rate: 0 });

    // gonogo deploy sends the commits since what production runs: first deployment, its commit.
    const six = commitAt(repo, '2026-06-29T08:00:00Z', 'six');
    await repo.ok(['release', 'start', '2.0.0']);
    await repo.ok(['deploy', 'production'], { env: { GONOGO_NOW: '2026-06-29T10:00:00Z' } });
    commitAt(repo, '2026-06-29T11:00:00Z', 'seven');
    commitAt(repo, '2026-06-29T11:30:00Z', 'eight');
    await repo.ok(['release', 'start', '2.1.0'], { env: { GONOGO_NOW: '2026-06-29T12:00:00Z' } });
    await repo.ok(['deploy', 'production'], { env: { GONOGO_NOW: '2026-06-29T12:00:00Z' } });
    await repo.ok(['incident', 'open', 'production', '--reason', 'slow checkout'], {
      env: { GONOGO_NOW: '2026-06-29T12:30:00Z' },
    });
    await repo.ok(['incident', 'resolve'], { env: { GONOGO_NOW: '2026-06-29T14:00:00Z' } });
    const day = await repo.json<MetricsReport>([
      'metrics',
      '--since',
      '2026-06-29',
      '--until',
      '2026-06-29',
    ]);
    expect(day.imported).toBe(0);
    // 2.0.0: "six" 2 h; 2.1.0: "seven" 1 h, "eight" 30 min.
    expect(day.keys.leadTime.detail).toMatchObject({
      commits: 3,
      medianSeconds: 3600,
      p90Seconds: 7200,
    });
    expect(day.keys.changeFailureRate.detail).toEqual({ deployments: 2, failed: 1, rate: 0.5 });
    expect(day.keys.recoveryTime.detail).toMatchObject({ recovered: 1, medianSeconds: 7200 });
    expect(six).toMatch(/^[0-9a-f]{40}$/);

    const text = await repo.ok(['metrics', '--since', '2026-06-29', '--until', '2026-06-29']);
    expect(text.stdout).toMatch(/Change failure rate\s+50% \(1 of 2\)\s+low/);
    expect(text.stdout).toMatch(/Lead time for changes\s+median 1h, p90 2h \(3 commits\)\s+elite/);
    await repo.ok(['audit', 'verify']);
  });
});

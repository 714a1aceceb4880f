import { describe, expect, it } from 'vitest';
import type { AnalyticsReport } from '../core/release-analytics.ts';
import { formatSpan } from '../core/duration.ts';
import { renderProcessAnalytics } from './cli-render-analytics.ts';

const h = 3_600_000;
const report: AnalyticsReport = {
  project: 'acme/app',
  period: { since: '2026-01-01T00:00:00.000Z', until: '2026-04-01T00:00:00.000Z' },
  truncated: false,
  releases: { total: 3, deployed: 2, rolledBack: 1, abandoned: 0 },
  cycleTime: { count: 2, medianMs: 30 * h, p90Ms: 50 * h, maxMs: 50 * h },
  cycles: [],
  phases: [
    {
      phase: 'pre',
      title: 'Pre-release',
      incomplete: 1,
      count: 2,
      medianMs: 4.5 * h,
      p90Ms: 5 * h,
      maxMs: 5 * h,
    },
  ],
  signoffWaits: [
    {
      gate: 'go',
      gateTitle: 'Go / no-go',
      role: 'qa-lead',
      pending: 0,
      count: 2,
      medianMs: h,
      p90Ms: h,
      maxMs: h,
    },
  ],
  slowestItems: [
    {
      id: 'load',
      title: 'Load test',
      phase: 'pre',
      count: 2,
      medianMs: 2 * h,
      p90Ms: 3 * h,
      maxMs: 3 * h,
    },
  ],
  skippedItems: [
    {
      id: 'docs',
      title: 'Docs updated',
      phase: 'pre',
      releases: 3,
      waived: 1,
      na: 1,
      share: 2 / 3,
      reasons: ['no user-facing change', 'docs\u001b[31m later'],
    },
  ],
  problems: [],
};

describe('renderProcessAnalytics', () => {
  it('renders compact tables without colour when told so', () => {
    const lines = renderProcessAnalytics(report, { color: false });
    expect(lines).toEqual([
      'Process: releases started 2026-01-01 to 2026-04-01',
      '  3 started, 2 reached production, 1 rolled back, 0 abandoned',
      '  Cycle time (start to production): median 1d 6h, p90 2d 2h, max 2d 2h',
      '',
      'Time per phase',
      '  phase        median  p90  max  n  open',
      '  Pre-release  4h 30m  5h   5h   2  1',
      '',
      'Waiting for sign-off',
      '  gate · role           median  p90  max  n  pending',
      '  Go / no-go · qa-lead  1h      1h   1h   2',
      '',
      'Slowest items (actionable to done)',
      '  item       median  p90  max  n',
      '  Load test  2h      3h   3h   2',
      '',
      'Most often waived or n/a (candidates to drop)',
      '  item          share  waived  n/a  of',
      '  Docs updated  67%    1       1    3',
      // A control character in a reason never reaches the terminal.
      '  Docs updated: no user-facing change; docs later',
    ]);
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('paints headings when colour is on, and says when nothing was deployed', () => {
    const coloured = renderProcessAnalytics(report, { color: true });
    expect(coloured[0]).toBe(
      '\u001b[1mProcess: releases started 2026-01-01 to 2026-04-01\u001b[0m',
    );
    const none = renderProcessAnalytics(
      {
        ...report,
        releases: { total: 1, deployed: 0, rolledBack: 0, abandoned: 0 },
        cycleTime: { count: 0 },
      },
      { color: false },
    );
    expect(none[2]).toBe('  Cycle time: no release reached production yet');
    expect(
      renderProcessAnalytics(
        { ...report, releases: { total: 0, deployed: 0, rolledBack: 0, abandoned: 0 } },
        { color: false },
      ),
    ).toHaveLength(2);
  });

  it('shows a span in its two largest units', () => {
    expect(formatSpan(undefined)).toBe('—');
    expect(formatSpan(0)).toBe('0s');
    expect(formatSpan(45_000)).toBe('45s');
    expect(formatSpan(90 * 60_000)).toBe('1h 30m');
    expect(formatSpan(2 * h)).toBe('2h');
    expect(formatSpan(26 * h + 59 * 60_000)).toBe('1d 2h');
    expect(formatSpan(24 * h + 30 * 60_000)).toBe('1d');
  });
});

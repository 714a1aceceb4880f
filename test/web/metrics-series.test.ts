/** The metrics page's chart series, computed in the browser from the analytics' releases. */
import { describe, expect, it } from 'vitest';
import { monthlyRollbacks, weekStart, weeklySeries } from '../../web/src/metrics/metrics-series.ts';
import { formatFrequency, formatShare, formatSpan } from '../../web/src/metrics/metrics-format.ts';

const h = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('metrics series', () => {
  it('starts a week on Monday 00:00 UTC', () => {
    expect(weekStart(at('2026-03-04T10:00:00Z'))).toBe(at('2026-03-02T00:00:00Z'));
    expect(weekStart(at('2026-03-02T00:00:00Z'))).toBe(at('2026-03-02T00:00:00Z'));
    expect(weekStart(at('2026-03-08T23:59:59Z'))).toBe(at('2026-03-02T00:00:00Z'));
  });

  it('counts deployments and cycle times in the week each release reached production', () => {
    const cycles = [
      {
        startedAt: '2026-03-02T09:00:00Z',
        deployedAt: '2026-03-03T09:00:00Z',
        cycleMs: 24 * h,
        rolledBack: false,
      },
      {
        startedAt: '2026-03-03T09:00:00Z',
        deployedAt: '2026-03-04T11:00:00Z',
        cycleMs: 26 * h,
        rolledBack: true,
      },
      {
        startedAt: '2026-03-05T09:00:00Z',
        deployedAt: '2026-03-05T11:00:00Z',
        cycleMs: 2 * h,
        rolledBack: false,
      },
      // Never deployed, and one deployed after the period: neither counts.
      { startedAt: '2026-03-06T09:00:00Z', rolledBack: false },
      {
        startedAt: '2026-03-06T09:00:00Z',
        deployedAt: '2026-03-30T09:00:00Z',
        cycleMs: h,
        rolledBack: false,
      },
    ];
    const s = weeklySeries(cycles, at('2026-03-01T00:00:00Z'), at('2026-03-15T00:00:00Z'));
    // Weeks of 23 Feb, 2 Mar and 9 Mar.
    expect(s.xs).toEqual([
      at('2026-02-23T00:00:00Z') / 1000,
      at('2026-03-02T00:00:00Z') / 1000,
      at('2026-03-09T00:00:00Z') / 1000,
    ]);
    expect(s.deployments).toEqual([0, 3, 0]);
    expect(s.cycleMedianH).toEqual([null, 24, null]);
    expect(s.cycleP90H).toEqual([null, 26, null]);
    const m = monthlyRollbacks(cycles, at('2026-02-15T00:00:00Z'), at('2026-04-01T00:00:00Z'));
    expect(m.deployed).toEqual([0, 4]);
    expect(m.share).toEqual([null, 0.25]);
  });

  it('says durations, shares and frequencies in words', () => {
    expect(formatSpan(90 * 60_000)).toBe('1h 30m');
    expect(formatSpan(null)).toBe('—');
    expect(formatShare(0.254)).toBe('25%');
    expect(formatFrequency(2)).toBe('2 per day');
    expect(formatFrequency(0.5)).toBe('3.5 per week');
    expect(formatFrequency(0.02)).toBe('0.6 per month');
  });
});

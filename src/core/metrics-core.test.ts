import { describe, expect, it } from 'vitest';
import { levelOf, metricsBandTables } from './metrics-bands.ts';
import { nearestRank, percentileOf, trendOf } from './metrics-report.ts';
import {
  calendarDays,
  instantOfWallTime,
  localWeekStart,
  parseMetricsBound,
  weekBounds,
} from './metrics-time.ts';

const b2023 = metricsBandTables['2023'];
const b2021 = metricsBandTables['2021'];

describe('DORA bands', () => {
  it('gives the best level whose bound a value meets, strict where the report says "less than"', () => {
    expect(levelOf(b2023, 'recoveryTime', 3599)).toBe('elite');
    expect(levelOf(b2023, 'recoveryTime', 3600)).toBe('high');
    expect(levelOf(b2023, 'changeFailureRate', 0.05)).toBe('elite');
    expect(levelOf(b2023, 'changeFailureRate', 0.051)).toBe('high');
    expect(levelOf(b2023, 'changeFailureRate', 0.5)).toBe('low');
    expect(levelOf(b2023, 'deploymentFrequency', 1 / 7)).toBe('high');
    expect(levelOf(b2023, 'deploymentFrequency', 1 / 31)).toBe('low');
    expect(levelOf(b2021, 'leadTime', 7200)).toBe('high');
    expect(levelOf(b2021, 'changeFailureRate', 0.2)).toBe('high');
    expect(levelOf(b2021, 'changeFailureRate', 0.31)).toBe('low');
    expect(levelOf(b2023, 'leadTime', null)).toBeNull();
  });
});

describe('percentiles and trend', () => {
  it('takes the nearest rank (the lower middle of an even count)', () => {
    expect(nearestRank(4, 0.5)).toBe(2);
    expect(nearestRank(5, 0.9)).toBe(5);
    expect(nearestRank(10, 0.9)).toBe(9);
    expect(percentileOf([40, 10, 30, 20], 0.5)).toBe(20);
    expect(percentileOf([], 0.5)).toBeNull();
  });
  it('says better or worse by the direction of the key', () => {
    expect(trendOf(2, 1, 'higher')).toBe('better');
    expect(trendOf(2, 1, 'lower')).toBe('worse');
    expect(trendOf(1, 1, 'lower')).toBe('same');
    expect(trendOf(null, 1, 'lower')).toBe('n/a');
  });
});

describe('calendar in a time zone', () => {
  it('keeps a day a day across DST, and weeks from Monday local midnight', () => {
    const since = parseMetricsBound('2026-03-23', 'Europe/Berlin', 'since');
    const until = parseMetricsBound('2026-04-05', 'Europe/Berlin', 'until');
    expect(new Date(since).toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect(new Date(until).toISOString()).toBe('2026-04-05T22:00:00.000Z');
    expect(calendarDays(since, until, 'Europe/Berlin')).toBe(14);
    expect((until - since) / 3_600_000).toBe(14 * 24 - 1);
    expect(weekBounds(since, until, 'Europe/Berlin').map((w) => new Date(w).toISOString())).toEqual(
      ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z'],
    );
    // Sunday 2026-03-29 01:30 CET is in the week of Monday 03-23.
    expect(
      new Date(localWeekStart(Date.parse('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toISOString(),
    ).toBe('2026-03-22T23:00:00.000Z');
    // The repeated hour of the autumn change: the first of the two instants.
    expect(
      new Date(instantOfWallTime(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString(),
    ).toBe('2026-10-25T00:30:00.000Z');
  });
  it('refuses a bound that is neither a date nor a time with an offset', () => {
    expect(() => parseMetricsBound('2026-02-30', 'UTC', 'since')).toThrow(/no calendar date/);
    expect(() => parseMetricsBound('yesterday', 'UTC', 'until')).toThrow(/until: "yesterday"/);
  });
});

/**
 * The web app's pure helpers of the playbook and settings pages: the release window in words,
 * and the caret offset of a lint problem's line and column.
 */
import { describe, expect, it } from 'vitest';
import { offsetOf } from '../../web/src/playbook/playbook-lint.tsx';
import { windowInWords } from '../../web/src/playbook/playbook-window.ts';

describe('windowInWords', () => {
  it('says the denied days as a run, the zone, and each freeze with its reason', () => {
    expect(
      windowInWords({
        timezone: 'Europe/Berlin',
        deny: ['sun', 'fri', 'sat'],
        freezes: [{ from: '2026-12-20', to: '2027-01-02', reason: 'Holiday freeze' }],
      }),
    ).toBe('no releases Fri–Sun, Europe/Berlin; freeze 20 Dec – 2 Jan: Holiday freeze');
  });

  it('lists days apart, hours, who may override; nothing without a window', () => {
    expect(
      windowInWords({
        timezone: 'UTC',
        deny: ['mon', 'wed'],
        deny_hours: ['18:00-24:00'],
        override: ['release-manager'],
      }),
    ).toBe('no releases Mon, Wed and 18:00–24:00, UTC; may be overridden by release-manager');
    expect(windowInWords({ timezone: 'UTC' })).toBe('times in UTC');
    expect(windowInWords(undefined)).toBeUndefined();
  });
});

describe('offsetOf', () => {
  it('turns a 1-based line and column into an offset, clamped to the text', () => {
    expect(offsetOf('a\nbc', 2, 2)).toBe(3);
    expect(offsetOf('a\nbc', 1, 1)).toBe(0);
    expect(offsetOf('a\nbc', 9, 9)).toBe(4);
    expect(offsetOf('a\nbc', 1, 9)).toBe(1);
  });
});

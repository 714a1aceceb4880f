import { describe, expect, it } from 'vitest';
import { maxDeliveryAttempts, nextRetryDelayMs } from './notify-retry.ts';

describe('nextRetryDelayMs', () => {
  it('doubles from 30 s and gives up after the last attempt', () => {
    const delays = [];
    for (let attempt = 1; attempt <= maxDeliveryAttempts; attempt++)
      delays.push(nextRetryDelayMs(attempt));
    expect(delays).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      480_000,
      960_000,
      1_920_000,
      undefined,
    ]);
  });

  it('never waits more than an hour, and refuses nonsense attempts', () => {
    for (let a = 1; a < maxDeliveryAttempts; a++)
      expect(nextRetryDelayMs(a)!).toBeLessThanOrEqual(3_600_000);
    expect(nextRetryDelayMs(0)).toBeUndefined();
    expect(nextRetryDelayMs(1.5)).toBeUndefined();
    expect(nextRetryDelayMs(Number.NaN)).toBeUndefined();
  });
});

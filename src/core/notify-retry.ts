/**
 * When a failed delivery is tried again: exponential backoff from 30 s, doubling, capped at an
 * hour, at most 8 attempts in all (30s, 1m, 2m, 4m, 8m, 16m, 32m between them: about an hour
 * and a half from the first try to the last). No jitter: the outbox spreads load by when the
 * events happened, and a fixed schedule is one a person can predict and a test can check. Pure.
 */

/** Attempts in all, the first one included. */
export const maxDeliveryAttempts = 8;
const firstDelayMs = 30_000;
const maxDelayMs = 60 * 60_000;

/**
 * How long to wait after failed attempt number `attempt` (1-based) before the next one, or
 * undefined when that was the last.
 *
 * @example nextRetryDelayMs(1) // 30000
 * @example nextRetryDelayMs(3) // 120000
 * @example nextRetryDelayMs(8) // undefined
 */
export function nextRetryDelayMs(attempt: number): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= maxDeliveryAttempts) return undefined;
  return Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
}

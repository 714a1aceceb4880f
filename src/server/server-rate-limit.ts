/**
 * Failed sign-in attempts per key (e-mail and client address): after `max` failures within
 * `windowMs` the key is refused until the oldest failure ages out, with the seconds to wait.
 * In memory, per instance: enough to make guessing slow; a shared limit across instances would
 * live in the database. The map is bounded so a flood of keys cannot exhaust memory.
 */

export interface AttemptLimiter {
  /** Seconds to wait before trying again, or undefined when an attempt is allowed now. */
  retryAfter(key: string): number | undefined;
  /** Counts a failed attempt. */
  fail(key: string): void;
  /** Forgets the key's failures (after a success). */
  reset(key: string): void;
}

/** The most keys remembered; the oldest are forgotten first. */
const maxKeys = 10_000;

/**
 * A limiter of failed attempts.
 *
 * @example
 * const limiter = createAttemptLimiter({ max: 5, windowMs: 15 * 60_000, now: Date.now });
 * if (limiter.retryAfter(key) === undefined) limiter.fail(key);
 */
export function createAttemptLimiter(opts: {
  max: number;
  windowMs: number;
  now: () => number;
}): AttemptLimiter {
  const failures = new Map<string, number[]>();
  const recent = (key: string) => {
    const cutoff = opts.now() - opts.windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };
  return {
    retryAfter(key) {
      const list = recent(key);
      if (list.length < opts.max) return undefined;
      return Math.max(1, Math.ceil((list[0]! + opts.windowMs - opts.now()) / 1000));
    },
    fail(key) {
      const list = recent(key);
      failures.delete(key);
      failures.set(key, [...list, opts.now()]);
      if (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
    reset(key) {
      failures.delete(key);
    },
  };
}

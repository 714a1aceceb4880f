/**
 * Parsed playbooks by hash. A playbook is stored once under the hash of its content and never
 * changes, yet every write on a release needs it, and parsing a large one (seed 002: over 100
 * items) costs more than reading it. The stored text is still read each time and compared with
 * the text the cached object was parsed from, so a body edited outside gonogo is parsed anew
 * (and `audit verify` sees the edit) instead of being hidden by the cache.
 */
import type { Playbook } from '../core/playbook.ts';

export interface PlaybookCache {
  /** The playbook stored as `body` under `hash`, parsed once per distinct body. */
  parse(hash: string, body: string): Playbook;
}

/** Distinct playbooks kept; a server works on a handful at a time. */
const keptPlaybooks = 64;

/**
 * A bounded cache of parsed playbooks; the objects it returns are frozen (shared by callers).
 *
 * @example
 * const cache = createPlaybookCache();
 * const playbook = cache.parse(row.hash, row.body);
 */
export function createPlaybookCache(): PlaybookCache {
  const kept = new Map<string, { body: string; playbook: Playbook }>();
  return {
    parse(hash, body) {
      const hit = kept.get(hash);
      if (hit && hit.body === body) {
        // Most recently used last, so the oldest goes first when full.
        kept.delete(hash);
        kept.set(hash, hit);
        return hit.playbook;
      }
      const playbook = deepFreeze(JSON.parse(body) as Playbook);
      kept.delete(hash);
      kept.set(hash, { body, playbook });
      if (kept.size > keptPlaybooks) kept.delete(kept.keys().next().value!);
      return playbook;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

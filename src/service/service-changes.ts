/**
 * Announces committed changes: a store whose transactions note the events appended in them and,
 * once the transaction has committed, publish one {@link ReleaseChange} per release (its newest
 * seq) on the change bus. A transaction that throws (rolled back) announces nothing. Every use
 * case keeps calling `ctx.store.transaction` and `recordEvent` as before.
 */
import type { ReleaseEvent } from '../core/release-model.ts';
import type { ChangeBus, ReleaseChange } from '../store/change-bus.ts';
import type { Store, StoreWriter } from '../store/store.ts';

/**
 * `store`, with transactions that publish on `bus` after they commit. A publish that fails is
 * reported to `onError` and does not fail the write, which is committed: watchers catch up on the
 * next change of the release, or on the bus's resync after it reconnects.
 *
 * @example
 * const store = publishAfterCommit(await openStore(url), bus, (e) => log.warn(e));
 */
export function publishAfterCommit(
  store: Store,
  bus: ChangeBus,
  onError: (error: unknown) => void,
): Store {
  async function transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    let changes: ReleaseChange[] = [];
    const result = await store.transaction(async (tx) => {
      // Reset per attempt, in case a store ever runs `fn` again after a failed try.
      const newest = new Map<string, number>();
      changes = [];
      const watched = overriding(tx, 'appendEvent', async (event: ReleaseEvent) => {
        await tx.appendEvent(event);
        const seen = newest.get(event.releaseId);
        if (seen === undefined || event.seq > seen) newest.set(event.releaseId, event.seq);
      });
      const out = await fn(watched);
      // Read in the transaction: the project and version as this write left them.
      for (const [releaseId, seq] of newest) {
        const release = await tx.getRelease(releaseId);
        if (release)
          changes.push({ project: release.project, releaseId, version: release.version, seq });
      }
      return out;
    });
    if (changes.length) {
      try {
        await bus.publish(changes);
      } catch (error) {
        report(onError, error);
      }
    }
    return result;
  }
  return overriding(store, 'transaction', transaction);
}

function report(onError: (error: unknown) => void, error: unknown) {
  try {
    onError(error);
  } catch {
    // A reporter that throws must not turn a committed write into an error.
  }
}

/**
 * `target` with one method replaced; every other property is the target's own, methods bound to
 * it (so a class instance keeps its `this`).
 */
function overriding<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop === key) return value;
      const v: unknown = Reflect.get(t, prop, t);
      return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(t) : v;
    },
  });
}

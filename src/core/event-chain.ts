/**
 * The release event log as a hash chain: each event's hash covers its content and the hash of
 * the event before, so editing, deleting or reordering any event breaks the chain at that point
 * and `gonogo audit verify` can say where.
 */
import { InputError } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import type { ChainHead, EventOrigin, ReleaseEvent } from './release-model.ts';

/** The `prevHash` of a release's first event. */
export const genesisHash: string = '0'.repeat(64);

/** The head of an empty log. */
export const emptyHead: ChainHead = { count: 0, hash: genesisHash };

/**
 * SHA-256 over the canonical JSON of the event's content and `prevHash` (never its own hash,
 * nor any other field a store may add). `realAt` and `origin` are hashed only when present, so
 * events written before they existed hash as they always did.
 *
 * @example hashEvent({ releaseId: 'r1', seq: 1, at, actor: 'ann', type: 'release.started', payload: {}, prevHash: genesisHash })
 */
export function hashEvent(e: Omit<ReleaseEvent, 'hash'>): string {
  const { releaseId, seq, at, realAt, actor, origin, type, payload, prevHash } = e;
  return sha256(
    canonicalJson({
      releaseId,
      seq,
      at,
      actor,
      type,
      payload,
      prevHash,
      ...(realAt !== undefined ? { realAt } : {}),
      ...(origin !== undefined ? { origin } : {}),
    }),
  );
}

/**
 * The head of a log (events in log order): its newest event's seq and hash.
 *
 * @example headOf([]) // { count: 0, hash: genesisHash }
 */
export function headOf(events: readonly ReleaseEvent[]): ChainHead {
  const last = events.at(-1);
  return last ? { count: last.seq, hash: last.hash } : emptyHead;
}

/**
 * The next event of a release's chain, after `prev` (undefined for the first event).
 *
 * @example
 * const first = chainEvent(undefined, { releaseId: 'r1', at, actor: 'ann', type: 'release.started', payload: { version: '1.2.0' } });
 * const second = chainEvent(first, { releaseId: 'r1', at, actor: 'ann', type: 'item.state', payload: { item: 3 } });
 */
export function chainEvent(
  prev: ReleaseEvent | undefined,
  e: {
    releaseId: string;
    at: string;
    /** The real time, only when `at` comes from an overridden clock. */
    realAt?: string;
    actor: string;
    /** Where the change came from, when known (server mode). */
    origin?: EventOrigin;
    type: string;
    payload: unknown;
  },
): ReleaseEvent {
  if (prev && prev.releaseId !== e.releaseId) {
    throw new InputError(
      `cannot chain an event of release ${e.releaseId} after an event of release ${prev.releaseId}`,
    );
  }
  const body: Omit<ReleaseEvent, 'hash'> = {
    releaseId: e.releaseId,
    seq: prev ? prev.seq + 1 : 1,
    at: e.at,
    ...(e.realAt !== undefined ? { realAt: e.realAt } : {}),
    actor: e.actor,
    ...(e.origin !== undefined ? { origin: e.origin } : {}),
    type: e.type,
    payload: e.payload,
    prevHash: prev ? prev.hash : genesisHash,
  };
  return { ...body, hash: hashEvent(body) };
}

/** A place where the log is not what it claims to be. */
export interface ChainProblem {
  /** The event where it shows (for missing newest events, the first one missing). */
  seq: number;
  message: string;
}

/**
 * Recomputes a release's chain (events in log order) and reports, at its `seq`, each event
 * whose hash does not match its content, whose `prevHash` is not the hash of the event before
 * it, or whose `seq` is not the one after the event before it. With `anchor` (the head the
 * release row keeps), it also reports a log that ends elsewhere: deleted or added newest events,
 * or a replaced newest event. `ok` when there is no problem.
 *
 * @example verifyChain(await store.listEvents(releaseId), release.head) // { ok: true, checked: 42, problems: [] }
 */
export function verifyChain(
  events: ReleaseEvent[],
  anchor?: ChainHead,
): { ok: boolean; checked: number; problems: ChainProblem[] } {
  const problems: ChainProblem[] = [];
  let prev: ReleaseEvent | undefined;
  for (const e of events) {
    const label = `event ${e.seq} (${e.type} by ${e.actor})`;
    const expectedSeq = prev ? prev.seq + 1 : 1;
    if (e.seq !== expectedSeq) {
      problems.push({
        seq: e.seq,
        message: prev
          ? `${label} follows event ${prev.seq}, where event ${expectedSeq} belongs: an event is missing or out of order`
          : `${label} opens the log, where event 1 belongs: the first events are missing`,
      });
    }
    const expectedPrev = prev ? prev.hash : genesisHash;
    if (e.prevHash !== expectedPrev) {
      problems.push({
        seq: e.seq,
        message: prev
          ? `${label} does not point at the hash of event ${prev.seq} before it: the log was changed before this point`
          : `${label} opens the log but does not point at the genesis hash`,
      });
    }
    if (hashEvent(e) !== e.hash) {
      problems.push({
        seq: e.seq,
        message: `${label} does not match its hash: it was edited after it was written`,
      });
    }
    prev = e;
  }
  if (anchor) problems.push(...compareHead(headOf(events), anchor));
  return { ok: problems.length === 0, checked: events.length, problems };
}

/**
 * How the log's actual head differs from the anchored one: fewer events (the newest were
 * deleted), more (added behind the service's back), or the same count with another hash (the
 * newest event was replaced or re-hashed).
 */
function compareHead(actual: ChainHead, anchor: ChainHead): ChainProblem[] {
  const short = (h: string) => h.slice(0, 12);
  const anchored = `the release anchors ${anchor.count} event${anchor.count === 1 ? '' : 's'} ending in hash ${short(anchor.hash)}`;
  if (actual.count < anchor.count) {
    const missing =
      anchor.count - actual.count === 1
        ? `event ${anchor.count} is`
        : `events ${actual.count + 1} to ${anchor.count} are`;
    return [
      {
        seq: actual.count + 1,
        message: `the log ends at event ${actual.count}, but ${anchored}: ${missing} missing (deleted from the end of the log)`,
      },
    ];
  }
  if (actual.count > anchor.count) {
    return [
      {
        seq: anchor.count + 1,
        message: `the log goes on to event ${actual.count}, but ${anchored}: events after ${anchor.count} were added outside the service`,
      },
    ];
  }
  if (actual.hash !== anchor.hash) {
    return [
      {
        seq: actual.count,
        message: `event ${actual.count} ends the log with hash ${short(actual.hash)}, but ${anchored}: the newest event was replaced`,
      },
    ];
  }
  return [];
}

/**
 * The release event log as a hash chain: each event's hash covers its content and the hash of
 * the event before, so editing, deleting or reordering any event breaks the chain at that point
 * and `gonogo audit verify` can say where.
 */
import { InputError } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import type { ReleaseEvent } from './release-model.ts';

/** The `prevHash` of a release's first event. */
export const genesisHash: string = '0'.repeat(64);

/**
 * SHA-256 over the canonical JSON of the event's content and `prevHash` (never its own hash,
 * nor any other field a store may add).
 *
 * @example hashEvent({ releaseId: 'r1', seq: 1, at, actor: 'ann', type: 'release.started', payload: {}, prevHash: genesisHash })
 */
export function hashEvent(e: Omit<ReleaseEvent, 'hash'>): string {
  const { releaseId, seq, at, actor, type, payload, prevHash } = e;
  return sha256(canonicalJson({ releaseId, seq, at, actor, type, payload, prevHash }));
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
  e: { releaseId: string; at: string; actor: string; type: string; payload: unknown },
): ReleaseEvent {
  if (prev && prev.releaseId !== e.releaseId) {
    throw new InputError(
      `cannot chain an event of release ${e.releaseId} after an event of release ${prev.releaseId}`,
    );
  }
  const body = {
    releaseId: e.releaseId,
    seq: prev ? prev.seq + 1 : 1,
    at: e.at,
    actor: e.actor,
    type: e.type,
    payload: e.payload,
    prevHash: prev ? prev.hash : genesisHash,
  };
  return { ...body, hash: hashEvent(body) };
}

/**
 * Recomputes a release's chain (events in log order) and reports, at its `seq`, each event
 * whose hash does not match its content, whose `prevHash` is not the hash of the event before
 * it, or whose `seq` is not the one after the event before it. `ok` when there is none.
 *
 * @example verifyChain(await store.listEvents(releaseId)) // { ok: true, checked: 42, problems: [] }
 */
export function verifyChain(events: ReleaseEvent[]): {
  ok: boolean;
  checked: number;
  problems: { seq: number; message: string }[];
} {
  const problems: { seq: number; message: string }[] = [];
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
  return { ok: problems.length === 0, checked: events.length, problems };
}

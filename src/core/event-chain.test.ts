import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import {
  chainEvent,
  emptyHead,
  genesisHash,
  hashEvent,
  headOf,
  verifyChain,
} from './event-chain.ts';
import type { ReleaseEvent } from './release-model.ts';

/** A five-event log as the service writes it. */
function buildLog(): ReleaseEvent[] {
  const steps = [
    {
      actor: 'ann@example.com',
      type: 'release.started',
      payload: { version: '1.4.0', commit: 'a1b2c3d' },
    },
    {
      actor: 'ann@example.com',
      type: 'item.state',
      payload: { item: 1, from: 'pending', to: 'passed' },
    },
    {
      actor: 'bob@example.com',
      type: 'item.state',
      payload: { item: 2, from: 'pending', to: 'done', note: 'ok' },
    },
    {
      actor: 'rita@example.com',
      type: 'signoff.recorded',
      payload: { role: 'qa-lead', verdict: 'go' },
    },
    {
      actor: 'rita@example.com',
      type: 'decision.recorded',
      payload: { gate: 'go-no-go', outcome: 'go' },
    },
  ];
  const log: ReleaseEvent[] = [];
  steps.forEach((s, i) => {
    log.push(chainEvent(log.at(-1), { releaseId: 'r1', at: `2026-05-04T09:0${i}:00.000Z`, ...s }));
  });
  return log;
}

/** The log as it comes back from a store: plain JSON, keys in any order. */
const roundTrip = (events: ReleaseEvent[]): ReleaseEvent[] =>
  (JSON.parse(JSON.stringify(events)) as ReleaseEvent[]).map(
    (e) => Object.fromEntries(Object.entries(e).reverse()) as unknown as ReleaseEvent,
  );

const seqs = (events: ReleaseEvent[]) => verifyChain(events).problems.map((p) => p.seq);

describe('chainEvent and hashEvent', () => {
  it('starts at seq 1 on the genesis hash and links each event to the one before', () => {
    const log = buildLog();
    expect(genesisHash).toBe('0'.repeat(64));
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(log[0]!.prevHash).toBe(genesisHash);
    for (let i = 1; i < log.length; i++) expect(log[i]!.prevHash).toBe(log[i - 1]!.hash);
    expect(new Set(log.map((e) => e.hash)).size).toBe(5);
  });

  it('hashes the canonical JSON of the content and prevHash, and nothing else', () => {
    const [first] = buildLog();
    const { hash, ...body } = first!;
    expect(hash).toBe(sha256(canonicalJson(body)));
    expect(hashEvent({ ...body, extra: 'a store column' } as typeof body)).toBe(hash);
    expect(hashEvent({ ...body, payload: { commit: 'a1b2c3d', version: '1.4.0' } })).toBe(hash);
    expect(hashEvent({ ...body, payload: { version: '1.4.1', commit: 'a1b2c3d' } })).not.toBe(hash);
  });

  it('hashes realAt only when present, so events without it hash as before', () => {
    const [first] = buildLog();
    const { hash, ...body } = first!;
    // The hash of an event without realAt is the one it always had: the fields above, no more.
    expect(hash).toBe(
      sha256(
        canonicalJson({
          releaseId: body.releaseId,
          seq: body.seq,
          at: body.at,
          actor: body.actor,
          type: body.type,
          payload: body.payload,
          prevHash: body.prevHash,
        }),
      ),
    );
    const overridden = chainEvent(undefined, {
      releaseId: 'r1',
      at: '2026-11-23T10:00:00.000Z',
      realAt: '2026-05-04T09:00:00.000Z',
      actor: 'ann@example.com',
      type: 'release.started',
      payload: {},
    });
    expect(overridden.realAt).toBe('2026-05-04T09:00:00.000Z');
    const { hash: h2, ...b2 } = overridden;
    expect(h2).toBe(sha256(canonicalJson(b2)));
    // Removing the real time (to hide the override) breaks the hash.
    const { realAt: _r, ...hidden } = b2;
    expect(hashEvent(hidden)).not.toBe(h2);
    expect(verifyChain([{ ...hidden, hash: h2 }]).problems).toEqual([
      { seq: 1, message: expect.stringMatching(/does not match its hash/) },
    ]);
  });

  it('hashes origin only when present: it covers where a change came from, old events hash as before', () => {
    const log = buildLog();
    const origin = { address: '203.0.113.7', userAgent: 'gonogo/0.3 (ci)', tokenId: 't-42' };
    // A log that goes on with events that know where they came from, after ones that did not.
    const posted = chainEvent(log.at(-1), {
      releaseId: 'r1',
      at: '2026-05-04T10:00:00.000Z',
      actor: 'ci@example.com',
      origin,
      type: 'check.result',
      payload: { item: 1, result: 'passed' },
    });
    expect(posted.origin).toEqual(origin);
    const { hash, ...body } = posted;
    expect(hash).toBe(sha256(canonicalJson(body)));
    const mixed = [...log, posted];
    expect(verifyChain(roundTrip(mixed))).toMatchObject({ ok: true, checked: 6 });
    // Each part of the origin is covered: changed, or dropped to hide where it came from.
    const { origin: _o, ...dropped } = posted;
    expect(seqs([...log, { ...posted, origin: { ...origin, tokenId: 't-43' } }])).toEqual([6]);
    expect(seqs([...log, { ...posted, origin: { ...origin, address: '198.51.100.1' } }])).toEqual([
      6,
    ]);
    expect(seqs([...log, dropped])).toEqual([6]);
    // And an origin added to an event written without one.
    const added = { ...log[2]!, origin };
    expect(seqs([log[0]!, log[1]!, added, log[3]!, log[4]!])).toEqual([3]);
  });

  it('refuses to chain an event onto another release', () => {
    const [first] = buildLog();
    expect(() =>
      chainEvent(first, {
        releaseId: 'r2',
        at: '2026-05-04T10:00:00.000Z',
        actor: 'a',
        type: 't',
        payload: null,
      }),
    ).toThrow(InputError);
  });
});

describe('verifyChain', () => {
  it('accepts an untouched log, also after a round trip through JSON', () => {
    expect(verifyChain(buildLog())).toEqual({ ok: true, checked: 5, problems: [] });
    expect(verifyChain(roundTrip(buildLog()))).toEqual({ ok: true, checked: 5, problems: [] });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0, problems: [] });
  });

  it('reports an edited payload at that event only', () => {
    const log = buildLog();
    log[2] = { ...log[2]!, payload: { item: 2, from: 'pending', to: 'done', note: 'all good' } };
    const result = verifyChain(log);
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(5);
    expect(result.problems).toEqual([
      {
        seq: 3,
        message: expect.stringMatching(
          /event 3 \(item.state by bob@example.com\) does not match its hash/,
        ),
      },
    ]);
  });

  it('reports a changed actor at that event', () => {
    const log = buildLog();
    log[3] = { ...log[3]!, actor: 'mallory@example.com' };
    expect(seqs(log)).toEqual([4]);
  });

  it('reports an edit that also recomputed the event hash at the event after it', () => {
    const log = buildLog();
    const { hash: _old, ...body } = {
      ...log[1]!,
      payload: { item: 1, from: 'pending', to: 'waived' },
    };
    log[1] = { ...body, hash: hashEvent(body) };
    const result = verifyChain(log);
    expect(result.problems).toEqual([
      { seq: 3, message: expect.stringMatching(/does not point at the hash of event 2/) },
    ]);
  });

  it('reports a deleted event at the event that follows the gap', () => {
    const log = buildLog();
    log.splice(2, 1);
    const result = verifyChain(log);
    expect(result.checked).toBe(4);
    expect(new Set(result.problems.map((p) => p.seq))).toEqual(new Set([4]));
    expect(result.problems.map((p) => p.message).join('\n')).toMatch(/event 3 belongs/);
  });

  it('reports a deleted last event nowhere, since nothing points at it, but a deleted first one', () => {
    const log = buildLog();
    expect(seqs(log.slice(0, 4))).toEqual([]);
    expect(new Set(seqs(log.slice(1)))).toEqual(new Set([2]));
  });

  it('reports events swapped in the log where the order breaks', () => {
    const log = buildLog();
    [log[2], log[3]] = [log[3]!, log[2]!];
    const problems = verifyChain(log).problems;
    // Event 4 now comes right after event 2: that is where the log first goes wrong.
    expect(problems[0]!.seq).toBe(4);
    expect(new Set(problems.map((p) => p.seq))).toEqual(new Set([4, 3, 5]));
  });

  it('reports events whose seq numbers were swapped at both of them', () => {
    const log = buildLog();
    const a = log[2]!;
    const b = log[3]!;
    log[2] = { ...b, seq: 3 };
    log[3] = { ...a, seq: 4 };
    expect(new Set(seqs(log))).toEqual(new Set([3, 4, 5]));
    expect(
      verifyChain(log)
        .problems.filter((p) => /does not match its hash/.test(p.message))
        .map((p) => p.seq),
    ).toEqual([3, 4]);
  });

  it('reports a forged first event that does not start on the genesis hash', () => {
    const log = buildLog();
    const { hash: _h, ...body } = { ...log[0]!, prevHash: 'f'.repeat(64) };
    log[0] = { ...body, hash: hashEvent(body) };
    const problems = verifyChain(log).problems;
    expect(problems[0]).toEqual({ seq: 1, message: expect.stringMatching(/genesis hash/) });
  });
});

describe('verifyChain against the anchored head', () => {
  it('accepts a log that ends where the release says it does', () => {
    const log = buildLog();
    expect(headOf(log)).toEqual({ count: 5, hash: log[4]!.hash });
    expect(headOf([])).toEqual(emptyHead);
    expect(verifyChain(log, headOf(log)).ok).toBe(true);
    expect(verifyChain([], emptyHead).ok).toBe(true);
  });

  it('reports a deleted newest event, which the chain alone cannot see', () => {
    const log = buildLog();
    const anchor = headOf(log);
    expect(verifyChain(log.slice(0, 4)).ok).toBe(true);
    const result = verifyChain(log.slice(0, 4), anchor);
    expect(result.problems).toEqual([
      {
        seq: 5,
        message: expect.stringMatching(
          /the log ends at event 4, but the release anchors 5 events .*: event 5 is missing/,
        ),
      },
    ]);
    expect(verifyChain(log.slice(0, 2), anchor).problems[0]!.message).toMatch(
      /events 3 to 5 are missing/,
    );
    expect(verifyChain([], anchor).problems[0]!.seq).toBe(1);
  });

  it('reports events added after the anchor, and a replaced newest event', () => {
    const log = buildLog();
    expect(verifyChain(log, headOf(log.slice(0, 3))).problems).toEqual([
      { seq: 4, message: expect.stringMatching(/goes on to event 5.*added outside/) },
    ]);
    // The newest event rewritten and re-hashed: the chain holds, the anchor does not.
    const { hash: _h, ...body } = { ...log[4]!, payload: { gate: 'go-no-go', outcome: 'no-go' } };
    const forged = [...log.slice(0, 4), { ...body, hash: hashEvent(body) }];
    expect(verifyChain(forged).ok).toBe(true);
    expect(verifyChain(forged, headOf(log)).problems).toEqual([
      { seq: 5, message: expect.stringMatching(/the newest event was replaced/) },
    ]);
  });

  it('reports a deleted middle event at the gap, not at the head', () => {
    const log = buildLog();
    const gap = [...log.slice(0, 2), ...log.slice(3)];
    const result = verifyChain(gap, headOf(log));
    expect(new Set(result.problems.map((p) => p.seq))).toEqual(new Set([4]));
  });
});

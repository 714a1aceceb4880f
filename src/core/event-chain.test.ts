import { describe, expect, it } from 'vitest';
import { InputError } from './errors.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { chainEvent, genesisHash, hashEvent, verifyChain } from './event-chain.ts';
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

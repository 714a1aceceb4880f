import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReleaseEvent } from '../core/release-model.ts';
import { createChangeFanout } from '../store/change-bus.ts';
import { createReleaseFeeds } from './server-release-feeds.ts';
import type { FeedAudience, FeedFrame } from './server-release-feeds.ts';

/** A release's log in memory, paged like the store (3 events a page), counting its reads. */
function makeLog(pageSize = 3) {
  const events = new Map<string, ReleaseEvent[]>();
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    append(releaseId: string, origin = false): ReleaseEvent {
      const list = events.get(releaseId) ?? [];
      events.set(releaseId, list);
      const event: ReleaseEvent = {
        releaseId,
        seq: list.length + 1,
        at: '2026-12-01T10:00:00.000Z',
        actor: 'qa@example.com',
        type: 'item.state',
        payload: { n: list.length + 1 },
        prevHash: '0'.repeat(64),
        hash: String(list.length + 1).padStart(64, '0'),
        ...(origin ? { origin: { address: '10.0.0.9', userAgent: 'curl', tokenId: 't1' } } : {}),
      };
      list.push(event);
      return event;
    },
    read(releaseId: string, after: number): Promise<ReleaseEvent[]> {
      reads++;
      const list = events.get(releaseId) ?? [];
      return Promise.resolve(list.filter((e) => e.seq > after).slice(0, pageSize));
    },
  };
}

function setUp() {
  const log = makeLog();
  const fanout = createChangeFanout((e) => {
    throw e;
  });
  const feeds = createReleaseFeeds({
    changes: fanout,
    readEventsSince: (id, after) => log.read(id, after),
    showEvent: (event: ReleaseEvent, audience: FeedAudience) => {
      if (audience === 'admin' || !event.origin) return event;
      const { origin: _o, ...rest } = event;
      return rest;
    },
  });
  const publish = (releaseId: string) => {
    const event = log.append(releaseId, true);
    fanout.deliver({ project: 'acme/app', releaseId, version: '1.0.0', seq: event.seq });
  };
  return { log, fanout, feeds, publish };
}

const seqs = (frames: FeedFrame[]) => frames.map((f) => f.seq);

describe('release feeds', () => {
  it('reads a change once for all its watchers and hands all of them the same frame', async () => {
    const { log, feeds, publish } = setUp();
    publish('r1');
    const watches = Array.from({ length: 100 }, () => feeds.watch('r1', 'member', () => {}));
    const first = await Promise.all(watches.map((w) => w.framesAfter(0)));
    expect(first.every((f) => seqs(f).join() === '1')).toBe(true);
    const before = log.reads;
    publish('r1');
    const second = await Promise.all(watches.map((w) => w.framesAfter(1)));
    // One read for the new event and one that finds no more, for all 100 watchers together.
    expect(log.reads - before).toBe(2);
    expect(new Set(second.map((f) => f[0]!.text)).size).toBe(1);
    expect(second[0]![0]!.text).toMatch(/^id: 2\ndata: \{.*\}\n\n$/);
  });

  it('wakes the watchers of the changed release only, and shows the origin to admins only', async () => {
    const { feeds, publish } = setUp();
    let woke1 = 0;
    let woke2 = 0;
    const admin = feeds.watch('r1', 'admin', () => woke1++);
    const member = feeds.watch('r2', 'member', () => woke2++);
    publish('r1');
    expect([woke1, woke2]).toEqual([1, 0]);
    publish('r2');
    expect([woke1, woke2]).toEqual([1, 1]);
    const [a] = await admin.framesAfter(0);
    const [m] = await member.framesAfter(0);
    expect(a!.text).toContain('10.0.0.9');
    expect(m!.text).not.toContain('10.0.0.9');
    expect(m!.text).not.toContain('origin');
  });

  it('gives a watcher far behind its gap from the store, then the kept frames, without a hole or a repeat', async () => {
    const { feeds, publish, log } = setUp();
    const live = feeds.watch('r1', 'member', () => {});
    await live.framesAfter(0);
    for (let i = 0; i < 1205; i++) publish('r1');
    expect(seqs(await live.framesAfter(0))).toEqual(Array.from({ length: 1205 }, (_, i) => i + 1));
    const late = feeds.watch('r1', 'member', () => {});
    const readsBefore = log.reads;
    const frames = await late.framesAfter(7);
    expect(seqs(frames)).toEqual(Array.from({ length: 1198 }, (_, i) => i + 8));
    expect(log.reads).toBeGreaterThan(readsBefore);
  });

  it('reads again on a resync, so a change the bus lost still arrives', async () => {
    const { feeds, log, fanout } = setUp();
    let woke = 0;
    const w = feeds.watch('r1', 'member', () => woke++);
    expect(await w.framesAfter(0)).toEqual([]);
    log.append('r1'); // committed, but its signal was lost
    expect(await w.framesAfter(0)).toEqual([]);
    fanout.resync();
    expect(woke).toBe(1);
    expect(seqs(await w.framesAfter(0))).toEqual([1]);
  });

  it('stops listening to the bus when the last watcher of the last release goes', async () => {
    const { feeds, publish } = setUp();
    let woke = 0;
    const a = feeds.watch('r1', 'member', () => woke++);
    const b = feeds.watch('r1', 'member', () => woke++);
    expect(feeds.size).toBe(1);
    a.close();
    publish('r1');
    expect(woke).toBe(1);
    b.close();
    expect(feeds.size).toBe(0);
    publish('r1');
    expect(woke).toBe(1);
    // A new watcher starts a new feed that still sees everything after its start.
    const c = feeds.watch('r1', 'member', () => woke++);
    expect(seqs(await c.framesAfter(1))).toEqual([2]);
  });

  it('every watcher sees exactly the seqs after its start, in order, whatever the interleaving', async () => {
    type Step =
      { kind: 'write' } | { kind: 'watch'; after: number } | { kind: 'pull'; who: number };
    const step = fc.oneof(
      fc.constant<Step>({ kind: 'write' }),
      fc.nat(30).map<Step>((after) => ({ kind: 'watch', after })),
      fc.nat(10).map<Step>((who) => ({ kind: 'pull', who })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 80 }), async (steps) => {
        const { feeds, publish } = setUp();
        let written = 0;
        const watchers: {
          start: number;
          last: number;
          got: number[];
          pull: () => Promise<void>;
        }[] = [];
        for (const s of steps) {
          if (s.kind === 'write') {
            publish('r1');
            written++;
          } else if (s.kind === 'watch') {
            const start = Math.min(s.after, written);
            const w = feeds.watch('r1', 'member', () => {});
            const me = {
              start,
              last: start,
              got: [] as number[],
              pull: async () => {
                for (const f of await w.framesAfter(me.last)) {
                  me.got.push(f.seq);
                  me.last = f.seq;
                }
              },
            };
            watchers.push(me);
          } else if (watchers.length) {
            // Two watchers pulling at once, as streams woken together would (one stream never
            // pulls twice at once: its loop awaits each pull).
            const a = watchers[s.who % watchers.length]!;
            const b = watchers[(s.who + 1) % watchers.length]!;
            await Promise.all(a === b ? [a.pull()] : [a.pull(), b.pull()]);
          }
        }
        for (const w of watchers) {
          await w.pull();
          expect(w.got).toEqual(
            Array.from({ length: written - w.start }, (_, i) => w.start + i + 1),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * One feed per watched release, shared by all of its event streams: when the change bus says a
 * release's log grew, the feed reads the new events from the store once and serialises each
 * event once per audience (project admins see where a change came from, others do not); every
 * stream then writes the same ready-made frames. With a stream per watcher reading for itself,
 * one write cost as many store reads and `JSON.stringify`s as there were watchers (1,000 in the
 * bench: p99 628 ms from the write to the last watcher, bench/RESULTS.md).
 *
 * A feed keeps the newest {@link keptFrames} events; a stream further behind (a browser that
 * resumes after a long sleep) reads its gap from the store itself, then joins the shared frames.
 * The bus carries only "the log grew to seq N", so a lost or repeated signal costs a read,
 * never a gap: on a resync signal every feed reads again from its newest seq.
 */
import type { ReleaseEvent } from '../core/release-model.ts';
import type { ServerChangeFeed } from './server-deps.ts';

/** Who reads: `admin` sees an event's origin address and user agent, `member` does not. */
export type FeedAudience = 'admin' | 'member';

/** One server-sent event, ready to write: `id:` the seq, `data:` the event as JSON. */
export interface FeedFrame {
  seq: number;
  text: string;
}

/** A stream's view of its release's feed. */
export interface FeedWatch {
  /** The frames after `seq` for this audience, oldest first (reads the store only when it must). */
  framesAfter(seq: number): Promise<FeedFrame[]>;
  /** Stops waking this watcher; the feed closes with its last watcher. */
  close(): void;
}

export interface ReleaseFeeds {
  /**
   * Starts watching a release: `onChange` is called (synchronously, from the bus's delivery)
   * whenever the release's log may have grown; the watcher then asks `framesAfter`.
   */
  watch(releaseId: string, audience: FeedAudience, onChange: () => void): FeedWatch;
  /** Releases being watched (for tests and shutdown logs). */
  readonly size: number;
}

export interface ReleaseFeedsOptions {
  changes: ServerChangeFeed;
  readEventsSince(releaseId: string, afterSeq: number): Promise<ReleaseEvent[]>;
  /** Shapes an event for an audience before it is serialised. */
  showEvent(event: ReleaseEvent, audience: FeedAudience): ReleaseEvent;
}

/** Events a feed keeps ready; older ones are read from the store by the stream that needs them. */
const keptFrames = 1000;

interface KeptEvent {
  seq: number;
  event: ReleaseEvent;
  frames: Partial<Record<FeedAudience, string>>;
}

interface Feed {
  /** The seq the kept events start after; undefined until the first read. */
  base: number | undefined;
  /** The newest seq read. */
  head: number;
  /** The newest seq the bus announced. */
  known: number;
  /** A resync asked for a read whatever `known` says. */
  stale: boolean;
  kept: KeptEvent[];
  reading: Promise<void> | undefined;
  watchers: Set<() => void>;
}

/**
 * Creates the feeds of one server instance; it subscribes to the bus while any release is watched.
 *
 * @example
 * const feeds = createReleaseFeeds({ changes, readEventsSince, showEvent: (e) => e });
 * const w = feeds.watch(releaseId, 'member', () => wake());
 * const frames = await w.framesAfter(0);
 */
export function createReleaseFeeds(options: ReleaseFeedsOptions): ReleaseFeeds {
  const feeds = new Map<string, Feed>();
  let unsubscribe: (() => void) | undefined;

  const wakeAll = (feed: Feed) => {
    for (const wake of feed.watchers) wake();
  };
  const subscribe = () =>
    options.changes.subscribe(
      (change) => {
        const feed = feeds.get(change.releaseId);
        if (!feed || change.seq <= feed.known) return;
        feed.known = change.seq;
        wakeAll(feed);
      },
      () => {
        for (const feed of feeds.values()) {
          feed.stale = true;
          wakeAll(feed);
        }
      },
    );

  /** Reads the feed up to what the bus announced, one read at a time for all its watchers. */
  const refresh = async (releaseId: string, feed: Feed): Promise<void> => {
    while (feed.base !== undefined && (feed.stale || feed.head < feed.known)) {
      feed.reading ??= (async () => {
        feed.stale = false;
        for (let page = await options.readEventsSince(releaseId, feed.head); page.length;) {
          for (const event of page) feed.kept.push({ seq: event.seq, event, frames: {} });
          feed.head = page.at(-1)!.seq;
          const drop = feed.kept.length - keptFrames;
          if (drop > 0) feed.base = feed.kept.splice(0, drop).at(-1)!.seq;
          // Up to an empty page: what the bus announced is only a lower bound (the feed may
          // have started after the signals, or missed some), and the log may be longer.
          page = await options.readEventsSince(releaseId, feed.head);
        }
        // A seq announced but not readable (never expected: the bus publishes after commit)
        // must not make every later call read again.
        feed.known = Math.min(feed.known, feed.head);
      })().finally(() => {
        feed.reading = undefined;
      });
      await feed.reading;
    }
  };

  const frameOf = (kept: KeptEvent, audience: FeedAudience): FeedFrame => {
    kept.frames[audience] ??=
      `id: ${kept.seq}\ndata: ${JSON.stringify(options.showEvent(kept.event, audience))}\n\n`;
    return { seq: kept.seq, text: kept.frames[audience] };
  };

  /** A stream behind the kept events reads its gap itself (frames made for it alone). */
  const readGap = async (
    releaseId: string,
    from: number,
    until: number,
    audience: FeedAudience,
  ): Promise<FeedFrame[]> => {
    const frames: FeedFrame[] = [];
    for (let page = await options.readEventsSince(releaseId, from); page.length;) {
      for (const event of page) {
        if (event.seq > until) return frames;
        frames.push(frameOf({ seq: event.seq, event, frames: {} }, audience));
      }
      page = await options.readEventsSince(releaseId, page.at(-1)!.seq);
    }
    return frames;
  };

  return {
    watch(releaseId, audience, onChange) {
      let feed = feeds.get(releaseId);
      if (!feed) {
        feed = {
          base: undefined,
          head: 0,
          known: 0,
          stale: false,
          kept: [],
          reading: undefined,
          watchers: new Set(),
        };
        feeds.set(releaseId, feed);
        unsubscribe ??= subscribe();
      }
      const own = feed;
      // A distinct function per watcher, so the same callback twice still counts twice.
      const wake = () => onChange();
      own.watchers.add(wake);
      return {
        async framesAfter(seq) {
          if (own.base === undefined) {
            // The feed's first read: start the kept events where this watcher starts.
            own.base = seq;
            own.head = seq;
            own.stale = true;
          }
          await refresh(releaseId, own);
          const gap = seq < own.base ? await readGap(releaseId, seq, own.base, audience) : [];
          const from = gap.at(-1)?.seq ?? seq;
          // Usually only the newest one or two are new to this watcher: search from the end.
          let start = own.kept.length;
          while (start > 0 && own.kept[start - 1]!.seq > from) start--;
          const kept = own.kept.slice(start).map((k) => frameOf(k, audience));
          return gap.length ? [...gap, ...kept] : kept;
        },
        close() {
          own.watchers.delete(wake);
          if (own.watchers.size || feeds.get(releaseId) !== own) return;
          feeds.delete(releaseId);
          if (!feeds.size) {
            unsubscribe?.();
            unsubscribe = undefined;
          }
        },
      };
    },
    get size() {
      return feeds.size;
    },
  };
}

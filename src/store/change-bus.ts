/**
 * Live updates below HTTP: "release R's log grew to seq N", published after a write commits and
 * delivered to whoever watches (the server's event streams). Only the fact travels, never the
 * events: a watcher reads them from the store with `listEventsSince`, so a lost or repeated
 * signal costs a read, not a wrong answer. Two implementations: in-process (one instance, SQLite)
 * here, and PostgreSQL LISTEN/NOTIFY (several instances) in `postgres-change-bus.ts`; a broker
 * can replace either behind the same interface.
 */
import { InternalError } from '../core/errors.ts';

/** The log of a release grew: its newest event is now `seq`. */
export interface ReleaseChange {
  project: string;
  releaseId: string;
  version: string;
  seq: number;
}

/**
 * Called synchronously for each change, in the bus's delivery loop: it must not do slow work
 * there (queue it, or start a promise and return), since every other listener waits for it. An
 * error it throws is caught and reported to `onError`; the others still get the change.
 */
export type ChangeListener = (change: ReleaseChange) => void;

/**
 * Called when the bus may have missed changes (it lost its connection and has it back): every
 * watcher should read its releases again from the last seq it saw. Same rules as
 * {@link ChangeListener}.
 */
export type ResyncListener = () => void;

export interface ChangeBus {
  /**
   * Tells every subscriber (of every instance sharing the bus) that these releases' logs grew.
   * Call it after the transaction that appended the events committed, never inside it.
   */
  publish(changes: readonly ReleaseChange[]): Promise<void>;
  /** Starts delivering changes to `onChange` (and resync signals to `onResync`); returns the stop. */
  subscribe(onChange: ChangeListener, onResync?: ResyncListener): () => void;
  /** Stops delivering to anyone and releases the bus's connection; publishing afterwards fails. */
  close(): Promise<void>;
}

export interface ChangeBusOptions {
  /**
   * Where the bus reports what it cannot throw to a caller: a listener that threw, a lost
   * connection, a malformed message. A warning on stderr unless told.
   */
  onError?: (error: unknown) => void;
}

/** The releases whose newest seq a bus remembers, to drop signals older than one delivered. */
const rememberedReleases = 10_000;

/**
 * The delivery half every bus shares: a set of listeners, each called synchronously with its
 * errors caught, and per release the newest seq delivered, so listeners never see a release's
 * seq go back or repeat (two instances' notifications may cross on the way).
 */
export interface ChangeFanout {
  deliver(change: ReleaseChange): void;
  resync(): void;
  subscribe(onChange: ChangeListener, onResync?: ResyncListener): () => void;
  /** Forgets every listener: nothing is called afterwards. */
  clear(): void;
}

/**
 * Creates the shared delivery loop of a bus.
 *
 * @example
 * const fanout = createChangeFanout(console.error);
 * fanout.subscribe((c) => queue.push(c));
 * fanout.deliver({ project: 'acme/app', releaseId: 'r1', version: '1.4.0', seq: 7 });
 */
export function createChangeFanout(onError: (error: unknown) => void): ChangeFanout {
  type Subscription = { onChange: ChangeListener; onResync?: ResyncListener; active: boolean };
  let subscriptions: Subscription[] = [];
  const newest = new Map<string, number>();
  const report = (error: unknown) => {
    try {
      onError(error);
    } catch {
      // A reporter that throws must not break delivery either.
    }
  };
  const each = (call: (s: Subscription) => void) => {
    // A snapshot: a listener that subscribes or stops another while being called changes the
    // next delivery, not this one; one that was stopped is skipped.
    for (const s of subscriptions) {
      if (!s.active) continue;
      try {
        call(s);
      } catch (error) {
        report(error);
      }
    }
  };
  return {
    deliver(change) {
      const seen = newest.get(change.releaseId);
      if (seen !== undefined && change.seq <= seen) return;
      // Map order is insertion order: re-inserting keeps the busiest releases, and the oldest
      // one goes when the map is full.
      newest.delete(change.releaseId);
      newest.set(change.releaseId, change.seq);
      if (newest.size > rememberedReleases) newest.delete(newest.keys().next().value!);
      each((s) => s.onChange(change));
    },
    resync() {
      each((s) => s.onResync?.());
    },
    subscribe(onChange, onResync) {
      const s: Subscription = { onChange, ...(onResync ? { onResync } : {}), active: true };
      subscriptions = [...subscriptions, s];
      return () => {
        s.active = false;
        subscriptions = subscriptions.filter((x) => x !== s);
      };
    },
    clear() {
      for (const s of subscriptions) s.active = false;
      subscriptions = [];
    },
  };
}

/**
 * Reports an error the bus cannot throw as a process warning (on stderr), the default of
 * {@link ChangeBusOptions.onError}.
 *
 * @example createMemoryChangeBus({ onError: warnChangeBusError });
 */
export function warnChangeBusError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), 'ChangeBusWarning');
}

/**
 * The bus of one instance: a publish is delivered to this process's subscribers before it
 * resolves. For SQLite, where one server instance owns the database.
 *
 * @example
 * const bus = createMemoryChangeBus();
 * const stop = bus.subscribe((c) => console.log(c.releaseId, c.seq));
 * await bus.publish([{ project: 'acme/app', releaseId: 'r1', version: '1.4.0', seq: 3 }]);
 * stop();
 */
export function createMemoryChangeBus(opts: ChangeBusOptions = {}): ChangeBus {
  const fanout = createChangeFanout(opts.onError ?? warnChangeBusError);
  let closed = false;
  return {
    publish(changes) {
      if (closed) return Promise.reject(closedError());
      for (const change of changes) fanout.deliver(change);
      return Promise.resolve();
    },
    subscribe: (onChange, onResync) => fanout.subscribe(onChange, onResync),
    close() {
      closed = true;
      fanout.clear();
      return Promise.resolve();
    },
  };
}

/**
 * The error of a publish on a closed bus: the caller's shutdown order is wrong.
 *
 * @example if (closed) throw closedError();
 */
export function closedError(): InternalError {
  return new InternalError(
    'a change was published on a closed change bus; close the bus after the service stops writing',
  );
}

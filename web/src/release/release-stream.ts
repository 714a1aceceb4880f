/**
 * A release's event log, live: `EventSource` on `…/events` (the browser resumes with
 * `Last-Event-ID` by itself after a dropped connection), events delivered in batches so the
 * first load of a long log renders once, and whether the stream is up (a page shows a quiet
 * banner while it is not). When the server refuses or ends the stream for good, it is opened
 * again after a pause from the last seq seen (`?after=`).
 */
import { useEffect, useRef, useState } from 'react';
import type { ReleaseEvent } from '../web-api-types.ts';

export interface ReleaseStream {
  events: ReleaseEvent[];
  /** False from a lost connection until the stream is back. */
  connected: boolean;
}

const reopenMs = 3_000;

/**
 * Follows the events of the release at `apiPath` (`/projects/…/releases/…`); `onEvents` hears
 * every batch of new ones.
 *
 * @example const { events, connected } = useReleaseStream(releasePath(p, v), () => refetch());
 */
export function useReleaseStream(
  apiPath: string,
  onEvents: (batch: ReleaseEvent[]) => void,
): ReleaseStream {
  const [events, setEvents] = useState<ReleaseEvent[]>([]);
  const [connected, setConnected] = useState(true);
  const listener = useRef(onEvents);
  listener.current = onEvents;

  useEffect(() => {
    let source: EventSource | undefined;
    let last = 0;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let flush: ReturnType<typeof setTimeout> | undefined;
    let batch: ReleaseEvent[] = [];
    let stopped = false;
    setEvents([]);

    const deliver = () => {
      flush = undefined;
      const now = batch;
      batch = [];
      if (!now.length || stopped) return;
      setEvents((prev) => [...prev, ...now]);
      listener.current(now);
    };
    const open = () => {
      const url = `/api/v1${apiPath}/events${last ? `?after=${last}` : ''}`;
      const es = new EventSource(url, { withCredentials: true });
      source = es;
      es.onopen = () => setConnected(true);
      es.onmessage = (message) => {
        let event: ReleaseEvent;
        try {
          event = JSON.parse(message.data as string) as ReleaseEvent;
        } catch {
          return;
        }
        if (event.seq <= last) return;
        last = event.seq;
        batch.push(event);
        flush ??= setTimeout(deliver, 50);
      };
      es.onerror = () => {
        setConnected(false);
        if (es.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          reopen = setTimeout(open, reopenMs);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(reopen);
      clearTimeout(flush);
    };
  }, [apiPath]);

  return { events, connected };
}

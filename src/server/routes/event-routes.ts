/**
 * A release's events: as JSON after a seq, or, with `Accept: text/event-stream`, as
 * server-sent events (`id:` the seq) from `Last-Event-ID` or `?after=` on, then live as the
 * change bus announces new ones. The bus carries only "the log grew to seq N"; the events are
 * read from the store, so a lost or repeated signal costs a read, never a gap. A resync (the
 * bus lost its connection) re-reads from the last seq sent. A comment line every heartbeat
 * keeps proxies from closing an idle stream.
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { hasProjectRole } from '../../core/account-roles.ts';
import { InputError, EnvironmentError } from '../../core/errors.ts';
import type { ReleaseEvent } from '../../core/release-model.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import type { StreamRegistry } from '../server-streams.ts';
import { mountRoute } from '../server-route.ts';
import { serviceOf, versionOf } from './release-support.ts';

/** Mounts listEvents (JSON and server-sent events). */
export function mountEventRoutes(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
  streams: StreamRegistry,
): void {
  mountRoute(app, deps, base, 'listEvents', async (call) => {
    const svc = serviceOf(deps, call);
    const after = afterOf(call.c, call.query.after as number | undefined);
    const { release } = await svc.getRelease(versionOf(call));
    const show = showEventTo(hasProjectRole(call.roles, 'admin'));
    if ((call.c.req.header('accept') ?? '').includes('text/event-stream')) {
      return streamEvents(call.c, deps, streams, release.id, after, show);
    }
    const events = [];
    for (let page = await deps.directory.readEventsSince(release.id, after); page.length;) {
      events.push(...page.map(show));
      page = await deps.directory.readEventsSince(release.id, page.at(-1)!.seq);
    }
    return { events };
  });
}

/**
 * An event as a reader may see it: where a change came from (client address, user agent) is
 * for the project's admins; others see which token made it, never from where.
 */
function showEventTo(admin: boolean): (event: ReleaseEvent) => ReleaseEvent {
  return (event) => {
    if (admin || !event.origin) return event;
    const { tokenId } = event.origin;
    const { origin: _origin, ...rest } = event;
    return tokenId ? { ...rest, origin: { tokenId } } : rest;
  };
}

/** Where to start: `?after=`, else `Last-Event-ID`, else the beginning. */
function afterOf(c: Context<ServerEnv>, after: number | undefined): number {
  if (after !== undefined) return after;
  const header = c.req.header('last-event-id');
  if (header === undefined || header.trim() === '') return 0;
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new InputError([{ message: 'Last-Event-ID must be the seq of an event' }], {
      field: 'Last-Event-ID',
    });
  }
  return Number(header.trim());
}

function streamEvents(
  c: Context<ServerEnv>,
  deps: ServerDeps,
  streams: StreamRegistry,
  releaseId: string,
  after: number,
  show: (event: ReleaseEvent) => ReleaseEvent,
): Response {
  if (streams.closing)
    throw new EnvironmentError({
      place: 'the server',
      message: 'the server is shutting down',
      fix: 'reconnect in a moment',
    });
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  return streamSSE(c, async (stream) => {
    let last = after;
    let dirty = true;
    let closed = false;
    let wake: (() => void) | undefined;
    const poke = () => wake?.();
    const unsubscribe = deps.changes.subscribe(
      (change) => {
        if (change.releaseId === releaseId && change.seq > last) {
          dirty = true;
          poke();
        }
      },
      () => {
        dirty = true;
        poke();
      },
    );
    const stop = () => {
      closed = true;
      poke();
    };
    const unregister = streams.add(stop);
    stream.onAbort(stop);
    try {
      while (!closed) {
        while (dirty && !closed) {
          dirty = false;
          for (let page = await deps.directory.readEventsSince(releaseId, last); page.length;) {
            for (const event of page) {
              await stream.writeSSE({ id: String(event.seq), data: JSON.stringify(show(event)) });
              last = event.seq;
            }
            page = await deps.directory.readEventsSince(releaseId, last);
          }
        }
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(() => resolve(true), heartbeatMs);
          if (closed || dirty) resolve(false);
        });
        clearTimeout(timer);
        wake = undefined;
        if (timedOut && !closed) await stream.write(': heartbeat\n\n');
      }
    } finally {
      unsubscribe();
      unregister();
    }
  });
}

/**
 * A release's events: as JSON after a seq, or, with `Accept: text/event-stream`, as
 * server-sent events (`id:` the seq) from `Last-Event-ID` or `?after=` on, then live as the
 * change bus announces new ones, through the release's shared feed (server-release-feeds.ts:
 * one store read and one serialisation per event, whatever the number of watchers). A comment
 * line every heartbeat keeps proxies from closing an idle stream.
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { hasProjectRole } from '../../core/account-roles.ts';
import { InputError, EnvironmentError } from '../../core/errors.ts';
import type { ReleaseEvent } from '../../core/release-model.ts';
import type { ServerEnv } from '../server-auth.ts';
import type { ServerDeps } from '../server-deps.ts';
import type { StreamRegistry } from '../server-streams.ts';
import { createReleaseFeeds } from '../server-release-feeds.ts';
import type { FeedAudience, ReleaseFeeds } from '../server-release-feeds.ts';
import { mountRoute } from '../server-route.ts';
import { serviceOf, versionOf } from './release-support.ts';

/** Mounts listEvents (JSON and server-sent events). */
export function mountEventRoutes(
  app: Hono<ServerEnv>,
  deps: ServerDeps,
  base: string,
  streams: StreamRegistry,
): void {
  const feeds = createReleaseFeeds({
    changes: deps.changes,
    readEventsSince: (releaseId, afterSeq) => deps.directory.readEventsSince(releaseId, afterSeq),
    showEvent,
  });
  mountRoute(app, deps, base, 'listEvents', async (call) => {
    const svc = serviceOf(deps, call);
    const after = afterOf(call.c, call.query.after as number | undefined);
    const { release } = await svc.getRelease(versionOf(call));
    const audience: FeedAudience = hasProjectRole(call.roles, 'admin') ? 'admin' : 'member';
    if ((call.c.req.header('accept') ?? '').includes('text/event-stream')) {
      return streamEvents(call.c, deps, streams, feeds, release.id, after, audience);
    }
    const events = [];
    for (let page = await deps.directory.readEventsSince(release.id, after); page.length;) {
      events.push(...page.map((event) => showEvent(event, audience)));
      page = await deps.directory.readEventsSince(release.id, page.at(-1)!.seq);
    }
    return { events };
  });
}

/**
 * An event as a reader may see it: where a change came from (client address, user agent) is
 * for the project's admins; others see which token made it, never from where.
 */
function showEvent(event: ReleaseEvent, audience: FeedAudience): ReleaseEvent {
  if (audience === 'admin' || !event.origin) return event;
  const { tokenId } = event.origin;
  const { origin: _origin, ...rest } = event;
  return tokenId ? { ...rest, origin: { tokenId } } : rest;
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
  feeds: ReleaseFeeds,
  releaseId: string,
  after: number,
  audience: FeedAudience,
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
    const watch = feeds.watch(releaseId, audience, () => {
      dirty = true;
      poke();
    });
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
          for (const frame of await watch.framesAfter(last)) {
            if (closed) break;
            await stream.write(frame.text);
            last = frame.seq;
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
      watch.close();
      unregister();
    }
  });
}

/**
 * The process analytics use case: the project's releases started in a period, their logs read
 * through the store's bounded analytics query (only the event types the fold needs, without
 * item evidence), and the playbook snapshots they name, folded by `core/release-analytics.ts`.
 */
import { InputError } from '../core/errors.ts';
import { assertTimeZone, parseMetricsBound } from '../core/metrics-time.ts';
import type { Playbook } from '../core/playbook.ts';
import { analyticsEventTypes, computeProcessAnalytics } from '../core/release-analytics.ts';
import type { AnalyticsInput, AnalyticsReport } from '../core/release-analytics.ts';
import type { ServiceContext } from './service-context.ts';

/** The default period: this many days before `until`. */
const defaultDays = 90;

/**
 * The process analytics of the service's project over a period.
 *
 * @example
 * const report = await analytics(ctx, { since: '2026-01-01', until: '2026-03-31' });
 * report.cycleTime.medianMs // the median time from start to production
 */
export async function analytics(
  ctx: ServiceContext,
  input: AnalyticsInput = {},
): Promise<AnalyticsReport> {
  const tz = input.tz ?? 'UTC';
  checkTimeZone(tz);
  const until = input.until !== undefined ? bound(input.until, tz, 'until') : ctx.now().getTime();
  const since =
    input.since !== undefined ? bound(input.since, tz, 'since') : until - defaultDays * 86_400_000;
  if (since >= until) {
    throw new InputError(
      [{ message: `the period is empty: since must come before until`, fix: 'swap them' }],
      { field: 'since' },
    );
  }
  const period = { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
  const read = await ctx.store.readReleaseHistories(ctx.project, {
    ...period,
    types: analyticsEventTypes,
  });
  const playbooks = new Map<string, Playbook>();
  for (const events of read.events.values()) {
    for (const e of events) {
      const hash = (e.payload as { playbook?: { hash?: unknown } } | null)?.playbook?.hash;
      if (typeof hash !== 'string' || playbooks.has(hash)) continue;
      const playbook = await ctx.store.getPlaybook(hash);
      if (playbook) playbooks.set(hash, playbook);
    }
  }
  const report = computeProcessAnalytics(
    read.releases.map((release) => ({ release, events: read.events.get(release.id) ?? [] })),
    playbooks,
    input.env !== undefined ? { environment: input.env } : {},
  );
  return {
    project: ctx.project,
    period,
    ...(input.env !== undefined ? { environment: input.env } : {}),
    truncated: read.truncated,
    ...report,
  };
}

/** A bound as an instant, with a neutral message (a web form shows it as it is). */
function checkTimeZone(tz: string): void {
  try {
    assertTimeZone(tz);
  } catch {
    throw new InputError(
      [{ message: `"${tz}" is not a time zone`, fix: 'name one as IANA does: UTC, Europe/Berlin' }],
      { field: 'tz' },
    );
  }
}

function bound(text: string, tz: string, which: 'since' | 'until'): number {
  try {
    return parseMetricsBound(text, tz, which);
  } catch {
    throw new InputError(
      [
        {
          message: `${which} "${text}" is neither a date (YYYY-MM-DD) nor an ISO-8601 time with an offset`,
          fix: 'give a date such as 2026-03-01 or a time such as 2026-03-01T09:00:00Z',
        },
      ],
      { field: which },
    );
  }
}

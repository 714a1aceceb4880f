/**
 * Calendar arithmetic in a time zone for the metrics: a date means that day's local midnight,
 * a week runs Monday 00:00 to Monday 00:00 local time, and a day across a DST change is 23 or
 * 25 hours long but still one day. Pure: the zone's rules come from Intl, no clock is read.
 */
import { UsageError } from './errors.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/**
 * Throws a UsageError naming `place` when `tz` is no time zone this runtime knows.
 *
 * @example assertTimeZone('Europe/Berlin', '--tz')
 */
export function assertTimeZone(tz: string, place = 'tz'): void {
  try {
    formatterOf(tz);
  } catch {
    throw new UsageError(
      `${place}: "${tz}" is not a time zone; name one as IANA does (UTC, Europe/Berlin, America/New_York)`,
      { field: place },
    );
  }
}

/** The local wall time of an instant, as if it were UTC (milliseconds). */
export function wallTimeOf(ms: number, tz: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(tz).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
}

/**
 * The instant at which the local wall clock shows `wall` (ms, as if UTC). A wall time shown
 * twice (the repeated hour) gives the first; one DST skips gives the instant the offset before
 * the change would give, which for a skipped midnight is the start of that day.
 *
 * @example instantOfWallTime(Date.UTC(2026, 2, 29), 'Europe/Berlin') // 2026-03-28T23:00Z
 */
export function instantOfWallTime(wall: number, tz: string): number {
  const offsetBefore = wallTimeOf(wall - 86_400_000, tz) - (wall - 86_400_000);
  const offsetAfter = wallTimeOf(wall + 86_400_000, tz) - (wall + 86_400_000);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (ms) => wallTimeOf(ms, tz) === wall,
  );
  return candidates.length ? Math.min(...candidates) : wall - offsetBefore;
}

/** The instant of local midnight starting the day `days` after the local day of `ms`. */
export function localMidnight(ms: number, tz: string, days = 0): number {
  const wall = wallTimeOf(ms, tz);
  const d = new Date(wall);
  return instantOfWallTime(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + days),
    tz,
  );
}

/** The instant of Monday 00:00 local time of the week holding `ms`. */
export function localWeekStart(ms: number, tz: string): number {
  const wall = new Date(wallTimeOf(ms, tz));
  const sinceMonday = (wall.getUTCDay() + 6) % 7;
  return localMidnight(ms, tz, -sinceMonday);
}

/**
 * Parses `--since`/`--until`: a date is that day's local midnight (`until` a date: the next
 * day's, so the day is included); an ISO time with an offset is that instant.
 *
 * @example parseMetricsBound('2026-03-01', 'UTC', 'since') // Date.UTC(2026, 2, 1)
 */
export function parseMetricsBound(text: string, tz: string, which: 'since' | 'until'): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const wall = Date.UTC(
      Number(date[1]),
      Number(date[2]) - 1,
      Number(date[3]) + (which === 'until' ? 1 : 0),
    );
    const check = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
    if (check.getUTCMonth() !== Number(date[2]) - 1)
      throw new UsageError(`${which}: ${text} is no calendar date`, { field: which });
    return instantOfWallTime(wall, tz);
  }
  const ms = Date.parse(text);
  if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || Number.isNaN(ms))
    throw new UsageError(
      `${which}: "${text}" is neither a date (YYYY-MM-DD) nor an ISO-8601 time with an offset (2026-03-01T09:00:00Z)`,
      { field: which },
    );
  return ms;
}

/**
 * Calendar days from `since` to `until` in the zone: the difference of their wall clocks, so a
 * period from midnight to midnight is a whole number of days even across a DST change.
 */
export function calendarDays(since: number, until: number, tz: string): number {
  return (wallTimeOf(until, tz) - wallTimeOf(since, tz)) / 86_400_000;
}

/**
 * The bounds of the local weeks the period [since, until) touches: `bounds[i]` to
 * `bounds[i + 1]` is one week (the first may start before `since`, the last end after `until`).
 *
 * @example weekBounds(Date.UTC(2026,0,5), Date.UTC(2026,0,19), 'UTC').length // 3 (two weeks)
 */
export function weekBounds(since: number, until: number, tz: string): number[] {
  const bounds = [localWeekStart(since, tz)];
  while (bounds.at(-1)! < until) bounds.push(localMidnight(bounds.at(-1)!, tz, 7));
  if (bounds.length === 1) bounds.push(localMidnight(bounds[0]!, tz, 7));
  return bounds;
}

/**
 * The release-window policy: denied weekdays, denied hours and freeze periods, judged in the
 * policy's own time zone. Pure: the instant to judge is passed in.
 */
import { InputError } from './errors.ts';
import type { WindowPolicy } from './playbook.ts';
import type { Weekday } from './playbook-schema.ts';
import type { Blocker } from './release-model.ts';

/** A wall-clock reading in some time zone. */
export interface LocalTime {
  /** `2026-11-20` */
  date: string;
  weekday: Weekday;
  /** `Friday` */
  dayName: string;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  /** `05:00` */
  time: string;
}

const weekdayByName: Record<string, Weekday> = {
  Monday: 'mon',
  Tuesday: 'tue',
  Wednesday: 'wed',
  Thursday: 'thu',
  Friday: 'fri',
  Saturday: 'sat',
  Sunday: 'sun',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'long',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        // h23, not hour12: false, which prints midnight as "24" in some engines.
        hourCycle: 'h23',
      });
    } catch (cause) {
      throw new InputError(
        [
          {
            message: `unknown time zone "${timeZone}" in policy.window.timezone`,
            fix: 'use an IANA name such as "Europe/Berlin" or "UTC"',
          },
        ],
        { cause },
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock date, weekday and time of an instant in an IANA time zone.
 *
 * @example localTime(new Date('2026-11-19T20:00:00Z'), 'Asia/Tokyo') // { date: '2026-11-20', weekday: 'fri', time: '05:00', ... }
 */
export function localTime(now: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(now)) parts[p.type] = p.value;
  const hour = Number(parts.hour) % 24;
  const minute = Number(parts.minute);
  const dayName = parts.weekday ?? '';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: weekdayByName[dayName] ?? 'mon',
    dayName,
    minutes: hour * 60 + minute,
    time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
  };
}

/** `"18:00-08:00"` → start and end in minutes, or undefined when it is not such a range. */
function parseHours(range: string): { start: number; end: number } | undefined {
  const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(range.trim());
  if (!m) return undefined;
  const at = (h: string, min: string) => Math.min(24 * 60, Number(h) * 60 + Number(min));
  return { start: at(m[1]!, m[2]!), end: at(m[3]!, m[4]!) };
}

/** Whether a local minute falls in a range; ranges wrap midnight, equal ends mean all day. */
function inHours(minutes: number, { start, end }: { start: number; end: number }): boolean {
  if (start < end) return minutes >= start && minutes < end;
  return minutes >= start || minutes < end;
}

/**
 * The release-window blockers at `now` under a policy (none without a policy): a denied
 * weekday (`window-day`), a denied hour range (`window-hours`; `18:00-08:00` wraps midnight,
 * `00:00-24:00` is all day), a freeze whose `from`..`to` dates (inclusive, local dates in the
 * policy's zone) contain today (`window-freeze`). A range that cannot be read blocks, so a typo
 * never opens the window.
 *
 * @example
 * checkWindow({ timezone: 'Europe/Berlin', deny: ['fri'] }, new Date('2026-05-08T14:05:00Z'));
 * // [{ kind: 'window-day', message: 'Friday 16:05 in Europe/Berlin is a denied day (policy.window.deny)' }]
 */
export function checkWindow(policy: WindowPolicy | undefined, now: Date): Blocker[] {
  if (!policy) return [];
  const zone = policy.timezone || 'UTC';
  const local = localTime(now, zone);
  const when = `${local.dayName} ${local.time} in ${zone}`;
  const blockers: Blocker[] = [];
  if (policy.deny?.includes(local.weekday)) {
    blockers.push({
      kind: 'window-day',
      message: `${when} is a denied day (policy.window.deny)`,
    });
  }
  for (const range of policy.deny_hours ?? []) {
    const hours = parseHours(range);
    if (!hours) {
      blockers.push({
        kind: 'window-hours',
        message: `policy.window.deny_hours "${range}" is not a range such as "18:00-08:00", so the window stays shut until it is fixed`,
      });
    } else if (inHours(local.minutes, hours)) {
      blockers.push({
        kind: 'window-hours',
        message: `${when} is within the denied hours ${range} (policy.window.deny_hours)`,
      });
    }
  }
  for (const f of policy.freezes ?? []) {
    if (f.from <= local.date && local.date <= f.to) {
      blockers.push({
        kind: 'window-freeze',
        message: `${local.date} in ${zone} is in a freeze from ${f.from} to ${f.to}: ${f.reason} (policy.window.freezes)`,
      });
    }
  }
  return blockers;
}

/** The release window of a playbook's policy in words a person reads at a glance. */
import type { WindowPolicy } from './playbook-types.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

const dayName = (d: string) => d[0]!.toUpperCase() + d.slice(1);

/** Weekdays as runs: `fri, sat, sun` → `Fri–Sun`; `mon, wed` → `Mon, Wed`. */
function daysInWords(days: readonly string[]): string {
  const indexes = [...new Set(days)]
    .map((d) => weekdays.indexOf(d as (typeof weekdays)[number]))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b);
  const runs: number[][] = [];
  for (const i of indexes) {
    const last = runs.at(-1);
    if (last && last.at(-1)! + 1 === i) last.push(i);
    else runs.push([i]);
  }
  return runs
    .map((run) => {
      const first = dayName(weekdays[run[0]!]!);
      if (run.length === 1) return first;
      const end = dayName(weekdays[run.at(-1)!]!);
      return run.length === 2 ? `${first}, ${end}` : `${first}–${end}`;
    })
    .join(', ');
}

/** `2026-12-20` → `20 Dec`; anything else as written. */
function dateInWords(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  const month = m ? months[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month}` : date;
}

/**
 * The window as one line; undefined when the playbook sets none.
 *
 * @example windowInWords({ timezone: 'Europe/Berlin', deny: ['fri', 'sat', 'sun'], freezes: [{ from: '2026-12-20', to: '2027-01-02', reason: 'Holiday freeze' }] })
 * // 'no releases Fri–Sun, Europe/Berlin; freeze 20 Dec – 2 Jan: Holiday freeze'
 */
export function windowInWords(window: WindowPolicy | undefined): string | undefined {
  if (!window) return undefined;
  const parts: string[] = [];
  const closed: string[] = [];
  if (window.deny?.length) closed.push(daysInWords(window.deny));
  if (window.deny_hours?.length) closed.push(window.deny_hours.join(', ').replace(/-/g, '–'));
  parts.push(
    closed.length
      ? `no releases ${closed.join(' and ')}, ${window.timezone}`
      : `times in ${window.timezone}`,
  );
  for (const f of window.freezes ?? []) {
    parts.push(`freeze ${dateInWords(f.from)} – ${dateInWords(f.to)}: ${f.reason}`);
  }
  if (window.override?.length) parts.push(`may be overridden by ${window.override.join(', ')}`);
  return parts.join('; ');
}

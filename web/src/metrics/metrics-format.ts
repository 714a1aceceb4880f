/** The metrics page's numbers in words: durations, rates, deployment frequency. */

/**
 * A duration in its two largest units: `2d 4h`, `5h 20m`, `45m`; `—` for none.
 *
 * @example formatSpan(90 * 60_000) // '1h 30m'
 */
export function formatSpan(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = Math.round(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  const shown = parts.filter((p, i) => i === 0 || !p.startsWith('0'));
  return shown.length ? shown.join(' ') : '0s';
}

/**
 * A ratio as a whole percentage.
 *
 * @example formatShare(0.254) // '25%'
 */
export function formatShare(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;
}

/**
 * Deployments per day in the unit that reads best: per day, per week or per month.
 *
 * @example formatFrequency(0.5) // '3.5 per week'
 */
export function formatFrequency(perDay: number | null | undefined): string {
  if (perDay === null || perDay === undefined) return '—';
  if (perDay >= 1) return `${round(perDay)} per day`;
  if (perDay * 7 >= 1) return `${round(perDay * 7)} per week`;
  return `${round(perDay * 30)} per month`;
}

const round = (n: number) => String(Math.round(n * 10) / 10);

/**
 * A date as the reader's short date.
 *
 * @example formatDay(Date.parse('2026-03-02T00:00:00Z')) // '2 Mar 2026'
 */
export function formatDay(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

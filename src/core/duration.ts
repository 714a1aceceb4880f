/**
 * Durations as people write them in playbooks: `90s`, `15m`, `2h`, `1d`, `1w`, `1h30m`, `250ms`.
 */

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Milliseconds in a duration string, or undefined when it is not one.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g))
    total += Number(n) * units[unit!]!;
  return total;
}

/** `1500` → `1.5s`, `90000` → `1m30s`: a short human form. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s ? `${m}m${s}s` : `${m}m`;
}

/**
 * A duration in its two largest units, for reports: `2d 4h`, `5h 20m`, `45m`, `30s`; `—` for
 * none (the CLI's metrics and process tables; the web page has its own copy, since web/ takes
 * only types from the server's code).
 *
 * @example formatSpan(90 * 60_000) // '1h 30m'
 */
export function formatSpan(ms: number | undefined): string {
  if (ms === undefined) return '—';
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

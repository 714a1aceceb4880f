/**
 * `gonogo metrics` as a compact table: each key, its value, its level and its trend against the
 * period before. Pure text; colours only through `paint`.
 */
import type { MetricsKey, MetricsReport } from '../api/api-metrics.ts';
import { formatSpan } from '../core/duration.ts';
import type { Output } from './cli-output.ts';
import { paint, table } from './cli-output.ts';

/** `93600` → `1d 2h`, `5400` → `1h 30m`, `42` → `42s`: two units at most. */
const formatSeconds = (seconds: number) => formatSpan(seconds * 1000);

const round = (n: number, digits = 2) => Number(n.toFixed(digits)).toString();
const percent = (r: number) => `${round(r * 100, 1)}%`;

function valueText(name: keyof MetricsReport['keys'], key: MetricsKey): string {
  if (key.value === null) return key.note ?? 'n/a';
  const detail = (key.detail ?? {}) as Record<string, number>;
  const n = (k: string) => detail[k] ?? 0;
  switch (name) {
    case 'deploymentFrequency':
      return `${round(n('perDay'))}/day, ${round(n('perWeek'))}/week, ${round(n('perMonth'), 1)}/month (${n('deployments')} deployments; ${n('weeksWithDeployments')} of ${n('weeks')} weeks)`;
    case 'leadTime':
      return `median ${formatSeconds(n('medianSeconds'))}, p90 ${formatSeconds(n('p90Seconds'))} (${n('commits')} commits${n('truncatedDeployments') ? `; ${n('truncatedDeployments')} deployments cut at 10,000 commits` : ''})`;
    case 'changeFailureRate':
      return `${percent(n('rate'))} (${n('failed')} of ${n('deployments')})`;
    case 'recoveryTime':
      return `median ${formatSeconds(n('medianSeconds'))} (${n('recovered')} recovered${n('unresolved') ? `, ${n('unresolved')} not yet` : ''})`;
  }
}

function previousText(name: keyof MetricsReport['keys'], key: MetricsKey): string {
  const v = key.previous.value;
  if (v === null) return 'none';
  if (name === 'deploymentFrequency') return `${round(v)}/day`;
  if (name === 'changeFailureRate') return percent(v);
  return formatSeconds(v);
}

const titles: Record<keyof MetricsReport['keys'], string> = {
  deploymentFrequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  recoveryTime: 'Failed deployment recovery time',
};

/**
 * The report's lines: a heading with the period, one row per key, and the bands' source.
 *
 * @example for (const line of renderMetrics(output, report)) output.out(line);
 */
export function renderMetrics(o: Pick<Output, 'color'>, r: MetricsReport): string[] {
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  const lines = [
    `${r.project} ${r.environment}: ${day(r.period.since)} to ${day(r.period.until)} UTC (${round(r.period.days, 1)} days in ${r.tz})${r.imported ? `, ${r.imported} deployments imported from tags` : ''}`,
  ];
  const trendStyle = { better: 'green', worse: 'red', same: 'gray', 'n/a': 'gray' } as const;
  const rows = [['key', 'value', `level (${r.bands.year})`, 'trend']];
  for (const name of Object.keys(titles) as (keyof MetricsReport['keys'])[]) {
    const key = r.keys[name];
    rows.push([
      titles[name],
      valueText(name, key),
      key.level ?? 'n/a',
      paint(o, trendStyle[key.trend], `${key.trend} (before: ${previousText(name, key)})`),
    ]);
  }
  lines.push(...table(rows).map((l) => `  ${l}`));
  lines.push(paint(o, 'gray', `levels: DORA ${r.bands.year} bands, ${r.bands.source}`));
  return lines;
}

/**
 * The process analytics for a terminal (`gonogo metrics` shows them under the DORA keys):
 * compact tables of cycle time, time per phase, sign-off waits, the slowest items and the
 * items most often waived or n/a. Colour only when the output has it (NO_COLOR, not a TTY and
 * `--json` turn it off: `createOutput` decides).
 */
import type { AnalyticsReport, DurationStats } from '../core/release-analytics.ts';
import { formatSpan } from '../core/duration.ts';
import type { Output } from './cli-output.ts';
import { fit, oneLine, paint, table } from './cli-output.ts';

export interface RenderAnalyticsOptions extends Pick<Output, 'color'> {
  /** The widest a title may be, in characters; 36 unless told. */
  titleWidth?: number;
}

/**
 * The report as lines for an 80-column terminal.
 *
 * @example
 * o.out(...renderProcessAnalytics(await svc.analytics({ since: '2026-01-01' }), o));
 */
export function renderProcessAnalytics(
  report: AnalyticsReport,
  opts: RenderAnalyticsOptions,
): string[] {
  const w = opts.titleWidth ?? 36;
  const head = (text: string) => paint(opts, 'bold', text);
  const muted = (text: string) => paint(opts, 'gray', text);
  const r = report.releases;
  const lines = [
    head(
      `Process: releases started ${report.period.since.slice(0, 10)} to ${report.period.until.slice(0, 10)}`,
    ),
    `  ${r.total} started, ${r.deployed} reached ${report.environment ?? 'production'}, ${r.rolledBack} rolled back, ${r.abandoned} abandoned`,
  ];
  if (report.truncated) lines.push(muted('  (only the newest releases were read)'));
  if (r.total === 0) return lines;
  const c = report.cycleTime;
  lines.push(
    c.count
      ? `  Cycle time (start to production): median ${formatSpan(c.medianMs)}, p90 ${formatSpan(c.p90Ms)}, max ${formatSpan(c.maxMs)}`
      : '  Cycle time: no release reached production yet',
  );

  const stat = (s: DurationStats) => [
    formatSpan(s.medianMs),
    formatSpan(s.p90Ms),
    formatSpan(s.maxMs),
    String(s.count),
  ];
  if (report.phases.length) {
    lines.push('', head('Time per phase'));
    lines.push(
      ...indent(
        table([
          ['phase', 'median', 'p90', 'max', 'n', 'open'].map(muted),
          ...report.phases.map((p) => [
            fit(oneLine(p.title), w),
            ...stat(p),
            p.incomplete ? String(p.incomplete) : '',
          ]),
        ]),
      ),
    );
  }
  if (report.signoffWaits.length) {
    lines.push('', head('Waiting for sign-off'));
    lines.push(
      ...indent(
        table([
          ['gate · role', 'median', 'p90', 'max', 'n', 'pending'].map(muted),
          ...report.signoffWaits.map((s) => [
            fit(oneLine(`${s.gateTitle} · ${s.role}`), w),
            ...stat(s),
            s.pending ? String(s.pending) : '',
          ]),
        ]),
      ),
    );
  }
  if (report.slowestItems.length) {
    lines.push('', head('Slowest items (actionable to done)'));
    lines.push(
      ...indent(
        table([
          ['item', 'median', 'p90', 'max', 'n'].map(muted),
          ...report.slowestItems.map((i) => [fit(oneLine(i.title), w), ...stat(i)]),
        ]),
      ),
    );
  }
  if (report.skippedItems.length) {
    lines.push('', head('Most often waived or n/a (candidates to drop)'));
    lines.push(
      ...indent(
        table([
          ['item', 'share', 'waived', 'n/a', 'of'].map(muted),
          ...report.skippedItems.map((s) => [
            fit(oneLine(s.title), w),
            `${Math.round(s.share * 100)}%`,
            String(s.waived),
            String(s.na),
            String(s.releases),
          ]),
        ]),
      ),
    );
    for (const s of report.skippedItems.filter((x) => x.reasons.length).slice(0, 5)) {
      lines.push(
        muted(`  ${fit(oneLine(s.title), 24)}: ${fit(s.reasons.map(oneLine).join('; '), 50)}`),
      );
    }
  }
  for (const p of report.problems)
    lines.push(paint(opts, 'yellow', `  ${p.version}: ${p.message}`));
  return lines;
}

const indent = (rows: string[]) => rows.map((row) => `  ${row}`);

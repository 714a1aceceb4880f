/**
 * Progress of parallel checks: on a TTY a live list (pending, running with elapsed time,
 * passed, failed, error) redrawn in place; elsewhere (CI, pipes) one line per finished check.
 */
import type { CheckResult } from '../checks/check-types.ts';
import { formatDuration } from '../core/duration.ts';
import type { Output } from './cli-output.ts';
import { fit, oneLine, paint } from './cli-output.ts';

export interface ProgressRow {
  key: number;
  label: string;
  startedAt?: number;
  result?: CheckResult;
}

const symbols = { passed: ['✓', 'green'], failed: ['✗', 'red'], error: ['!', 'yellow'] } as const;

/**
 * One row as text, at most `width` columns wide: a row that wrapped would break the live
 * redraw, which moves the cursor up one line per row.
 */
export function formatRow(o: Output, row: ProgressRow, now: number, width = 100): string {
  const labelWidth = Math.max(16, Math.min(52, Math.floor(width * 0.45)));
  const label = fit(oneLine(row.label), labelWidth).padEnd(labelWidth);
  if (row.result) {
    const [sym, style] = symbols[row.result.status];
    const room = width - labelWidth - 12;
    const summary = room >= 10 ? `  ${fit(oneLine(row.result.summary), room)}` : '';
    return `${paint(o, style, sym)} ${label} ${paint(o, 'gray', formatDuration(row.result.durationMs).padStart(6))}${summary}`;
  }
  if (row.startedAt !== undefined) {
    return `${paint(o, 'cyan', '…')} ${label} ${paint(o, 'gray', formatDuration(now - row.startedAt).padStart(6))}`;
  }
  return `${paint(o, 'gray', '·')} ${paint(o, 'gray', fit(oneLine(row.label), labelWidth))}`;
}

/** Creates the progress display for a list of checks. */
export function createProgress(o: Output, rows: ProgressRow[], opts: { live: boolean }) {
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    const now = performance.now();
    const width = Math.max(40, (process.stdout.columns || 80) - 1);
    const text = rows.map((r) => `\u001b[2K${formatRow(o, r, now, width)}`).join('\n');
    process.stdout.write(`${drawn ? `\u001b[${drawn}A\r` : ''}${text}\n`);
    drawn = rows.length;
  };
  if (opts.live) {
    draw();
    timer = setInterval(draw, 100);
    timer.unref();
  }
  return {
    start(key: number) {
      const row = rows.find((r) => r.key === key);
      if (row) row.startedAt = performance.now();
    },
    finish(key: number, result: CheckResult) {
      const row = rows.find((r) => r.key === key);
      if (!row) return;
      row.result = result;
      // Logs are not redrawn, so a CI line may carry more of the summary.
      if (!opts.live) o.out(formatRow(o, row, performance.now(), 140));
    },
    stop() {
      if (timer) clearInterval(timer);
      if (opts.live) draw();
    },
  };
}

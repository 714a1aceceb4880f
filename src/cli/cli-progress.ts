/**
 * Progress of parallel checks: on a TTY a live list (pending, running with elapsed time,
 * passed, failed, error) redrawn in place; elsewhere (CI, pipes) one line per finished check.
 */
import type { CheckResult } from '../checks/check-types.ts';
import { formatDuration } from '../core/duration.ts';
import type { Output } from './cli-output.ts';
import { fit, paint } from './cli-output.ts';

export interface ProgressRow {
  key: number;
  label: string;
  startedAt?: number;
  result?: CheckResult;
}

const symbols = { passed: ['✓', 'green'], failed: ['✗', 'red'], error: ['!', 'yellow'] } as const;

/** One row as text. */
export function formatRow(o: Output, row: ProgressRow, now: number): string {
  if (row.result) {
    const [sym, style] = symbols[row.result.status];
    return `${paint(o, style, sym)} ${fit(row.label, 52).padEnd(52)} ${paint(o, 'gray', formatDuration(row.result.durationMs).padStart(6))}  ${fit(row.result.summary, 60)}`;
  }
  if (row.startedAt !== undefined) {
    return `${paint(o, 'cyan', '…')} ${fit(row.label, 52).padEnd(52)} ${paint(o, 'gray', formatDuration(now - row.startedAt).padStart(6))}`;
  }
  return `${paint(o, 'gray', '·')} ${paint(o, 'gray', fit(row.label, 52))}`;
}

/** Creates the progress display for a list of checks. */
export function createProgress(o: Output, rows: ProgressRow[], opts: { live: boolean }) {
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    const now = performance.now();
    const text = rows.map((r) => `\u001b[2K${formatRow(o, r, now)}`).join('\n');
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
      if (!opts.live) o.out(formatRow(o, row, performance.now()));
    },
    stop() {
      if (timer) clearInterval(timer);
      if (opts.live) draw();
    },
  };
}

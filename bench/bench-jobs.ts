/**
 * The scheduler under many watch windows: 1,000 windows (100 deployed releases × 10 `http`
 * watch items, each measuring every 10 s for 60 s) on one `gonogo serve` scheduler on SQLite,
 * in a child process (bench-jobs-child.ts) so its CPU is its own; the measured service is a
 * loopback HTTP server in this process. Reports the child's CPU share of one core while the
 * windows run and the timer drift (how late each run started after its due time) p50/p99/max.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { writeResultsSection } from './bench-report.ts';

export const jobsHeading = '## Watch windows on the scheduler (jobs)';

export interface JobsBenchResults {
  date: string;
  windows: number;
  interval: string;
  window: string;
  setupMs: number;
  wallMs: number;
  cpuMs: number;
  runs: number;
  failed: number;
  drift: { p50: number; p99: number; max: number; n: number };
  driftAll: { p50: number; p99: number; max: number; n: number };
  /** The 1-minute load average at the start and the end, and the cores. */
  load: { start: number; end: number; cores: number };
}

function quantiles(values: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: s.at(-1) ?? 0, n: s.length };
}

/**
 * Runs the jobs bench.
 *
 * @example const r = await runJobsBench(repoRoot, { projects: 100, items: 10, interval: '10s', window: '60s' });
 */
export async function runJobsBench(
  repoRoot: string,
  opts: { projects: number; items: number; interval: string; window: string },
): Promise<JobsBenchResults> {
  const loadStart = loadavg()[0]!;
  const target = http.createServer((_req, res) => void res.writeHead(200).end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
  try {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bench', 'bench-jobs-child.ts'),
        url,
        String(opts.projects),
        String(opts.items),
        opts.interval,
        opts.window,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    if (code !== 0) throw new Error(`the jobs bench child ended with ${code}`);
    const raw = JSON.parse(out.trim().split('\n').at(-1)!) as {
      windows: number;
      setupMs: number;
      wallMs: number;
      cpuMs: number;
      runs: number;
      failed: number;
      lateMs: number[];
      lateAllMs: number[];
    };
    return {
      date: new Date().toISOString(),
      windows: raw.windows,
      interval: opts.interval,
      window: opts.window,
      setupMs: raw.setupMs,
      wallMs: raw.wallMs,
      cpuMs: raw.cpuMs,
      runs: raw.runs,
      failed: raw.failed,
      drift: quantiles(raw.lateMs),
      driftAll: quantiles(raw.lateAllMs),
      load: { start: loadStart, end: loadavg()[0]!, cores: availableParallelism() },
    };
  } finally {
    await new Promise((r) => target.close(r));
  }
}

/** The section of RESULTS.md for one run of the jobs part. */
export function renderJobsSection(r: JobsBenchResults): string[] {
  const share = (r.cpuMs / r.wallMs) * 100;
  return [
    jobsHeading,
    '',
    `Run of ${r.date}. ${r.windows.toLocaleString('en')} watch windows (${r.windows / 10} deployed releases × 10 \`http\` watch items, each measuring a loopback service every ${r.interval} for ${r.window}) on one \`gonogo serve\` scheduler on SQLite (the in-process one), in a child process; the releases were deployed one after another with the scheduler running (${(r.setupMs / 1000).toFixed(1)} s), then measured until every window was decided. The deployments took about a second, so the windows' due times line up: every 10 s a burst of 1,000 measurements is due at once, and drift is mostly the queue of that burst (16 runs at a time), not the timer.`,
    '',
    '| what | value |',
    '|---|---:|',
    `| job runs (measurements) | ${r.runs.toLocaleString('en')} of ${(r.windows * 6).toLocaleString('en')} slots (${r.failed} failed; a run later than the next slot stands for the slots it missed) |`,
    `| wall time after the deployments | ${(r.wallMs / 1000).toFixed(1)} s |`,
    `| CPU of the scheduler process | ${(r.cpuMs / 1000).toFixed(1)} s: ${share.toFixed(1)} % of one core |`,
    `| timer drift, runs due after the deployments (n = ${r.drift.n}) | p50 ${r.drift.p50} ms, p99 ${r.drift.p99} ms, max ${r.drift.max} ms |`,
    `| timer drift, all runs (n = ${r.driftAll.n}) | p50 ${r.driftAll.p50} ms, p99 ${r.driftAll.p99} ms, max ${r.driftAll.max} ms |`,
    '',
    `Load average (1 min) ${r.load.start.toFixed(2)} at the start, ${r.load.end.toFixed(2)} at the end, on ${r.load.cores} cores: other work on a shared machine lands in these numbers.`,
    '',
    'Drift is how long after its due time a run started (`late_ms` of `scheduled_jobs`). Each run is an http check of the loopback service and a recorded measurement (one SQLite write transaction that reads the release).',
  ];
}

/**
 * Writes the jobs section into RESULTS.md in place (or before the analysis when it is new),
 * leaving every other section as it is.
 *
 * @example writeJobsSection('bench/RESULTS.md', renderJobsSection(results));
 */
export function writeJobsSection(path: string, lines: string[]): void {
  writeResultsSection(path, jobsHeading, lines);
}

/**
 * Child-process entry of the secret-scanning bench: runs gonogo's `scanRepository` (the
 * TypeScript source, as the `secrets` check does) on one directory and prints one JSON line with
 * the scan's own time and what it read. A fresh process per run keeps one run's heap and JIT
 * state out of the next, and lets bench-profile.ts run it under `--cpu-prof`.
 *
 * Usage: node bench/bench-secrets-scan.ts ROOT all|none
 */
import { scanRepository } from '../src/checks/secrets-check.ts';

/** What one scan printed: its time and its report, findings counted per pattern. */
export interface ScanRun {
  ms: number;
  /** CPU time of this Node process during the scan (git's own processes not included). */
  cpuMs: number;
  git: boolean;
  files: number;
  blobs: number;
  bytes: number;
  skipped: { binary: number; large: number; excluded: number };
  findings: number;
  byPattern: Record<string, number>;
}

const [root, history = 'all'] = process.argv.slice(2);
if (!root || (history !== 'all' && history !== 'none')) {
  console.error('usage: node bench/bench-secrets-scan.ts ROOT all|none');
  process.exitCode = 2;
} else {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const report = await scanRepository(root, { history });
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const byPattern: Record<string, number> = {};
  for (const f of report.findings) byPattern[f.patternId] = (byPattern[f.patternId] ?? 0) + 1;
  const run: ScanRun = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    git: report.git,
    files: report.files,
    blobs: report.blobs,
    bytes: report.bytes,
    skipped: report.skipped,
    findings: report.findings.length,
    byPattern,
  };
  console.log(JSON.stringify(run));
}

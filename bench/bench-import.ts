/**
 * In-process throughput of the Markdown importer: `importChecklist` on each seed, many times
 * in one warm process, so the number is the importer's own cost without Node's start-up.
 */
import { readFileSync } from 'node:fs';
import { importChecklist } from '../src/core/playbook-import.ts';
import type { Seed } from './bench-setup.ts';
import { summarizeTimes } from './bench-measure.ts';

export interface ImportThroughput {
  seed: Seed;
  items: number;
  iterations: number;
  medianMs: number;
  p90Ms: number;
  /** Seed size over the median time per import. */
  kbPerSecond: number;
}

/**
 * Imports the seed `warmup` times untimed (so the JIT has settled), then `iterations` times
 * timed one by one.
 *
 * @example
 * measureImportThroughput(seed, 200, 20).kbPerSecond; // ~500
 */
export function measureImportThroughput(
  seed: Seed,
  iterations: number,
  warmup: number,
): ImportThroughput {
  const text = readFileSync(seed.path, 'utf8');
  let items = 0;
  for (let i = 0; i < warmup; i++) items = importChecklist(text, seed.name).stats.items;
  const times = Array.from({ length: iterations }, () => {
    const start = performance.now();
    importChecklist(text, seed.name);
    return performance.now() - start;
  });
  const t = summarizeTimes(seed.name, 'importChecklist', times);
  return {
    seed,
    items,
    iterations,
    medianMs: t.medianMs,
    p90Ms: t.p90Ms,
    kbPerSecond: seed.bytes / 1024 / (t.medianMs / 1000),
  };
}

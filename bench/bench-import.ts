/**
 * In-process throughput of the Markdown importer: `importChecklist` on each seed, many times
 * in one warm process, so the number is the importer's own cost without Node's start-up; and
 * on crafted checklists at 10 KB, 100 KB and 1 MB, to show the time grows linearly.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { InputError } from '../src/core/errors.ts';
import { importChecklist } from '../src/core/playbook-import.ts';
import { hostileShapes, makeHostile } from '../src/core/playbook-import-hostile.fixture.ts';
import type { HostileShape } from '../src/core/playbook-import-hostile.fixture.ts';
import { writeResultsSection } from './bench-report.ts';
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

/** One crafted shape imported at growing sizes. */
export interface CraftedImport {
  shape: HostileShape;
  runs: { bytes: number; ms: number; outcome: string }[];
}

/** 10 KB, 100 KB and 1 MB: linear time shows as a factor of about 10 between neighbours. */
export const craftedSizes = [10 * 1024, 100 * 1024, 1024 * 1024];

/**
 * Imports each crafted checklist of `playbook-import-hostile.fixture.ts` once per size, after
 * an untimed warm-up at the smallest size, and records the time and what came of it (items,
 * or the refusal and its line).
 *
 * @example measureCraftedImports(logStep).map((c) => c.runs.map((r) => r.ms));
 */
export function measureCraftedImports(
  log: (text: string) => void,
  sizes: number[] = craftedSizes,
): CraftedImport[] {
  return hostileShapes.map((shape) => {
    log(`import crafted "${shape.name}" at ${sizes.map(formatSize).join(', ')}`);
    importQuietly(makeHostile(shape, sizes[0]!));
    const runs = sizes.map((bytes) => {
      const text = makeHostile(shape, bytes);
      const start = performance.now();
      const outcome = importQuietly(text);
      return { bytes, ms: performance.now() - start, outcome };
    });
    return { shape, runs };
  });
}

function importQuietly(text: string): string {
  try {
    return `${importChecklist(text, 'crafted.md').stats.items} items`;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const p = e.problems[0];
    return `refused: ${p?.line ?? '?'}:${p?.col ?? '?'} ${(p?.message ?? '').slice(0, 60)}`;
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KB`;
}

/** Heading of the crafted-input section in RESULTS.md. */
export const craftedHeading = '## Import of crafted checklists';

/**
 * The crafted-input results as a Markdown section: time per size, the factor between sizes
 * (about 10 when linear) and what each import gave.
 */
export function renderCraftedImports(results: CraftedImport[], note: string): string[] {
  const sizes = results[0]?.runs.map((r) => formatSize(r.bytes)) ?? [];
  const ratio = (a: number, b: number) => `${(b / Math.max(a, 0.01)).toFixed(1)}×`;
  return [
    craftedHeading,
    '',
    `\`importChecklist\` on the crafted checklists of src/core/playbook-import-hostile.fixture.ts, one import per size after a warm-up; ${note}. A factor near 10 between sizes ten times apart is linear time; a refusal is the positioned input error the importer gives instead of parsing.`,
    '',
    `| shape | attacks | ${sizes.join(' | ')} | ×, 10× the size | × again | result at ${sizes.at(-1) ?? ''} |`,
    `|---|---|${sizes.map(() => '---:').join('|')}|---:|---:|---|`,
    ...results.map(({ shape, runs }) => {
      const ms = runs.map((r) => r.ms);
      const factors = ms.slice(1).map((m, i) => ratio(ms[i]!, m));
      return `| ${shape.name} | ${shape.about} | ${ms.map((m) => `${m.toFixed(m < 10 ? 1 : 0)} ms`).join(' | ')} | ${factors.join(' | ')} | ${runs.at(-1)?.outcome ?? ''} |`;
    }),
    '',
  ];
}

/**
 * Puts the crafted-input section into RESULTS.md, replacing the one there or else placing it
 * before the hand-written analysis, which the bench keeps.
 */
export function writeCraftedSection(path: string, lines: string[]): void {
  writeResultsSection(path, craftedHeading, lines);
}

// `node bench/bench-import.ts [--write]`: the crafted-input part alone (it takes minutes).
if (import.meta.main) {
  const started = new Date().toISOString();
  const results = measureCraftedImports((t) => console.log(`· ${t}`));
  const lines = renderCraftedImports(
    results,
    `run alone (\`node bench/bench-import.ts --write\`) at ${started}, Node ${process.version}, ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)} at the end`,
  );
  console.log(`\n${lines.join('\n')}`);
  if (process.argv.includes('--write'))
    writeCraftedSection(resolve(import.meta.dirname, 'RESULTS.md'), lines);
}

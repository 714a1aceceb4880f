/**
 * The full pre-release `gonogo check` of gonogo's own repository, as `npm run dogfood` runs it:
 * a fresh clone of the committed HEAD, built, with a coverage report produced by the test suite
 * (what .ci/run does before the dogfood step), a release started on a temp database, then
 * `gonogo check --phase pre-release --json` a few times. Reports the wall time, every check's
 * durationMs, and the share of the wall time the slowest check takes.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createBenchEnv } from './bench-setup.ts';
import { summarizeTimes } from './bench-measure.ts';

export interface DogfoodCheck {
  item: number;
  title: string;
  /** The check's name and short parameters, as in gonogo.yaml. */
  check: string;
  optional: boolean;
  /** The result of each run (passed, failed, error). */
  results: string[];
  durationsMs: number[];
  medianMs: number;
  /** The last run's summary line. */
  summary: string;
}

export interface DogfoodResults {
  commit: string;
  version: string;
  runs: number;
  cloneMs: number;
  buildMs: number;
  coverage: { ms: number; exitCode: number; produced: boolean; failed: string[] };
  /** Wall time of the whole `gonogo check` process, per run (spawn to exit). */
  wallMs: number[];
  medianWallMs: number;
  /** The wall time the command reports itself (checks only, no start-up). */
  medianReportedWallMs: number;
  exitCodes: number[];
  checks: DogfoodCheck[];
  /** Sum of the checks' median durations over the median wall time: > 1 means they overlapped. */
  parallelism: number;
}

interface CheckJson {
  wallMs: number;
  results: { item: number; result: string; summary: string; durationMs: number }[];
}

interface ReleaseItemJson {
  number: number;
  title: string;
  phase: string;
  optional: boolean;
  spec: { check?: { name: string; params?: unknown } };
}

/**
 * Clones `repoRoot`, prepares it and times `gonogo check --phase pre-release` `runs` times.
 *
 * @example
 * const r = runDogfoodBench('/work/main', console.log, 3);
 * r.medianWallMs; // ≈ 6000
 */
export function runDogfoodBench(
  repoRoot: string,
  log: (text: string) => void,
  runs: number,
): DogfoodResults {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-dogfood-'));
  const clone = join(dir, 'gonogo');
  const node = process.execPath;
  const env = createBenchEnv({
    GONOGO_DB: join(dir, 'dogfood.db'),
    GONOGO_USER: 'bench@example.com',
    // The checks run `npm run …`; npm puts the clone's node_modules/.bin (Node 24) first.
    PATH: [join(clone, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
  });
  const run = (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
    const start = performance.now();
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd: clone,
      env: { ...env, ...extra },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    return { ...r, ms: performance.now() - start };
  };
  const must = (argv: string[]) => {
    const r = run(argv);
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
    return r;
  };
  try {
    log('dogfood: cloning the committed HEAD, building');
    const cloneStart = performance.now();
    const cloned = spawnSync('git', ['clone', '-q', repoRoot, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone exited ${cloned.status}: ${cloned.stderr}`);
    linkDependencies(repoRoot, clone);
    const cloneMs = performance.now() - cloneStart;
    const commit = must(['git', 'rev-parse', '--short', 'HEAD']).stdout.trim();
    const buildMs = must([node, 'scripts/build.ts']).ms;
    log('dogfood: producing coverage/coverage-summary.json (GONOGO_COVERAGE=1 vitest run)');
    const vitest = join(clone, 'node_modules', 'vitest', 'vitest.mjs');
    const cov = run([node, vitest, 'run'], { GONOGO_COVERAGE: '1', CI: 'true' });
    const produced = existsSync(join(clone, 'coverage', 'coverage-summary.json'));
    const version = (
      JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { version: string }
    ).version;
    must([node, 'dist/gonogo.js', 'release', 'start', version, '--type', 'minor']);
    const items = (
      JSON.parse(must([node, 'dist/gonogo.js', 'release', 'show', '--json']).stdout) as {
        items: ReleaseItemJson[];
      }
    ).items;
    const outputs: { wallMs: number; exitCode: number; json: CheckJson }[] = [];
    for (let i = 0; i < runs; i++) {
      log(`dogfood: gonogo check --phase pre-release --json (run ${i + 1} of ${runs})`);
      const r = run([node, 'dist/gonogo.js', 'check', '--phase', 'pre-release', '--json']);
      if (r.status !== 0 && r.status !== 1) {
        throw new Error(`gonogo check exited ${r.status}:\n${r.stderr}${r.stdout}`);
      }
      outputs.push({ wallMs: r.ms, exitCode: r.status, json: JSON.parse(r.stdout) as CheckJson });
    }
    const checks = summarizeChecks(
      items,
      outputs.map((o) => o.json),
    );
    const medianWallMs = median(outputs.map((o) => o.wallMs));
    return {
      commit,
      version,
      runs,
      cloneMs,
      buildMs,
      coverage: {
        ms: cov.ms,
        exitCode: cov.status ?? -1,
        produced,
        failed: listFailedTests(`${cov.stdout}\n${cov.stderr}`),
      },
      wallMs: outputs.map((o) => o.wallMs),
      medianWallMs,
      medianReportedWallMs: median(outputs.map((o) => o.json.wallMs)),
      exitCodes: outputs.map((o) => o.exitCode),
      checks,
      parallelism: checks.reduce((sum, c) => sum + c.medianMs, 0) / medianWallMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * No `npm ci` (network, minutes): the clone's node_modules links every installed package of
 * this checkout, while caches the tools write there (.vite, .cache) stay the clone's own.
 */
function linkDependencies(repoRoot: string, clone: string): void {
  const source = join(repoRoot, 'node_modules');
  const target = join(clone, 'node_modules');
  mkdirSync(target);
  for (const name of readdirSync(source)) {
    if (name.startsWith('.vite') || name === '.cache') continue;
    symlinkSync(join(source, name), join(target, name));
  }
}

/** vitest's lines naming failed tests (`FAIL file > test`), at most five, colour codes removed. */
function listFailedTests(output: string): string[] {
  const lines = output
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^FAIL\s/.test(l));
  return [...new Set(lines)].slice(0, 5);
}

function summarizeChecks(items: ReleaseItemJson[], runs: CheckJson[]): DogfoodCheck[] {
  const numbers = [...new Set(runs.flatMap((r) => r.results.map((x) => x.item)))];
  return numbers
    .map((n) => {
      const item = items.find((i) => i.number === n);
      const per = runs.map((r) => r.results.find((x) => x.item === n));
      const durations = per.map((x) => x?.durationMs ?? 0);
      return {
        item: n,
        title: item?.title ?? `#${n}`,
        check: describeCheck(item?.spec.check),
        optional: item?.optional ?? false,
        results: per.map((x) => x?.result ?? 'missing'),
        durationsMs: durations,
        medianMs: median(durations),
        summary: per[per.length - 1]?.summary ?? '',
      };
    })
    .sort((a, b) => b.medianMs - a.medianMs);
}

function describeCheck(check: { name: string; params?: unknown } | undefined): string {
  if (!check) return '';
  if (check.params === undefined) return check.name;
  const text = JSON.stringify(check.params);
  return `${check.name}: ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`;
}

function median(values: number[]): number {
  return summarizeTimes('', '', values).medianMs;
}

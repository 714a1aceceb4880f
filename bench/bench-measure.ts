/**
 * Wall-clock timing of whole commands: hyperfine when it is installed (its own warm-up, no
 * shell in between with `-N`), else a spawnSync loop. Both return every run's time, so the
 * statistics below are computed the same way whichever runner measured. The commands of one
 * call take turns (hyperfine in rounds, the loop run by run), so a burst of load on a shared
 * machine lands on all of them rather than on whichever ran at that moment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Runner = 'hyperfine' | 'loop';

/** One command to time: a label for the tables and its argv (argv[0] is the program). */
export interface CommandSpec {
  label: string;
  argv: string[];
}

export interface MeasureOptions {
  runner: Runner;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Timed runs per command in all (at least 2 per hyperfine round). */
  runs: number;
  /** Untimed runs per command before timing (per round with hyperfine). */
  warmup: number;
  /** hyperfine rounds the runs are split into; the loop alternates every run anyway. */
  rounds: number;
  /** Called before each round (each run with the loop): e.g. to sample the load average. */
  onRound?: () => void;
}

export interface Timing {
  label: string;
  command: string;
  runs: number;
  medianMs: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  /**
   * Mean CPU time (user + system) per run, from hyperfine; undefined with the loop runner.
   * Time spent waiting for a CPU on a loaded machine is not in it, so it moves less with load.
   */
  cpuMs?: number;
}

/**
 * Chooses hyperfine when it answers `--version`; `GONOGO_BENCH_RUNNER=loop|hyperfine` forces one.
 *
 * @example
 * const runner = detectRunner(); // 'hyperfine' on a machine with hyperfine installed
 */
export function detectRunner(): Runner {
  const forced = process.env.GONOGO_BENCH_RUNNER;
  if (forced === 'loop' || forced === 'hyperfine') return forced;
  return readHyperfineVersion() ? 'hyperfine' : 'loop';
}

/**
 * hyperfine's version line (`hyperfine 1.15.0`), or undefined when it is not installed.
 *
 * @example
 * readHyperfineVersion(); // 'hyperfine 1.15.0'
 */
export function readHyperfineVersion(): string | undefined {
  const r = spawnSync('hyperfine', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Times each command in turn (warm-ups first) and summarises every run's wall time.
 *
 * @example
 * const [floor] = measureCommands([{ label: 'node -e 0', argv: [process.execPath, '-e', '0'] }],
 *   { runner: 'loop', cwd: process.cwd(), env: process.env, runs: 30, warmup: 3, rounds: 1 });
 */
export function measureCommands(specs: CommandSpec[], opts: MeasureOptions): Timing[] {
  const { times, cpuMs } =
    opts.runner === 'hyperfine'
      ? timeWithHyperfine(specs, opts)
      : { times: timeWithLoop(specs, opts), cpuMs: [] };
  return specs.map((s, i) => {
    const timing = summarizeTimes(s.label, formatCommand(s.argv), times[i]!);
    const cpu = cpuMs[i];
    return cpu === undefined ? timing : { ...timing, cpuMs: cpu };
  });
}

function timeWithHyperfine(
  specs: CommandSpec[],
  opts: MeasureOptions,
): { times: number[][]; cpuMs: number[] } {
  const times: number[][] = specs.map(() => []);
  const cpuTotals = specs.map(() => 0);
  const perRound = Math.max(2, Math.ceil(opts.runs / opts.rounds));
  for (let done = 0; done < opts.runs; done += perRound) {
    opts.onRound?.();
    const round = runHyperfineRound(specs, opts, Math.min(perRound, Math.max(2, opts.runs - done)));
    round.forEach((r, i) => {
      times[i]!.push(...r.times);
      cpuTotals[i]! += r.cpuMs * r.times.length;
    });
  }
  return { times, cpuMs: cpuTotals.map((total, i) => total / times[i]!.length) };
}

/** One hyperfine call: every run's wall time and the mean CPU time per run, in ms. */
function runHyperfineRound(
  specs: CommandSpec[],
  opts: MeasureOptions,
  runs: number,
): { times: number[]; cpuMs: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-hf-'));
  const jsonPath = join(dir, 'hyperfine.json');
  try {
    const args = ['-N', '--style', 'none', '--warmup', String(opts.warmup), '--runs', String(runs)];
    args.push('--export-json', jsonPath, ...specs.map((s) => formatCommand(s.argv)));
    const r = spawnSync('hyperfine', args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`hyperfine failed: ${explainFailure(specs, opts) ?? r.stderr}`);
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
      results: { times: number[]; user: number; system: number }[];
    };
    return report.results.map((result) => ({
      times: result.times.map((seconds) => seconds * 1000),
      cpuMs: (result.user + result.system) * 1000,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which command fails, with its output: hyperfine only says that one did. */
function explainFailure(specs: CommandSpec[], opts: MeasureOptions): string | undefined {
  for (const s of specs) {
    const [program, ...args] = s.argv;
    const r = spawnSync(program!, args, { cwd: opts.cwd, env: opts.env, encoding: 'utf8' });
    if (r.status !== 0)
      return `${formatCommand(s.argv)} exited ${r.status}:\n${r.stderr}${r.stdout}`;
  }
  return undefined;
}

function timeWithLoop(specs: CommandSpec[], opts: MeasureOptions): number[][] {
  for (let i = 0; i < opts.warmup; i++) specs.forEach((s) => runOnce(s, opts));
  const times: number[][] = specs.map(() => []);
  for (let i = 0; i < opts.runs; i++) {
    opts.onRound?.();
    specs.forEach((s, j) => times[j]!.push(runOnce(s, opts)));
  }
  return times;
}

function runOnce(spec: CommandSpec, opts: MeasureOptions): number {
  const [program, ...args] = spec.argv;
  const start = performance.now();
  const r = spawnSync(program!, args, { cwd: opts.cwd, env: opts.env, stdio: 'ignore' });
  const elapsed = performance.now() - start;
  if (r.status !== 0) throw new Error(`${formatCommand(spec.argv)} exited ${r.status}`);
  return elapsed;
}

/**
 * Median, 90th percentile (nearest rank), mean and minimum of a list of times in ms.
 *
 * @example
 * summarizeTimes('x', 'x', [3, 1, 2]).medianMs; // 2
 */
export function summarizeTimes(label: string, command: string, timesMs: number[]): Timing {
  const sorted = [...timesMs].sort((a, b) => a - b);
  return {
    label,
    command,
    runs: sorted.length,
    medianMs: pickMedian(sorted),
    p90Ms: pickPercentile(sorted, 0.9),
    meanMs: sorted.reduce((sum, t) => sum + t, 0) / sorted.length,
    minMs: sorted[0]!,
  };
}

function pickMedian(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function pickPercentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * An argv as one command line that hyperfine's `-N` splitter (shell words) reads back as the
 * same argv; plain words stay unquoted so the tables read naturally.
 *
 * @example
 * formatCommand(['node', '-e', "import('x')"]); // `node -e 'import('\''x'\'')'`
 */
export function formatCommand(argv: string[]): string {
  return argv
    .map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))
    .join(' ');
}

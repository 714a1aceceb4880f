/**
 * `npm run bench`: start-up and import benchmarks of the built CLI (dist/gonogo.js), each
 * compared with bare `node -e 0` measured in the same run; the importer on crafted checklists
 * at 10 KB, 100 KB and 1 MB (bench-import.ts); secret-scanning throughput against
 * rg and secretlint (bench-secrets.ts); the full pre-release `gonogo check` of gonogo's own
 * repository (bench-dogfood.ts); `gonogo serve` under 50 connections of item writes and 1,000
 * event-stream watchers against a bare Hono route (bench-server.ts); the web UI's first-page JS and
 * the time to a usable release page of the largest seed in Chromium against a static page of the
 * same items (bench-web.ts); 1,000 watch windows on one `gonogo serve` scheduler on SQLite, its
 * CPU share and timer drift (bench-jobs.ts). Writes bench/RESULTS.md and prints a summary. Needs a fresh
 * build (the npm script builds first), installed node_modules, and, for the seed parts, the
 * seed checklists in ../shared/seeds; rg (Debian's ripgrep) and the npm registry (secretlint
 * is installed in a temp prefix) for the comparisons, each skipped with a note when absent.
 *
 * GONOGO_BENCH_RUNNER=loop forces the spawnSync loop even when hyperfine is installed.
 * GONOGO_BENCH_PARTS=profile,import (any of import, profile, secrets, dogfood, server, web, jobs, automation, metrics) runs only
 * those parts besides the start-up part, which always runs (it times the floor, `node -e 0`, and
 * the peer release tools of bench/peers); RESULTS.md then names the parts that were not run and
 * has no numbers of theirs. GONOGO_BENCH_PARTS=web alone runs only the web part and rewrites only
 * its own section of RESULTS.md, leaving the other parts' numbers as they were; so do
 * GONOGO_BENCH_PARTS=jobs, GONOGO_BENCH_PARTS=automation (each seed's share of items gonogo
 * verifies or performs, bench-automation.ts) and GONOGO_BENCH_PARTS=metrics (DORA's four keys over
 * 1,000,000 deployments on SQLite and PostgreSQL against hand-written SQL: bench-metrics.ts).
 */
import { rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CraftedImport } from './bench-import.ts';
import {
  measureCraftedImports,
  measureImportThroughput,
  renderCraftedImports,
  writeCraftedSection,
} from './bench-import.ts';
import type { CommandSpec, MeasureOptions, Timing } from './bench-measure.ts';
import { detectRunner, measureCommands, readHyperfineVersion } from './bench-measure.ts';
import { runDogfoodBench } from './bench-dogfood.ts';
import { preparePeerTools } from './bench-peers.ts';
import { profileCommand } from './bench-profile.ts';
import type { Aim, BenchResults } from './bench-report.ts';
import { renderSummary, writeResults } from './bench-report.ts';
import { runSecretsBench } from './bench-secrets.ts';
import { runServerBench } from './bench-server.ts';
import type { WebBenchResults } from './bench-web.ts';
import {
  renderWebSection,
  renderWebSkipped,
  runWebBench,
  summarizeWeb,
  writeWebSection,
} from './bench-web.ts';
import { renderJobsSection, runJobsBench, writeJobsSection } from './bench-jobs.ts';
import {
  measureSeedAutomation,
  renderAutomationSection,
  writeAutomationSection,
} from './bench-automation.ts';
import { renderMetricsSection, runMetricsBench, writeMetricsSection } from './bench-metrics.ts';
import type { Seed } from './bench-setup.ts';
import {
  copyBuiltCli,
  createBenchEnv,
  findSeeds,
  pickLargestSeed,
  prepareReleaseRepo,
} from './bench-setup.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const cli = copyBuiltCli(repoRoot);
const node = process.execPath;
const ticks = 6;
const startupRuns = 30;
// Many short rounds rather than a few long ones: every command is timed in each round, so a
// burst of load from other work on a shared machine lands on the floor and the commands alike.
const startupRounds = 10;
const importRuns = 20;
const inProcessIterations = 200;
const scanRuns = 3;
const dogfoodRuns = 3;
const aims: Aim[] = [
  { label: 'gonogo --version', maxRatio: 1.5 },
  { label: 'gonogo status', maxRatio: 2.0 },
];

const serverLoad = {
  connections: 50,
  warmupMs: 2000,
  durationMs: 10_000,
  watchers: 1000,
  writes: 50,
};

const webLoads = { loads: 15, warmup: 2 };

const allParts = [
  'import',
  'profile',
  'secrets',
  'dogfood',
  'server',
  'web',
  'jobs',
  'automation',
  'metrics',
] as const;
type Part = (typeof allParts)[number];
const parts = new Set<string>(process.env.GONOGO_BENCH_PARTS?.split(',') ?? allParts);
const runs = (part: Part) => parts.has(part);

const floorSpec: CommandSpec = { label: 'node -e 0', argv: [node, '-e', '0'] };

/** `gonogo ARGS` as a command to time, labelled the way a user would type it. */
function specifyGonogo(...args: string[]): CommandSpec {
  return { label: ['gonogo', ...args].join(' '), argv: [node, cli, ...args] };
}

function specifyNodeEval(label: string, code: string): CommandSpec {
  return { label, argv: [node, '-e', code] };
}

function logStep(text: string): void {
  console.log(`· ${text}`);
}

/**
 * Start-up commands, the peer release tools and the ingredients of `status`, timed together
 * (taking turns, round by round) so the floor and every ratio share the same machine load.
 */
function measureStartup(
  opts: MeasureOptions,
  hasRelease: boolean,
  peers: CommandSpec[],
): { startup: Timing[]; peers: Timing[]; breakdown: Timing[] } {
  const startup = [floorSpec, specifyGonogo('--version')];
  if (hasRelease) startup.push(specifyGonogo('playbook', 'lint'), specifyGonogo('status'));
  const breakdown: CommandSpec[] = !hasRelease
    ? []
    : [
        {
          // scripts/build.ts bundles because of this row: Node strips and resolves every file.
          label: 'status from the TypeScript source (node src/cli/main.ts)',
          argv: [node, join(repoRoot, 'src', 'cli', 'main.ts'), 'status'],
        },
        specifyNodeEval(
          'node + one `git rev-parse` subprocess',
          "require('node:child_process').execFileSync('git', ['rev-parse', '--show-toplevel'])",
        ),
        specifyNodeEval(
          'node + node:sqlite open + one query',
          "new (require('node:sqlite').DatabaseSync)('.gonogo/gonogo.db').prepare('select count(*) from sqlite_master').get()",
        ),
        specifyNodeEval('node + one write to stdout', "process.stdout.write('')"),
        {
          label: 'node + ESM `import` of node:fs, node:util, node:path, node:os',
          argv: [
            node,
            '--input-type=module',
            '-e',
            "import 'node:fs'; import 'node:util'; import 'node:path'; import 'node:os';",
          ],
        },
        {
          label: 'node + `process.getBuiltinModule` of the same four',
          argv: [
            node,
            '--input-type=module',
            '-e',
            "for (const m of ['fs', 'util', 'path', 'os']) process.getBuiltinModule(`node:${m}`);",
          ],
        },
      ];
  const all = [...startup, ...peers, ...breakdown];
  logStep(
    `start-up: ${all.length} commands × ${opts.runs} runs (${opts.runner === 'hyperfine' ? `hyperfine, ${opts.rounds} rounds` : 'spawnSync loop'})`,
  );
  const timings = measureCommands(all, opts);
  const peersAt = startup.length;
  return {
    startup: timings.slice(0, peersAt),
    peers: timings.slice(peersAt, peersAt + peers.length),
    breakdown: timings.slice(peersAt + peers.length),
  };
}

function measureImportCli(
  opts: MeasureOptions,
  seeds: Seed[],
): { floor: Timing; perSeed: { seed: Seed; timing: Timing }[] } {
  const specs = seeds.map((s) => ({
    // --force: every run after the first writes over the file the one before wrote.
    ...specifyGonogo('playbook', 'import', s.path, '-o', 'imported.yaml', '--force'),
    label: s.name,
  }));
  logStep(`import via the CLI: ${seeds.length} seeds × ${opts.runs} runs`);
  const [floor, ...timings] = measureCommands([floorSpec, ...specs], opts);
  return { floor: floor!, perSeed: seeds.map((seed, i) => ({ seed, timing: timings[i]! })) };
}

/** 1-minute load average: on a shared machine it says how much to trust the spread. */
function readLoad(): string {
  return loadavg()[0]!.toFixed(2);
}

function describeCpu(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return model.replace(/\s+/g, ' ');
}

type Attempt<T> = { value: T } | { error: string };

/** The web part, when the seeds are there (it needs the largest one). */
async function runWeb(seeds: Seed[] | undefined): Promise<Attempt<WebBenchResults>> {
  if (!seeds?.length) return { error: 'no seed checklists in ../shared/seeds' };
  return attemptAsync(() => runWebBench(cli, pickLargestSeed(seeds), logStep, webLoads));
}

/** Writes the web part's section (its numbers, or why it has none) and prints its summary. */
function reportWeb(web: Attempt<WebBenchResults>): void {
  const file = join(repoRoot, 'bench', 'RESULTS.md');
  writeWebSection(file, 'error' in web ? renderWebSkipped(web.error) : renderWebSection(web.value));
  console.log(
    ('error' in web ? ['', `web: skipped (${web.error})`] : summarizeWeb(web.value)).join('\n'),
  );
}

/** 1,000 watch windows on one scheduler (SQLite): 100 releases × 10 items, every 10 s for 60 s. */
const jobsLoad = { projects: 100, items: 10, interval: '10s', window: '60s' };

/** The jobs part: runs it and rewrites only its own section of RESULTS.md. */
async function reportJobs(): Promise<void> {
  const r = await attemptAsync(() => runJobsBench(repoRoot, jobsLoad));
  if ('error' in r) {
    console.log(`\njobs: skipped (${r.error})`);
    return;
  }
  writeJobsSection(join(repoRoot, 'bench', 'RESULTS.md'), renderJobsSection(r.value));
  const v = r.value;
  console.log(
    `\njobs: ${v.windows} windows, ${v.runs} runs, CPU ${((v.cpuMs / v.wallMs) * 100).toFixed(1)} % of a core, drift p50 ${v.drift.p50} ms p99 ${v.drift.p99} ms`,
  );
}

/** The metrics part: 1,000,000 deployments on SQLite and PostgreSQL; its own section only. */
async function reportMetrics(): Promise<void> {
  const r = await attemptAsync(() => runMetricsBench(1_000_000));
  if ('error' in r) {
    console.log(`\nmetrics: failed (${r.error})`);
    process.exitCode = 1;
    return;
  }
  writeMetricsSection(
    join(repoRoot, 'bench', 'RESULTS.md'),
    renderMetricsSection(r.value, new Date().toISOString()),
  );
  for (const v of r.value)
    console.log(
      `\nmetrics ${v.dialect}: ${v.deployments} deployments, store ${v.storeMs.toFixed(0)} ms, hand-written ${v.handMs.toFixed(0)} ms, same answer`,
    );
}

async function runBench(): Promise<
  BenchResults & { crafted: CraftedImport[]; web?: Attempt<WebBenchResults> }
> {
  const started = performance.now();
  const runner = detectRunner();
  const seeds = findSeeds(repoRoot);
  const seedsMissing = seeds?.length
    ? undefined
    : `no seed checklists in ${resolve(repoRoot, '../shared/seeds')}: import and status parts skipped`;
  if (seedsMissing) console.warn(`\n!!! ${seedsMissing}\n`);
  const statusSeed = seeds?.length ? pickLargestSeed(seeds) : undefined;
  if (statusSeed)
    logStep(
      `preparing a release of ${statusSeed.name} (${statusSeed.bytes} bytes) in a temp git repository`,
    );
  const repo = statusSeed ? prepareReleaseRepo(cli, statusSeed, ticks) : undefined;
  try {
    const base = { runner, cwd: repo ?? repoRoot, env: createBenchEnv(), warmup: 3, rounds: 3 };
    logStep('peer tools: npm ci in bench/peers when its node_modules is missing or stale');
    const peerTools = preparePeerTools(repoRoot, node);
    for (const m of peerTools.missing) console.warn(`\n!!! ${m}\n`);
    const loadBefore = readLoad();
    const loadDuring: number[] = [];
    const { startup, peers, breakdown } = measureStartup(
      {
        ...base,
        runs: startupRuns,
        rounds: startupRounds,
        warmup: 1,
        onRound: () => loadDuring.push(loadavg()[0]!),
      },
      Boolean(repo),
      peerTools.specs,
    );
    const importSeeds = runs('import') ? (seeds ?? []) : [];
    const imports = importSeeds.length
      ? measureImportCli({ ...base, runs: importRuns }, importSeeds)
      : undefined;
    if (importSeeds.length)
      logStep(`import in-process: ${importSeeds.length} seeds × ${inProcessIterations} imports`);
    const importInProcess = importSeeds.map((s) =>
      measureImportThroughput(s, inProcessIterations, 20),
    );
    const crafted = runs('import') ? measureCraftedImports(logStep) : [];
    const profiled = repo && runs('profile');
    if (profiled) logStep('profiling gonogo status (5 runs under --cpu-prof)');
    const profile = profiled ? profileCommand([cli, 'status'], repo, base.env, 5) : undefined;
    const secrets = runs('secrets')
      ? attempt(() => runSecretsBench(repoRoot, logStep, { runs: scanRuns }))
      : undefined;
    const dogfood = runs('dogfood')
      ? attempt(() => runDogfoodBench(repoRoot, logStep, dogfoodRuns))
      : undefined;
    const server = runs('server')
      ? await attemptAsync(() => runServerBench(repoRoot, logStep, serverLoad))
      : undefined;
    const web = runs('web') ? await runWeb(seeds) : undefined;
    return {
      ...(web ? { web } : {}),
      date: new Date().toISOString(),
      nodeVersion: process.version,
      cores: availableParallelism(),
      cpu: describeCpu(),
      os: `${platform()} ${release()}`,
      runner,
      ...(runner === 'hyperfine' ? { hyperfine: readHyperfineVersion() ?? 'hyperfine' } : {}),
      load: `${loadBefore} before, ${readLoad()} after`,
      startupLoad: loadDuring,
      elapsedSeconds: (performance.now() - started) / 1000,
      ...(seedsMissing ? { seedsMissing } : {}),
      ...(statusSeed ? { statusSeed } : {}),
      ticks,
      floor: startup[0]!,
      startup,
      aims,
      peers,
      peersMissing: peerTools.missing,
      breakdown,
      ...(imports ? { importFloor: imports.floor } : {}),
      importCli: imports?.perSeed ?? [],
      importInProcess,
      crafted,
      ...(profile ? { profile } : {}),
      partsNotRun: allParts.filter((p) => !runs(p)),
      ...(!secrets
        ? {}
        : 'error' in secrets
          ? { secretsError: secrets.error }
          : { secrets: secrets.value }),
      ...(!dogfood
        ? {}
        : 'error' in dogfood
          ? { dogfoodError: dogfood.error }
          : { dogfood: dogfood.value }),
      ...(!server
        ? {}
        : 'error' in server
          ? { serverError: server.error }
          : { server: server.value }),
    };
  } finally {
    if (repo) rmSync(repo, { recursive: true, force: true });
  }
}

/**
 * A bench part that cannot run (no node_modules, git or npm failing) is reported in
 * RESULTS.md, not allowed to lose the other parts' numbers.
 */
function attempt<T>(part: () => T): { value: T } | { error: string } {
  try {
    return { value: part() };
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    console.warn(`\n!!! ${error}\n`);
    return { error };
  }
}

/** {@link attempt} for a part that runs servers and waits on sockets. */
async function attemptAsync<T>(part: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await part() };
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    console.warn(`\n!!! ${error}\n`);
    return { error };
  }
}

/** The automation part: counts, not timings; rewrites only its own section of RESULTS.md. */
function reportAutomation(): void {
  const seeds = findSeeds(repoRoot);
  const file = join(repoRoot, 'bench', 'RESULTS.md');
  if (!seeds) {
    console.log('\nautomation: skipped (no seed checklists)');
    return;
  }
  const rows = measureSeedAutomation(seeds);
  writeAutomationSection(file, renderAutomationSection(rows, new Date().toISOString()));
  console.log(
    `\nautomation (check + run + watch + notify of all items):\n${rows
      .map((r) => `  ${r.seed}: ${(r.share.automatedShare * 100).toFixed(0)} % of ${r.share.items}`)
      .join('\n')}`,
  );
}

const webOnly = parts.size === 1 && runs('web');
const jobsOnly = parts.size === 1 && runs('jobs');
const automationOnly = parts.size === 1 && runs('automation');
const metricsOnly = parts.size === 1 && runs('metrics');
try {
  if (webOnly) {
    // The web part alone: no start-up timing, and the other sections of RESULTS.md stay.
    reportWeb(await runWeb(findSeeds(repoRoot)));
  } else if (jobsOnly) {
    await reportJobs();
  } else if (automationOnly) {
    reportAutomation();
  } else if (metricsOnly) {
    await reportMetrics();
  } else {
    const results = await runBench();
    writeResults(join(repoRoot, 'bench', 'RESULTS.md'), results);
    // Without the import part there is nothing to show: no section rather than an empty table.
    if (results.crafted.length)
      writeCraftedSection(
        join(repoRoot, 'bench', 'RESULTS.md'),
        renderCraftedImports(results.crafted, `in the run of ${results.date}`),
      );
    console.log(`\n${renderSummary(results)}`);
    if (results.web) reportWeb(results.web);
    if (runs('jobs')) await reportJobs();
    if (runs('automation')) reportAutomation();
    if (runs('metrics')) await reportMetrics();
  }
} finally {
  rmSync(dirname(dirname(cli)), { recursive: true, force: true });
}

/**
 * Secret-scanning throughput over every blob of a real repository's history: gonogo's
 * `scanRepository(root, { history: 'all' })` against ripgrep with the same patterns over the
 * same bytes (exported one file per blob) and secretlint with its recommended preset over the
 * same files, in one run.
 *
 * The "real repository" is built here, offline: a temp git repository whose history commits
 * the text files (.js .ts .json .md and friends) of sizeable packages from node_modules in
 * several steps, then deletes some of them (so part of the history is in no working tree), and
 * is packed like a cloned repository. Files over gonogo's 5 MB limit are left out so all three
 * tools read the same bytes.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { secretPatterns } from '../src/core/secret-patterns.ts';
import type { SecretPattern } from '../src/core/secret-patterns.ts';
import type { ProfileSummary } from './bench-profile.ts';
import { profileCommand } from './bench-profile.ts';
import type { ScanRun } from './bench-secrets-scan.ts';
import { summarizeTimes } from './bench-measure.ts';

/** Files above this are skipped by gonogo's scan (its default), so the corpus leaves them out. */
const maxFileBytes = 5 * 1024 * 1024;
const textExtensions = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.json', '.md']);

/**
 * The history: one commit per step, each adding the text files of some packages under
 * vendor/; the last step deletes two of them, whose blobs then live in history only.
 */
const historySteps: { message: string; add?: string[]; remove?: string[] }[] = [
  { message: 'Vendor typescript', add: ['typescript'] },
  { message: 'Vendor zod and yaml', add: ['zod', 'yaml'] },
  { message: 'Vendor the database layer', add: ['kysely', 'pg', 'semver'] },
  { message: 'Vendor eslint', add: ['eslint', '@eslint', 'esquery', 'acorn', 'ajv'] },
  { message: 'Vendor typescript-eslint', add: ['@typescript-eslint'] },
  { message: 'Vendor prettier', add: ['prettier'] },
  { message: 'Vendor babel and type definitions', add: ['@babel', '@types'] },
  { message: 'Vendor the test runner', add: ['vite', 'vitest', '@vitest', 'rolldown'] },
  {
    message: 'Vendor dependency-cruiser and fast-check',
    add: ['dependency-cruiser', 'fast-check'],
  },
  { message: 'Drop vendored prettier and babel', remove: ['prettier', '@babel'] },
];

export interface HistoryCorpus {
  /** Temp folder holding the repository (`repo/`) and the exported blobs (`blobs/`). */
  dir: string;
  repo: string;
  exportDir: string;
  packages: string[];
  commits: number;
  /** Files in the last commit's tree. */
  headFiles: number;
  /** Every blob in the object store, counted by `git cat-file --batch-all-objects`. */
  blobs: number;
  bytes: number;
  /** Blobs and bytes reachable only from history (deleted before HEAD). */
  historyOnlyBlobs: number;
  historyOnlyBytes: number;
  /** Exported files: one per blob, named by its id, keeping the extension of a path it had. */
  exportedFiles: { path: string; bytes: number }[];
  buildMs: number;
  exportMs: number;
}

/** One tool's timed runs over a number of bytes, and what it found. */
export interface ScanTiming {
  label: string;
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  bytes: number;
  /** Over the median time, MB = 2^20 bytes. */
  mbPerSecond: number;
  /** True when `medianMs` was extrapolated from a sample (secretlint). */
  extrapolated?: boolean;
  findings: string;
}

export interface SecretsBenchResults {
  corpus: Omit<HistoryCorpus, 'exportedFiles'>;
  gonogo: ScanTiming;
  gonogoRun: ScanRun;
  rg?: { same: ScanTiming; sameThreads: ScanTiming; tokens: ScanTiming; version: string };
  rgMissing?: string;
  rgPatterns: { id: string; rust: string; family: string }[];
  rgSkipped: string[];
  secretlint?: SecretlintResult;
  secretlintBeforeFix?: SecretlintResult;
  secretlintMissing?: string[];
  profile?: ProfileSummary;
}

const mb = 1024 * 1024;

/**
 * Runs the whole secret-scanning comparison; `log` reports each step. Leaves nothing behind.
 *
 * @example
 * const r = runSecretsBench('/work/main', console.log);
 * r.gonogo.mbPerSecond / r.rg!.same.mbPerSecond; // ≥ 1/3 is the aim
 */
export function runSecretsBench(
  repoRoot: string,
  log: (text: string) => void,
  opts: { runs: number },
): SecretsBenchResults {
  log('secrets: building a repository whose history commits vendored packages');
  const corpus = buildHistoryCorpus(repoRoot);
  try {
    log(
      `secrets: ${corpus.commits} commits, ${corpus.blobs} blobs, ${formatMb(corpus.bytes)} (built in ${(corpus.buildMs / 1000).toFixed(1)} s, exported in ${(corpus.exportMs / 1000).toFixed(1)} s)`,
    );
    log(`secrets: gonogo scanRepository(history: all) × ${opts.runs}`);
    const { timing: gonogo, run: gonogoRun } = measureGonogoScan(repoRoot, corpus, opts.runs);
    const converted = convertPatterns(secretPatterns);
    const rgVersion = readRgVersion();
    const results: SecretsBenchResults = {
      corpus: omitFiles(corpus),
      gonogo,
      gonogoRun,
      rgPatterns: converted.patterns,
      rgSkipped: converted.skipped,
    };
    if (rgVersion) {
      log(
        `secrets: rg with ${converted.patterns.length} patterns × ${opts.runs} (-j1, default threads)`,
      );
      const all = converted.patterns.map((p) => p.rust);
      const tokens = converted.patterns.filter((p) => p.family === 'token').map((p) => p.rust);
      const over = { dir: corpus.exportDir, bytes: corpus.bytes, runs: opts.runs };
      results.rg = {
        version: rgVersion,
        same: measureRg(`rg -j1, all ${all.length} patterns`, all, ['-j1'], over),
        sameThreads: measureRg(`rg (default threads), all ${all.length} patterns`, all, [], over),
        tokens: measureRg(`rg -j1, the ${tokens.length} token formats only`, tokens, ['-j1'], over),
      };
    } else {
      results.rgMissing = 'rg is not installed (apt-get install -y ripgrep): rg rows skipped';
      log(`secrets: ${results.rgMissing}`);
    }
    log('secrets: secretlint (current release), installed in a temp prefix');
    const current = measureSecretlintCurrent(corpus);
    log('secrets: secretlint 13.0.4 (before its profiler fix) on 400- and 800-file samples');
    const beforeFix = measureSecretlintBeforeFix(corpus);
    for (const r of [current, beforeFix]) {
      if ('missing' in r) {
        (results.secretlintMissing ??= []).push(r.missing);
        log(`secrets: ${r.missing}`);
      }
    }
    if (!('missing' in current)) results.secretlint = current;
    if (!('missing' in beforeFix)) results.secretlintBeforeFix = beforeFix;
    log('secrets: profiling one gonogo scan (--cpu-prof)');
    results.profile = profileCommand(
      [join(repoRoot, 'bench', 'bench-secrets-scan.ts'), corpus.repo, 'all'],
      corpus.repo,
      process.env,
      1,
    );
    return results;
  } finally {
    rmSync(corpus.dir, { recursive: true, force: true });
  }
}

function omitFiles(corpus: HistoryCorpus): Omit<HistoryCorpus, 'exportedFiles'> {
  const { exportedFiles: _files, ...rest } = corpus;
  return rest;
}

/**
 * Builds the history repository from node_modules and exports every blob. The caller removes
 * `corpus.dir`.
 *
 * @example
 * const corpus = buildHistoryCorpus('/work/main'); // corpus.bytes ≈ 50 MB
 */
export function buildHistoryCorpus(repoRoot: string): HistoryCorpus {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-secrets-'));
  const repo = join(dir, 'repo');
  const exportDir = join(dir, 'blobs');
  mkdirSync(repo);
  const git = (...args: string[]) => runGit(repo, args);
  try {
    git('init', '-q', '-b', 'main');
    // No automatic gc in the background while committing; one explicit gc at the end.
    git('config', 'gc.auto', '0');
    let day = 1;
    for (const step of historySteps) {
      for (const pkg of step.add ?? [])
        copyPackageText(join(repoRoot, 'node_modules', pkg), join(repo, 'vendor', pkg));
      for (const pkg of step.remove ?? []) rmSync(join(repo, 'vendor', pkg), { recursive: true });
      git('add', '-A');
      const date = `2026-01-${String(day++).padStart(2, '0')}T12:00:00Z`;
      runGit(repo, ['commit', '-q', '-m', step.message], {
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      });
    }
    // A cloned repository is packed (deltas and all): read it the way users' repositories are.
    git('gc', '-q', '--prune=now');
    const buildMs = performance.now() - started;
    const exportStart = performance.now();
    const exported = exportAllBlobs(repo, exportDir);
    const headIds = new Set(
      git('ls-tree', '-r', 'HEAD')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[2]!),
    );
    const historyOnly = exported.blobs.filter((b) => !headIds.has(b.id));
    return {
      dir,
      repo,
      exportDir,
      packages: [...new Set(historySteps.flatMap((s) => s.add ?? []))],
      commits: historySteps.length,
      headFiles: Number(git('ls-files').split('\n').filter(Boolean).length),
      blobs: exported.blobs.length,
      bytes: exported.blobs.reduce((sum, b) => sum + b.bytes, 0),
      historyOnlyBlobs: historyOnly.length,
      historyOnlyBytes: historyOnly.reduce((sum, b) => sum + b.bytes, 0),
      exportedFiles: exported.blobs.map((b) => ({ path: b.path, bytes: b.bytes })),
      buildMs,
      exportMs: performance.now() - exportStart,
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Copies a package's text files (nested node_modules and large files left out). */
function copyPackageText(source: string, target: string): void {
  if (!existsSync(source)) throw new Error(`bench corpus: ${source} is missing (npm ci first)`);
  const root = realpathSync(source);
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(full);
      } else if (entry.isFile() && textExtensions.has(extname(entry.name))) {
        if (lstatSync(full).size > maxFileBytes) continue;
        const to = join(target, relative(root, full));
        mkdirSync(dirname(to), { recursive: true });
        cpSync(full, to);
      }
    }
  };
  visit(root);
}

interface ExportedBlob {
  id: string;
  path: string;
  bytes: number;
}

/**
 * Writes every blob of the object store to `exportDir/<id[0:2]>/<id><ext>` (the extension of a
 * path the blob had, for tools that choose rules by file name) via `git cat-file --batch`.
 */
function exportAllBlobs(repo: string, exportDir: string): { blobs: ExportedBlob[] } {
  const check = runGit(repo, [
    'cat-file',
    '--batch-all-objects',
    '--batch-check=%(objectname) %(objecttype) %(objectsize)',
  ]);
  const ids: string[] = [];
  for (const line of check.split('\n')) {
    const [id, type] = line.split(' ');
    if (id && type === 'blob') ids.push(id);
  }
  const paths = new Map<string, string>();
  for (const line of runGit(repo, ['rev-list', '--objects', '--all']).split('\n')) {
    const space = line.indexOf(' ');
    if (space === 40 && !paths.has(line.slice(0, 40))) paths.set(line.slice(0, 40), line.slice(41));
  }
  const batch = spawnSync('git', ['cat-file', '--batch'], {
    cwd: repo,
    input: `${ids.join('\n')}\n`,
    maxBuffer: 4 * 1024 * mb,
  });
  if (batch.status !== 0) throw new Error(`git cat-file --batch exited ${batch.status}`);
  const out = batch.stdout;
  const blobs: ExportedBlob[] = [];
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(10, at);
    const [id = '', , size = '0'] = out.subarray(at, nl).toString('latin1').split(' ');
    const bytes = Number(size);
    const content = out.subarray(nl + 1, nl + 1 + bytes);
    at = nl + 1 + bytes + 1;
    const path = join(exportDir, id.slice(0, 2), `${id}${extname(paths.get(id) ?? '')}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    blobs.push({ id, path, bytes });
  }
  return { blobs };
}

function measureGonogoScan(
  repoRoot: string,
  corpus: HistoryCorpus,
  runs: number,
): { timing: ScanTiming; run: ScanRun } {
  const entry = join(repoRoot, 'bench', 'bench-secrets-scan.ts');
  const results: ScanRun[] = [];
  for (let i = 0; i < runs; i++) results.push(runScanEntry(entry, corpus.repo, 'all'));
  const times = summarizeTimes(
    'gonogo',
    '',
    results.map((r) => r.ms),
  );
  const run = results[0]!;
  return {
    run,
    timing: {
      label: 'gonogo scanRepository(history: all)',
      command: `node bench/bench-secrets-scan.ts REPO all`,
      runs,
      medianMs: times.medianMs,
      minMs: times.minMs,
      bytes: corpus.bytes,
      mbPerSecond: corpus.bytes / mb / (times.medianMs / 1000),
      findings: `${countFindings(run.findings)} (${describeCounts(run.byPattern)})`,
    },
  };
}

function runScanEntry(entry: string, root: string, history: 'all' | 'none'): ScanRun {
  const r = spawnSync(process.execPath, [entry, root, history], {
    encoding: 'utf8',
    maxBuffer: 64 * mb,
  });
  if (r.status !== 0) throw new Error(`gonogo scan exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ScanRun;
}

function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * gonogo's patterns in ripgrep's (Rust regex) syntax. Rust regex has no look-around and no
 * backreferences: look-arounds (the patterns' boundaries) are dropped, which makes rg match a
 * little more, never less; a backreference becomes the group it refers to; named groups become
 * plain groups; escapes Rust rejects (`\/`) lose their backslash; the `i` flag becomes `(?i:…)`. ripgrep reads line by line, so
 * it sees the first line of a multi-line key block, as gonogo's hint does.
 *
 * @example
 * convertPatterns(secretPatterns).patterns[2].rust; // '(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}'
 */
export function convertPatterns(patterns: readonly SecretPattern[]): {
  patterns: { id: string; rust: string; family: string }[];
  skipped: string[];
} {
  const out: { id: string; rust: string; family: string }[] = [];
  const skipped: string[] = [];
  for (const p of patterns) {
    const rust = convertToRustRegex(p.regex.source);
    if (rust === undefined) skipped.push(p.id);
    else
      out.push({
        id: p.id,
        family: p.family,
        rust: p.regex.flags.includes('i') ? `(?i:${rust})` : rust,
      });
  }
  return { patterns: out, skipped };
}

const rustEscapable = new Set('\\.+*?()|[]{}^$#&-~'.split(''));

function convertToRustRegex(source: string): string | undefined {
  const groups = new Map<string, string>();
  const convert = (from: number, until: number): string | undefined => {
    let out = '';
    let i = from;
    while (i < until) {
      const c = source[i]!;
      if (c === '\\') {
        const next = source[i + 1]!;
        if (next === 'k' && source[i + 2] === '<') {
          const end = source.indexOf('>', i);
          const body = groups.get(source.slice(i + 3, end));
          if (body === undefined) return undefined;
          out += `(?:${body})`;
          i = end + 1;
          continue;
        }
        out += /[A-Za-z0-9]/.test(next) || rustEscapable.has(next) ? `\\${next}` : next;
        i += 2;
        continue;
      }
      if (c === '[') {
        const end = findClassEnd(source, i);
        out += convertClass(source.slice(i, end + 1));
        i = end + 1;
        continue;
      }
      if (c === '(') {
        const end = findGroupEnd(source, i);
        if (/^\(\?<?[=!]/.test(source.slice(i, i + 4))) {
          i = end + 1; // look-around: dropped
          continue;
        }
        const named = /^\(\?<([A-Za-z_]\w*)>/.exec(source.slice(i));
        const open = named ? named[0].length : source.startsWith('(?:', i) ? 3 : 1;
        const inner = convert(i + open, end);
        if (inner === undefined) return undefined;
        if (named) groups.set(named[1]!, inner);
        // rg joins its patterns into one regex, where a name may appear only once.
        out += `${named ? '(?:' : source.slice(i, i + open)}${inner})`;
        i = end + 1;
        continue;
      }
      out += c;
      i++;
    }
    return out;
  };
  return convert(0, source.length);
}

/**
 * Needless escapes (`\/`) lose their backslash; a literal `[` inside a class is escaped, since
 * Rust reads it as a nested class.
 */
function convertClass(cls: string): string {
  return `[${cls.slice(1, -1).replace(/\\(.)|\[/g, (all, c: string | undefined) => {
    if (c === undefined) return '\\[';
    return /[A-Za-z0-9]/.test(c) || rustEscapable.has(c) ? all : c;
  })}]`;
}

function findClassEnd(source: string, start: number): number {
  let i = start + 1;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  throw new Error(`unterminated class in ${source}`);
}

function findGroupEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = findClassEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`unbalanced group in ${source}`);
}

function readRgVersion(): string | undefined {
  const r = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim() : undefined;
}

/** `rg -c` over the exported blobs; rg exits 1 when nothing matched, which is fine here. */
function measureRg(
  label: string,
  patterns: string[],
  flags: string[],
  over: { dir: string; bytes: number; runs: number },
): ScanTiming {
  const args = [...flags, '--no-messages', '-c', ...patterns.flatMap((p) => ['-e', p]), '.'];
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < over.runs + 1; i++) {
    const start = performance.now();
    const r = spawnSync('rg', args, { cwd: over.dir, encoding: 'utf8', maxBuffer: 64 * mb });
    const elapsed = performance.now() - start;
    if (r.status !== 0 && r.status !== 1) throw new Error(`rg exited ${r.status}: ${r.stderr}`);
    if (i > 0) times.push(elapsed); // the first run warms rg's start-up and the page cache
    stdout = r.stdout;
  }
  const counted = countRgOutput(stdout);
  const t = summarizeTimes(label, '', times);
  return {
    label,
    command: `rg ${flags.join(' ')} --no-messages -c -e P1 … -e P${patterns.length} .`.replace(
      '  ',
      ' ',
    ),
    runs: over.runs,
    medianMs: t.medianMs,
    minMs: t.minMs,
    bytes: over.bytes,
    mbPerSecond: over.bytes / mb / (t.medianMs / 1000),
    findings: `${counted.lines} matching lines in ${counted.files} files`,
  };
}

function countRgOutput(stdout: string): { lines: number; files: number } {
  let lines = 0;
  let files = 0;
  for (const line of stdout.split('\n')) {
    const n = Number(line.slice(line.lastIndexOf(':') + 1));
    if (!line || !Number.isFinite(n)) continue;
    lines += n;
    files++;
  }
  return { lines, files };
}

interface Sample {
  dir: string;
  files: number;
  bytes: number;
}

/**
 * The first `count` exported blobs in blob-id order (a hash, so an even mix of packages and
 * commits), hard-linked into their own folder.
 */
function pickSample(corpus: HistoryCorpus, count: number): Sample {
  const dir = join(corpus.dir, `sample-${count}`);
  let bytes = 0;
  const sorted = [...corpus.exportedFiles].sort((a, b) => (a.path < b.path ? -1 : 1));
  const picked = sorted.slice(0, count);
  const linked = existsSync(dir); // both secretlint versions use the 400-file sample
  for (const f of picked) {
    bytes += f.bytes;
    if (linked) continue;
    const rel = relative(corpus.exportDir, f.path);
    mkdirSync(join(dir, dirname(rel)), { recursive: true });
    linkSync(f.path, join(dir, rel));
  }
  return { dir, files: picked.length, bytes };
}

/** secretlint installed in a temp prefix, and the config naming its recommended preset. */
interface SecretlintInstall {
  bin: string;
  version: string;
  installMs: number;
  rc: string;
}

function installSecretlint(
  corpus: HistoryCorpus,
  version: string,
): SecretlintInstall | { missing: string } {
  const prefix = join(corpus.dir, `secretlint-${version}`);
  const at = version === 'latest' ? '' : `@${version}`;
  const start = performance.now();
  const install = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `secretlint${at}`,
      `@secretlint/secretlint-rule-preset-recommend${at}`,
    ],
    { encoding: 'utf8' },
  );
  const installMs = performance.now() - start;
  const bin = join(prefix, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
  if (install.status !== 0 || !existsSync(bin)) {
    const why = install.error?.message ?? install.stderr.trim().split('\n').pop();
    return {
      missing: `secretlint${at} could not be installed (npm exited ${install.status}: ${why})`,
    };
  }
  const manifest = join(prefix, 'node_modules', 'secretlint', 'package.json');
  const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const rc = join(prefix, '.secretlintrc.json');
  writeFileSync(
    rc,
    JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }),
  );
  return { bin, version: installed, installMs, rc };
}

/** One secretlint run over every file under `dir`; undefined when it timed out. */
function runSecretlint(
  tool: SecretlintInstall,
  dir: string,
  timeoutMs: number,
): { ms: number; findings: Record<string, number> } | undefined {
  const output = join(dirname(tool.rc), `report-${Date.now()}.json`);
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [tool.bin, '**/*', '--secretlintrc', tool.rc, '--format', 'json', '--output', output],
    { cwd: dir, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' },
  );
  const ms = performance.now() - start;
  if (r.error || r.signal) return undefined;
  if ((r.status !== 0 && r.status !== 1) || !existsSync(output)) {
    throw new Error(`secretlint exited ${r.status}: ${r.stderr.trim().slice(0, 300)}`);
  }
  const report = JSON.parse(readFileSync(output, 'utf8')) as { messages: { ruleId?: string }[] }[];
  const findings: Record<string, number> = {};
  for (const file of report) {
    for (const m of file.messages) {
      const id = (m.ruleId ?? 'unknown').replace('@secretlint/secretlint-rule-', '');
      findings[id] = (findings[id] ?? 0) + 1;
    }
  }
  return { ms, findings };
}

/** How secretlint's time over the whole corpus was obtained. */
export interface SecretlintResult {
  version: string;
  installMs: number;
  timing: ScanTiming;
  /** The runs on samples: files, bytes, ms each. */
  samples: { files: number; bytes: number; ms: number }[];
  method: string;
}

const secretlintTimeoutMs = 180_000;

/**
 * The current secretlint: timed on a 400-file sample first; when that says the whole corpus
 * takes under a minute and a half it is timed on everything (findings counted there), else the
 * sample's throughput stands for the whole, said so.
 */
function measureSecretlintCurrent(corpus: HistoryCorpus): SecretlintResult | { missing: string } {
  const tool = installSecretlint(corpus, 'latest');
  if ('missing' in tool) return tool;
  const sample = pickSample(corpus, 400);
  const probe = runSecretlint(tool, sample.dir, secretlintTimeoutMs);
  if (!probe) return { missing: `secretlint ${tool.version} took over 180 s on 400 files` };
  const samples = [{ files: sample.files, bytes: sample.bytes, ms: probe.ms }];
  const linear = (probe.ms * corpus.bytes) / sample.bytes;
  const full =
    linear <= 90_000 ? runSecretlint(tool, corpus.exportDir, secretlintTimeoutMs) : undefined;
  const ms = full ? full.ms : linear;
  const findings = full ? full.findings : probe.findings;
  return {
    version: tool.version,
    installMs: tool.installMs,
    samples,
    method: full
      ? `timed on all ${corpus.blobs} files`
      : `timed on ${sample.files} files (${formatMb(sample.bytes)}), extrapolated by bytes`,
    timing: {
      label: `secretlint ${tool.version}, recommended preset`,
      command: 'secretlint "**/*" --format json',
      runs: 1,
      medianMs: ms,
      minMs: ms,
      bytes: corpus.bytes,
      mbPerSecond: corpus.bytes / mb / (ms / 1000),
      ...(full ? {} : { extrapolated: true }),
      findings: `${countFindings(countAll(findings))}${full ? '' : ' on the sample'} (${describeCounts(findings)})`,
    },
  };
}

/**
 * secretlint 13.0.4, the last release before its profiler fix (secretlint PR #1673, in 13.0.5):
 * every run then recorded performance marks per rule and file and searched them all on each, so
 * its time grows at least with the square of the file count. Timed on 400 and 800 files; the
 * whole is estimated from t = a·n + b·n² through those two points, a lower bound. The row says
 * why the product owner's figure (303 s) and the current release differ a hundredfold.
 */
function measureSecretlintBeforeFix(corpus: HistoryCorpus): SecretlintResult | { missing: string } {
  const tool = installSecretlint(corpus, '13.0.4');
  if ('missing' in tool) return tool;
  const samples: SecretlintResult['samples'] = [];
  let findings: Record<string, number> = {};
  for (const count of [400, 800]) {
    const sample = pickSample(corpus, count);
    const r = runSecretlint(tool, sample.dir, secretlintTimeoutMs);
    if (!r) return { missing: `secretlint ${tool.version} took over 180 s on ${count} files` };
    samples.push({ files: sample.files, bytes: sample.bytes, ms: r.ms });
    findings = r.findings;
  }
  const [s1, s2] = samples as [SecretlintResult['samples'][0], SecretlintResult['samples'][0]];
  const b = (s2.ms / s2.files - s1.ms / s1.files) / (s2.files - s1.files);
  const a = s1.ms / s1.files - b * s1.files;
  const n = corpus.blobs;
  const quadratic = a > 0 && b > 0;
  const ms = quadratic ? a * n + b * n * n : (s2.ms * corpus.bytes) / s2.bytes;
  return {
    version: tool.version,
    installMs: tool.installMs,
    samples,
    // Its cost per file grows further with the files already scanned (a one-off run of the
    // whole corpus took about twice this estimate), so the estimate is a lower bound.
    method: quadratic
      ? `lower-bound estimate: timed on ${s1.files} and ${s2.files} files, t = a·n + b·n² through both, n = ${n}`
      : `lower-bound estimate: timed on ${s2.files} files, extrapolated by bytes`,
    timing: {
      label: `secretlint ${tool.version} (before its profiler fix), recommended preset`,
      command: 'secretlint "**/*" --format json',
      runs: 1,
      medianMs: ms,
      minMs: ms,
      bytes: corpus.bytes,
      mbPerSecond: corpus.bytes / mb / (ms / 1000),
      extrapolated: true,
      findings: `${countFindings(countAll(findings))} on the ${s2.files}-file sample (${describeCounts(findings)})`,
    },
  };
}

function countFindings(n: number): string {
  return `${n} finding${n === 1 ? '' : 's'}`;
}

function countAll(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function runGit(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * mb,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      ...env,
    },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Bytes as MB (2^20), one decimal.
 *
 * @example formatMb(52_428_800) // '50.0 MB'
 */
export function formatMb(bytes: number): string {
  return `${(bytes / mb).toFixed(1)} MB`;
}

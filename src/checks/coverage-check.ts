/**
 * `coverage`: a coverage report is at or above a threshold for one metric (lines by default).
 * Reads lcov, Cobertura XML, Istanbul's coverage-summary.json and coverage.py's JSON; the format
 * is detected from the content unless the playbook names it.
 *
 * A report is made by running the tests in the working tree, so it stands for the release commit
 * only when HEAD is that commit, no tracked file differs from it, and the report is newer than
 * the commit; an older report is stale. A report committed in the release commit is read from it.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CheckParams } from '../core/check-params.ts';
import { guardCancel, runGit, sha256Hex, type CheckOutcome } from './check-git.ts';
import { checkReleaseCheckout, openReleaseTree, type ReleaseTree } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';

type Params = CheckParams<'coverage'>;
export type CoverageFormat = NonNullable<Params['format']>;
export type CoverageMetric = Params['metric'];

/** Where reports are looked for, in order, when the playbook names no file. */
export const coverageCandidates = [
  'coverage/lcov.info',
  'lcov.info',
  'coverage/coverage-summary.json',
  'coverage/cobertura-coverage.xml',
  'coverage.xml',
  'coverage.json',
];

export interface CoverageTotals {
  /** Covered and total per metric the report has. */
  metrics: Partial<Record<CoverageMetric, { covered: number; total: number; pct: number }>>;
}

/**
 * Tells the report format from its content, or undefined.
 *
 * @example
 * detectCoverageFormat('TN:\nSF:src/a.ts\nLF:2\nLH:1\nend_of_record\n') // → 'lcov'
 */
export function detectCoverageFormat(text: string): CoverageFormat | undefined {
  const start = text.trimStart();
  if (/^(TN|SF):/m.test(start.slice(0, 4096)) && /^end_of_record\s*$/m.test(text)) return 'lcov';
  if (start.startsWith('<')) return /<coverage\b/.test(text) ? 'cobertura' : undefined;
  if (start.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (isRecord(json) && isRecord(json['total'])) return 'istanbul';
    if (isRecord(json) && isRecord(json['totals'])) return 'coveragepy';
  }
  return undefined;
}

/**
 * Reads the totals of a coverage report; a string explains why it cannot.
 *
 * @example
 * parseCoverage('SF:a.ts\nLF:4\nLH:3\nend_of_record\n', 'lcov').metrics.lines // → { covered: 3, total: 4, pct: 75 }
 */
export function parseCoverage(text: string, format: CoverageFormat): CoverageTotals | string {
  switch (format) {
    case 'lcov':
      return parseLcov(text);
    case 'cobertura':
      return parseCobertura(text);
    case 'istanbul':
      return parseIstanbul(text);
    case 'coveragepy':
      return parseCoveragePy(text);
  }
}

function metric(covered: number, total: number, pct = total ? (covered / total) * 100 : NaN) {
  return { covered, total, pct };
}

function parseLcov(text: string): CoverageTotals | string {
  const sums: Record<string, number> = { LF: 0, LH: 0, BRF: 0, BRH: 0, FNF: 0, FNH: 0 };
  let records = 0;
  for (const line of text.split(/\r?\n/)) {
    const match = /^(LF|LH|BRF|BRH|FNF|FNH):(\d+)\s*$/.exec(line);
    if (match) sums[match[1]!]! += Number(match[2]);
    else if (line.startsWith('end_of_record')) records++;
  }
  if (records === 0) return 'no end_of_record: not an lcov tracefile';
  // lcov has no statements; its lines are what other tools call statements for most languages.
  return {
    metrics: {
      lines: metric(sums['LH']!, sums['LF']!),
      branches: metric(sums['BRH']!, sums['BRF']!),
      functions: metric(sums['FNH']!, sums['FNF']!),
    },
  };
}

function parseCobertura(text: string): CoverageTotals | string {
  const root = /<coverage\b([^>]*)>/.exec(text);
  if (!root) return 'no <coverage> element: not a Cobertura report';
  const attrs: Record<string, string> = {};
  for (const match of root[1]!.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attrs[match[1]!] = match[2] ?? match[3] ?? '';
  }
  const metrics: CoverageTotals['metrics'] = {};
  const lines = fromCobertura(attrs, 'line-rate', 'lines-covered', 'lines-valid');
  if (lines) metrics.lines = lines;
  const branches = fromCobertura(attrs, 'branch-rate', 'branches-covered', 'branches-valid');
  if (branches) metrics.branches = branches;
  if (!lines && !branches) return 'the <coverage> element has no line-rate or branch-rate';
  return { metrics };
}

function fromCobertura(attrs: Record<string, string>, rate: string, hit: string, valid: string) {
  const covered = Number(attrs[hit]);
  const total = Number(attrs[valid]);
  // Counts are exact where the tool wrote them; the rate is rounded to four digits.
  if (attrs[valid] !== undefined && Number.isFinite(total) && Number.isFinite(covered)) {
    return metric(covered, total);
  }
  const value = Number(attrs[rate]);
  return attrs[rate] !== undefined && Number.isFinite(value)
    ? metric(NaN, NaN, value * 100)
    : undefined;
}

function parseIstanbul(text: string): CoverageTotals | string {
  const json = parseJson(text);
  if (!isRecord(json) || !isRecord(json['total']))
    return 'no "total" object: not a coverage-summary.json';
  const total = json['total'];
  const metrics: CoverageTotals['metrics'] = {};
  for (const name of ['lines', 'branches', 'functions', 'statements'] as const) {
    const entry = total[name];
    if (!isRecord(entry)) continue;
    const covered = Number(entry['covered']);
    const count = Number(entry['total']);
    // pct is "Unknown" when nothing was counted.
    metrics[name] = metric(covered, count, count ? Number(entry['pct']) : NaN);
    if (!Number.isFinite(metrics[name].pct))
      metrics[name].pct = count ? (covered / count) * 100 : NaN;
  }
  return { metrics };
}

function parseCoveragePy(text: string): CoverageTotals | string {
  const json = parseJson(text);
  if (!isRecord(json) || !isRecord(json['totals']))
    return 'no "totals" object: not a coverage.py JSON report';
  const totals = json['totals'];
  const num = (key: string) => (typeof totals[key] === 'number' ? totals[key] : NaN);
  const statements = metric(num('covered_lines'), num('num_statements'));
  const metrics: CoverageTotals['metrics'] = { lines: statements, statements };
  if (num('num_branches') > 0)
    metrics.branches = metric(num('covered_branches'), num('num_branches'));
  return { metrics };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A percentage cut to two decimals the way Istanbul does (down, never up into a pass), after
 * removing floating-point noise (29/50 is 58, not 57.99).
 *
 * @example
 * floorPercent(79.996) // → 79.99
 */
export function floorPercent(pct: number): number {
  return Math.floor(Math.round(pct * 1e6) / 1e4) / 100;
}

const formatNames: Record<CoverageFormat, string> = {
  lcov: 'lcov',
  cobertura: 'Cobertura XML',
  istanbul: 'Istanbul coverage-summary.json',
  coveragepy: 'coverage.py JSON',
};

type Report =
  | { shown: string; bytes: Buffer; committed: boolean; mtime?: Date }
  | { shown: string; problem: string };

/** The report: committed in the release commit, or (the usual case) made in the working tree. */
async function readReport(
  root: string,
  tree: ReleaseTree,
  file: string | undefined,
): Promise<Report | undefined> {
  const names = file ? [file] : coverageCandidates;
  for (const name of names) {
    const path = isAbsolute(name) ? name : resolve(root, name);
    const shown = relative(root, path) || name;
    if (tree.commit && !isAbsolute(name)) {
      const committed = await tree.read(name);
      if (committed.ok) return { shown, bytes: committed.bytes, committed: true };
    }
    try {
      const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
      return { shown, bytes, committed: false, mtime: info.mtime };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (file || (code !== 'ENOENT' && code !== 'ENOTDIR')) {
        return { shown: name, problem: `${name}: ${code ?? (error as Error).message}` };
      }
    }
  }
  return undefined;
}

/** The committer time of `sha`, or undefined when git cannot say. */
async function commitTime(
  root: string,
  sha: string,
  signal: AbortSignal,
): Promise<Date | undefined> {
  const run = await runGit(['show', '-s', '--format=%ct', sha], { cwd: root, signal });
  const seconds = Number(run.stdout.trim());
  return run.code === 0 && Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000)
    : undefined;
}

async function checkCoverage(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const tree = await openReleaseTree(ctx, signal);
  if ('error' in tree) return tree.error;
  const report = await readReport(ctx.root, tree, params.file);
  if (!report) {
    return {
      status: 'error',
      summary: `no coverage report found (looked for ${coverageCandidates.join(', ')})`,
      fix: 'Run the tests with coverage before this check (e.g. vitest run --coverage --coverage.reporter=lcov), or set file: in gonogo.yaml.',
      evidence: tree.evidence,
    };
  }
  if (!('bytes' in report)) {
    return {
      status: 'error',
      summary: `cannot read the coverage report ${report.problem}`,
      fix: 'Run the tests with coverage before this check, or fix file: in gonogo.yaml.',
      evidence: tree.evidence,
    };
  }
  const files = [{ path: report.shown, sha256: sha256Hex(report.bytes) }];
  let source: CheckEvidence = report.committed
    ? { ...tree.evidence, note: 'the report is committed: read from the release commit' }
    : { ...tree.evidence };
  if (!report.committed && tree.commit) {
    // Made in the working tree: it is of the release commit only if the tree is that commit.
    const checkout = await checkReleaseCheckout(ctx, signal);
    if (!checkout.ok) {
      return {
        ...checkout.error,
        summary: `${report.shown} may not be of the release: ${checkout.error.summary}`,
        evidence: { ...checkout.error.evidence, files },
      };
    }
    source = { ...checkout.evidence, reportTime: report.mtime?.toISOString() };
    const committedAt = await commitTime(ctx.root, tree.commit, signal);
    if (committedAt && report.mtime && report.mtime < committedAt) {
      const short = tree.commit.slice(0, 7);
      return {
        status: 'failed',
        summary: `${report.shown} is stale: written ${report.mtime.toISOString()}, before the release commit ${short} (${committedAt.toISOString()})`,
        fix: `Run the tests with coverage at the release commit ${short}, then run this check again.`,
        evidence: {
          ...source,
          files,
          commitTime: committedAt.toISOString(),
          findings: [{ where: report.shown, message: 'older than the release commit' }],
        },
      };
    }
    if (committedAt) source.commitTime = committedAt.toISOString();
  }
  const text = report.bytes.toString('utf8');
  const format = params.format ?? detectCoverageFormat(text);
  if (!format) {
    const hint = /"statementMap"/.test(text.slice(0, 65536))
      ? ' (this looks like coverage-final.json: add the json-summary reporter and read coverage-summary.json)'
      : '';
    return {
      status: 'error',
      summary: `${report.shown} is not a coverage report gonogo reads${hint}`,
      fix: 'Use lcov, Cobertura XML, Istanbul coverage-summary.json or coverage.py JSON, or set format:.',
      evidence: { ...source, files },
    };
  }
  const totals = parseCoverage(text, format);
  const evidence = { ...source, files, format };
  if (typeof totals === 'string') {
    return {
      status: 'error',
      summary: `${report.shown} is not a valid ${formatNames[format]} report: ${totals}`,
      fix: 'Regenerate the report, or set format: to what it really is.',
      evidence,
    };
  }
  const measured = totals.metrics[params.metric];
  if (!measured || !Number.isFinite(measured.pct)) {
    const has = Object.entries(totals.metrics)
      .filter(([, value]) => Number.isFinite(value.pct))
      .map(([name]) => name);
    return {
      status: 'error',
      summary: `${report.shown} (${formatNames[format]}) has no ${params.metric} coverage${has.length ? ` (it has ${has.join(', ')})` : ''}`,
      fix: `Pick a metric the report has (metric: ${has[0] ?? 'lines'}), or turn on ${params.metric} coverage in the tool.`,
      evidence,
    };
  }
  const pct = floorPercent(measured.pct);
  const counts = Number.isFinite(measured.total) ? ` (${measured.covered}/${measured.total})` : '';
  const all = Object.fromEntries(
    Object.entries(totals.metrics)
      .filter(([, value]) => Number.isFinite(value.pct))
      .map(([name, value]) => [name, floorPercent(value.pct)]),
  );
  const said = `${params.metric} coverage ${pct}%${counts} in ${report.shown}`;
  // Compared at the two decimals shown, so "80% below 80%" cannot happen.
  if (pct >= params.min) {
    return {
      status: 'passed',
      summary: `${said}, at least ${params.min}%`,
      evidence: { ...evidence, coverage: all },
    };
  }
  return {
    status: 'failed',
    summary: `${said}, below ${params.min}%`,
    fix: `Add tests for the uncovered code, or lower min: deliberately (it is ${params.min}).`,
    evidence: {
      ...evidence,
      coverage: all,
      findings: [{ where: report.shown, message: `${params.metric} ${pct}% < ${params.min}%` }],
    },
  };
}

const coverageCheck: CheckDefinition<Params> = {
  name: 'coverage',
  timeoutMs: 10_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkCoverage(ctx, params, signal)),
};

export default coverageCheck;

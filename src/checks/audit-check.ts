/**
 * `audit`: no known vulnerability at or above a severity in the dependencies, from `npm audit
 * --json` (run here, or read from a file), `pip-audit -f json` or OSV-Scanner JSON. npm audit
 * runs only where the working tree is the release commit (HEAD is it, no tracked file differs).
 *
 * pip-audit reports no severity, and OSV entries sometimes have none: such vulnerabilities count
 * as high (shown as "unrated"), so they block at the default threshold and below, but not when
 * the playbook only blocks on critical; the summary then says how many were not counted.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import semver from 'semver';
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  maxFindings,
  sha256Hex,
  summarizeOutput,
  type CheckOutcome,
} from './check-git.ts';
import { checkReleaseCheckout } from './check-tree.ts';
import type { CheckContext, CheckDefinition, CheckEvidence } from './check-types.ts';

type Params = CheckParams<'audit'>;
export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical' | 'unrated';

/** One vulnerable package, with the worst severity of its advisories. */
export interface VulnerablePackage {
  name: string;
  version?: string;
  severity: Severity;
  /** Advisory ids (GHSA, PYSEC, CVE ...). */
  ids: string[];
  titles: string[];
  fix?: string;
}

const rank: Record<Severity, number> = {
  info: 0,
  low: 1,
  moderate: 2,
  high: 3,
  critical: 4,
  // No rating: counted as high, the cautious reading of "a known vulnerability".
  unrated: 3,
};

/**
 * A tool's severity word or CVSS base score as one of gonogo's severities.
 *
 * @example
 * normalizeSeverity('MEDIUM') // → 'moderate'
 * normalizeSeverity('9.8') // → 'critical'
 */
export function normalizeSeverity(value: unknown): Severity {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const score = Number(value);
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'moderate';
    return score > 0 ? 'low' : 'info';
  }
  const word = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (word === 'medium') return 'moderate';
  if (word === 'none') return 'info';
  return word in rank && word !== 'unrated' ? (word as Severity) : 'unrated';
}

function worst(a: Severity, b: Severity): Severity {
  if (rank[a] !== rank[b]) return rank[a] > rank[b] ? a : b;
  return a === 'unrated' ? b : a; // a rating beats "unrated" at the same rank
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function idFromUrl(url: unknown): string | undefined {
  return asString(url)?.match(/(GHSA(-[0-9a-z]{4}){3})/i)?.[1];
}

/**
 * The vulnerable packages of an `npm audit --json` report (npm 7+ or npm 6 shape); a string says
 * why the report is not one (npm's own error, e.g. no lockfile or registry unreachable).
 *
 * @example
 * parseNpmAudit({ vulnerabilities: { minimist: { severity: 'critical', via: [], fixAvailable: true } } })
 * // → [{ name: 'minimist', severity: 'critical', ids: [], titles: [], fix: 'npm audit fix' }]
 */
export function parseNpmAudit(json: unknown): VulnerablePackage[] | string {
  if (!isRecord(json)) return 'not a JSON object';
  if (isRecord(json['vulnerabilities'])) return parseNpm7(json['vulnerabilities']);
  if (isRecord(json['advisories'])) return parseNpm6(json['advisories']);
  const error = isRecord(json['error']) ? json['error'] : {};
  const why = [asString(error['code']), asString(json['message']), asString(error['summary'])]
    .filter(Boolean)
    .join(': ');
  return why || 'neither "vulnerabilities" (npm 7+) nor "advisories" (npm 6)';
}

function parseNpm7(entries: Record<string, unknown>): VulnerablePackage[] {
  const found: VulnerablePackage[] = [];
  for (const [key, entry] of Object.entries(entries)) {
    if (!isRecord(entry)) continue;
    const ids: string[] = [];
    const titles: string[] = [];
    const through: string[] = [];
    for (const via of Array.isArray(entry['via']) ? entry['via'] : []) {
      if (typeof via === 'string') through.push(via);
      else if (isRecord(via)) {
        const id = idFromUrl(via['url']) ?? (via['source'] ? `npm:${via['source']}` : undefined);
        if (id && !ids.includes(id)) ids.push(id);
        const title = asString(via['title']);
        if (title && !titles.includes(title)) titles.push(title);
      }
    }
    if (through.length) titles.push(`via ${through.join(', ')}`);
    const fixAvailable = entry['fixAvailable'];
    let fix: string | undefined;
    if (fixAvailable === true) fix = 'npm audit fix';
    else if (fixAvailable === false) fix = 'no fix available';
    else if (isRecord(fixAvailable)) {
      fix = `upgrade ${asString(fixAvailable['name']) ?? key} to ${asString(fixAvailable['version']) ?? 'a fixed version'}${fixAvailable['isSemVerMajor'] ? ' (semver major)' : ''}`;
    }
    found.push({
      name: asString(entry['name']) ?? key,
      ...(asString(entry['range']) ? { version: asString(entry['range']) } : {}),
      severity: normalizeSeverity(entry['severity']),
      ids,
      titles,
      ...(fix ? { fix } : {}),
    });
  }
  return found;
}

function lowest(range: string): number {
  const version = semver.validRange(range) ? semver.minVersion(range) : null;
  return version ? version.major * 1e12 + version.minor * 1e6 + version.patch : 0;
}

function parseNpm6(advisories: Record<string, unknown>): VulnerablePackage[] {
  const byName = new Map<string, VulnerablePackage>();
  const fixes = new Map<string, string>();
  for (const [key, advisory] of Object.entries(advisories)) {
    if (!isRecord(advisory)) continue;
    const name = asString(advisory['module_name']) ?? key;
    const findings = Array.isArray(advisory['findings']) ? advisory['findings'] : [];
    const versions = findings.map((f) => (isRecord(f) ? asString(f['version']) : undefined));
    const pkg = byName.get(name) ?? { name, severity: 'info' as Severity, ids: [], titles: [] };
    pkg.severity = worst(pkg.severity, normalizeSeverity(advisory['severity']));
    const id =
      asString(advisory['github_advisory_id']) ?? idFromUrl(advisory['url']) ?? `npm:${key}`;
    if (!pkg.ids.includes(id)) pkg.ids.push(id);
    const title = asString(advisory['title']);
    if (title && !pkg.titles.includes(title)) pkg.titles.push(title);
    const version = versions.filter(Boolean).join(', ');
    if (version) pkg.version = version;
    const patched = asString(advisory['patched_versions']);
    if (patched === '<0.0.0') pkg.fix = 'no fix available';
    else if (patched && pkg.fix !== 'no fix available') {
      // The fix must clear every advisory: keep the range with the highest lowest version.
      const now = fixes.get(name);
      if (!now || lowest(patched) > lowest(now)) fixes.set(name, patched);
      pkg.fix = `upgrade to ${fixes.get(name)}`;
    }
    byName.set(name, pkg);
  }
  return [...byName.values()];
}

/**
 * The vulnerable packages of a `pip-audit -f json` report (pip-audit rates nothing: "unrated").
 *
 * @example
 * parsePipAudit({ dependencies: [{ name: 'flask', version: '0.5', vulns: [{ id: 'PYSEC-2019-179', fix_versions: ['1.0'] }] }] })
 * // → [{ name: 'flask', version: '0.5', severity: 'unrated', ids: ['PYSEC-2019-179'], titles: [], fix: 'upgrade to 1.0' }]
 */
export function parsePipAudit(json: unknown): VulnerablePackage[] | string {
  // pip-audit 2.x wraps the list in { dependencies, fixes }; early versions printed the list.
  const dependencies = Array.isArray(json)
    ? json
    : isRecord(json) && Array.isArray(json['dependencies'])
      ? json['dependencies']
      : undefined;
  if (!dependencies) return 'no "dependencies" list: not a pip-audit JSON report';
  const found: VulnerablePackage[] = [];
  for (const dependency of dependencies) {
    if (!isRecord(dependency) || !Array.isArray(dependency['vulns'])) continue;
    const vulns = dependency['vulns'].filter(isRecord);
    if (vulns.length === 0) continue;
    const fixes = new Set<string>();
    let severity: Severity = 'info';
    let rated = false;
    for (const vuln of vulns) {
      for (const version of Array.isArray(vuln['fix_versions']) ? vuln['fix_versions'] : []) {
        if (typeof version === 'string') fixes.add(version);
      }
      if (vuln['severity'] !== undefined) {
        rated = true;
        severity = worst(severity, normalizeSeverity(vuln['severity']));
      }
    }
    found.push({
      name: asString(dependency['name']) ?? '?',
      ...(asString(dependency['version']) ? { version: asString(dependency['version']) } : {}),
      severity: rated ? severity : 'unrated',
      ids: vulns.map((vuln) => asString(vuln['id'])).filter((id): id is string => !!id),
      titles: [],
      fix: fixes.size ? `upgrade to ${[...fixes].join(' or ')}` : 'no fix available',
    });
  }
  return found;
}

/**
 * The vulnerable packages of an OSV-Scanner JSON report. A package's severity is the worst of its
 * advisories' `database_specific.severity` and its groups' `max_severity` CVSS score.
 *
 * @example
 * parseOsvScanner({ results: [{ packages: [{ package: { name: 'lodash', version: '4.17.15' }, vulnerabilities: [{ id: 'GHSA-p6mc-m468-83gw', database_specific: { severity: 'HIGH' } }] }] }] })
 * // → [{ name: 'lodash', version: '4.17.15', severity: 'high', ids: ['GHSA-p6mc-m468-83gw'], titles: [] }]
 */
export function parseOsvScanner(json: unknown): VulnerablePackage[] | string {
  if (!isRecord(json) || !Array.isArray(json['results'])) {
    return 'no "results" list: not an OSV-Scanner JSON report';
  }
  const found: VulnerablePackage[] = [];
  for (const result of json['results']) {
    if (!isRecord(result) || !Array.isArray(result['packages'])) continue;
    for (const entry of result['packages']) {
      if (!isRecord(entry)) continue;
      const pkg = isRecord(entry['package']) ? entry['package'] : {};
      const vulns = (
        Array.isArray(entry['vulnerabilities']) ? entry['vulnerabilities'] : []
      ).filter(isRecord);
      const groups = (Array.isArray(entry['groups']) ? entry['groups'] : []).filter(isRecord);
      if (vulns.length === 0 && groups.length === 0) continue;
      let severity: Severity | undefined;
      const rate = (next: Severity) => (severity = severity ? worst(severity, next) : next);
      for (const vuln of vulns) {
        const specific = isRecord(vuln['database_specific']) ? vuln['database_specific'] : {};
        if (specific['severity'] !== undefined) rate(normalizeSeverity(specific['severity']));
      }
      for (const group of groups) {
        const score = group['max_severity'];
        if (score !== undefined && score !== '') rate(normalizeSeverity(score));
      }
      // Aliases of one advisory are grouped; one id per group keeps the list short.
      const ids = groups.length
        ? groups.map((group) => (Array.isArray(group['ids']) ? String(group['ids'][0]) : '?'))
        : vulns.map((vuln) => String(vuln['id']));
      const titles = [
        ...new Set(vulns.map((vuln) => asString(vuln['summary'])).filter((t): t is string => !!t)),
      ];
      found.push({
        name: asString(pkg['name']) ?? '?',
        ...(asString(pkg['version']) ? { version: asString(pkg['version']) } : {}),
        severity: severity ?? 'unrated',
        ids,
        titles,
      });
    }
  }
  return found;
}

interface NpmRun {
  stdout: string;
  stderr: string;
  code: number | null;
  missing?: boolean;
}

function runNpmAudit(ctx: CheckContext, signal: AbortSignal): Promise<NpmRun> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...ctx.env })) {
    if (value !== undefined) env[key] = value;
  }
  env['npm_config_update_notifier'] = 'false';
  return new Promise((done, reject) => {
    execFile(
      'npm',
      ['audit', '--json'],
      { cwd: ctx.root, env, signal, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
        const failure = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        if (failure?.code === 'ENOENT') return done({ stdout, stderr, code: null, missing: true });
        done({
          stdout,
          stderr,
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
        });
      },
    );
  });
}

const networkError =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|request to .* failed/i;

async function hashIfPresent(root: string, name: string) {
  try {
    return [{ path: name, sha256: sha256Hex(await readFile(resolve(root, name))) }];
  } catch {
    return [];
  }
}

async function checkAudit(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const toolName = { npm: 'npm audit', 'pip-audit': 'pip-audit', osv: 'OSV-Scanner' }[params.tool];
  let text: string;
  let evidence: CheckEvidence;
  if (params.file) {
    const path = isAbsolute(params.file) ? params.file : resolve(ctx.root, params.file);
    const shown = relative(ctx.root, path) || params.file;
    let bytes: Buffer;
    try {
      bytes = await readFile(path, { signal });
    } catch (error) {
      if (signal.aborted) throw error;
      return {
        status: 'error',
        summary: `cannot read the ${toolName} report ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        fix: `Run ${toolName} with JSON output into ${shown} before this check, or fix file: in gonogo.yaml.`,
        evidence: {},
      };
    }
    text = bytes.toString('utf8');
    evidence = { files: [{ path: shown, sha256: sha256Hex(bytes) }] };
  } else if (params.tool !== 'npm') {
    return {
      status: 'error',
      summary: `${toolName} reports are read from a file, and no file: is set`,
      fix: `Run ${params.tool === 'osv' ? 'osv-scanner --format json -r . > osv.json' : 'pip-audit -f json -o pip-audit.json'} first and set file: in gonogo.yaml.`,
      evidence: {},
    };
  } else {
    // npm audit reads the working tree's lockfile: it speaks for the release commit only when
    // the working tree is that commit, as for a command check.
    const checkout = await checkReleaseCheckout(ctx, signal);
    if (!checkout.ok) return checkout.error;
    const command = ['npm', 'audit', '--json'];
    const run = await runNpmAudit(ctx, signal);
    evidence = {
      ...checkout.evidence,
      command,
      exitCode: run.code,
      files: await hashIfPresent(ctx.root, 'package-lock.json'),
      output: summarizeOutput(run.stderr),
    };
    if (run.missing) {
      return {
        status: 'error',
        summary: 'npm is not installed (or the repository root does not exist)',
        fix: 'Install Node.js with npm, or audit with a report file: file: npm-audit.json.',
        evidence,
      };
    }
    text = run.stdout;
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      status: 'error',
      summary: `the ${toolName} output is not JSON`,
      fix: `Produce it with JSON output (${params.tool === 'npm' ? 'npm audit --json' : params.tool === 'osv' ? 'osv-scanner --format json' : 'pip-audit -f json'}).`,
      evidence,
    };
  }
  const parse = { npm: parseNpmAudit, 'pip-audit': parsePipAudit, osv: parseOsvScanner }[
    params.tool
  ];
  const packages = parse(json);
  if (typeof packages === 'string') {
    if (params.tool === 'npm' && networkError.test(packages)) {
      return {
        status: 'error',
        summary: `npm audit could not reach the registry (${packages})`,
        fix: 'Run it where the registry is reachable, or save npm audit --json to a file and set file:.',
        evidence,
      };
    }
    const refused = /^(\d{3}) /.exec(packages);
    if (params.tool === 'npm' && refused) {
      // Some mirrors and proxies do not serve the audit endpoint.
      return {
        status: 'error',
        summary: `npm audit: the registry refused the audit request (${packages})`,
        fix: 'Audit against a registry that serves advisories (registry.npmjs.org), or save npm audit --json from one and set file:.',
        evidence,
      };
    }
    const lockless = /ENOLOCK/.test(packages);
    return {
      status: 'error',
      summary: `${toolName} gave no report: ${packages}`,
      fix: lockless
        ? 'Create a lockfile (npm i --package-lock-only) and commit it.'
        : `Run ${toolName} by hand to see what is wrong.`,
      evidence,
    };
  }

  const threshold = rank[params.severity];
  const blocking = packages
    .filter((pkg) => rank[pkg.severity] >= threshold && pkg.severity !== 'info')
    .sort((a, b) => rank[b.severity] - rank[a.severity] || a.name.localeCompare(b.name));
  const counts: Record<string, number> = {};
  for (const pkg of packages) counts[pkg.severity] = (counts[pkg.severity] ?? 0) + 1;
  const tally = Object.entries(counts)
    .sort(([a], [b]) => rank[b as Severity] - rank[a as Severity])
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ');
  const skippedUnrated = params.severity === 'critical' ? (counts['unrated'] ?? 0) : 0;
  const full = { ...evidence, severity: params.severity, counts };
  if (blocking.length === 0) {
    const below = packages.length ? ` (${tally} below it)` : '';
    const unrated = skippedUnrated
      ? `; ${skippedUnrated} unrated, not counted at critical: review them`
      : '';
    return {
      status: 'passed',
      summary: `${toolName}: no vulnerable package at or above ${params.severity}${below}${unrated}`,
      evidence: full,
    };
  }
  const n = blocking.length;
  return {
    status: 'failed',
    summary: `${toolName}: ${n} vulnerable package${n === 1 ? '' : 's'} at or above ${params.severity}: ${blocking
      .slice(0, 3)
      .map((pkg) => `${pkg.name} (${pkg.severity})`)
      .join(', ')}${n > 3 ? ', …' : ''}`,
    fix:
      params.tool === 'npm'
        ? 'Upgrade them (npm audit fix, or the versions listed), or raise severity: deliberately.'
        : 'Upgrade them to the fixed versions listed, or raise severity: deliberately.',
    evidence: {
      ...full,
      findings: blocking.slice(0, maxFindings).map((pkg) => ({
        where: pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name,
        message:
          `${pkg.severity}${pkg.severity === 'unrated' ? ' (counted as high)' : ''}: ` +
          [...pkg.titles, pkg.ids.length ? `(${pkg.ids.join(', ')})` : '']
            .filter(Boolean)
            .join(' ') +
          (pkg.fix ? `; fix: ${pkg.fix}` : ''),
      })),
    },
  };
}

const auditCheck: CheckDefinition<Params> = {
  name: 'audit',
  timeoutMs: 120_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkAudit(ctx, params, signal)),
};

export default auditCheck;

/**
 * JUnit XML for `gonogo check --junit FILE`, so CI systems show each check as a test case:
 * `failure` for failed, `error` for error, the evidence as the case's system-out.
 */
import type { CheckEvidence, CheckResult } from './check-types.ts';

export interface JunitCase {
  /** The test case's name: the item's title. */
  name: string;
  /** Its class name: the phase and section, or the check's name. */
  classname: string;
  result: CheckResult;
}

// Characters XML 1.0 forbids even escaped; dropping them keeps the file parseable.
const invalidXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Escapes text for XML content and attribute values (`<`, `>`, `&`, `"`, `'`) and drops the
 * characters XML cannot carry.
 *
 * @example escapeXml(`a<b & "c" 'd'`) // 'a&lt;b &amp; &quot;c&quot; &apos;d&apos;'
 */
export function escapeXml(text: string): string {
  return text.replace(invalidXmlChars, '').replace(/[<>&"']/g, (c) => {
    switch (c) {
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '&':
        return '&amp;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/**
 * The evidence of a result as short readable lines: files with their hashes, commit, command
 * and exit code, HTTP timings, findings, and the first and last lines of output.
 *
 * @example summarizeEvidence({ commit: 'abc123', exitCode: 0 }) // ['commit: abc123', 'exit code: 0']
 */
export function summarizeEvidence(evidence: CheckEvidence): string[] {
  const lines: string[] = [];
  for (const f of evidence.files ?? []) lines.push(`file: ${f.path} sha256:${f.sha256}`);
  if (evidence.commit) lines.push(`commit: ${evidence.commit}`);
  // Where the files were read or the command ran, when it was not the release commit.
  if (typeof evidence.note === 'string') lines.push(`note: ${evidence.note}`);
  if (evidence.command) lines.push(`command: ${evidence.command.join(' ')}`);
  if (evidence.exitCode !== undefined)
    lines.push(`exit code: ${evidence.exitCode ?? 'none (killed)'}`);
  if (evidence.http) {
    const h = evidence.http;
    const timings = (['p50', 'p95', 'p99'] as const)
      .filter((p) => h[p] !== undefined)
      .map((p) => `${p} ${Math.round(h[p]!)}ms`);
    lines.push(
      [
        `http: ${h.url}`,
        h.status !== undefined ? `status ${h.status}` : '',
        h.samples !== undefined ? `${h.samples} samples` : '',
        ...timings,
      ]
        .filter(Boolean)
        .join(', '),
    );
  }
  for (const f of evidence.findings ?? []) lines.push(`finding: ${f.where}: ${f.message}`);
  if (evidence.output) {
    const o = evidence.output;
    lines.push(`output (${o.lines} lines):`, ...o.head.map((l) => `  ${l}`));
    if (o.tail.length) lines.push('  ...', ...o.tail.map((l) => `  ${l}`));
  }
  return lines;
}

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Renders check results as a JUnit XML document with one testsuite.
 *
 * @example
 * writeFileSync('checks.xml', renderJunit('gonogo 1.4.0', [
 *   { name: 'CHANGELOG.md updated', classname: 'pre-release', result },
 * ]));
 */
export function renderJunit(
  suiteName: string,
  results: { name: string; classname: string; result: CheckResult }[],
): string {
  const failures = results.filter((r) => r.result.status === 'failed').length;
  const errors = results.filter((r) => r.result.status === 'error').length;
  const total = seconds(results.reduce((sum, r) => sum + r.result.durationMs, 0));
  const counts = `tests="${results.length}" failures="${failures}" errors="${errors}" skipped="0" time="${total}"`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" ${counts}>`,
    `  <testsuite name="${escapeXml(suiteName)}" ${counts}>`,
  ];
  for (const { name, classname, result } of results) {
    out.push(
      `    <testcase name="${escapeXml(name)}" classname="${escapeXml(classname)}" time="${seconds(result.durationMs)}">`,
    );
    if (result.status !== 'passed') {
      const tag = result.status === 'failed' ? 'failure' : 'error';
      const body = [result.summary, ...(result.fix ? [`fix: ${result.fix}`] : [])].join('\n');
      out.push(
        `      <${tag} message="${escapeXml(result.summary)}" type="${result.status}">${escapeXml(body)}</${tag}>`,
      );
    }
    const evidence = [result.summary, ...summarizeEvidence(result.evidence)].join('\n');
    out.push(`      <system-out>${escapeXml(evidence)}</system-out>`, '    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

import { describe, expect, it } from 'vitest';
import { escapeXml, renderJunit, summarizeEvidence } from './check-junit.ts';
import type { CheckResult } from './check-types.ts';

const result = (r: Partial<CheckResult> & Pick<CheckResult, 'status'>): CheckResult => ({
  summary: '',
  evidence: {},
  durationMs: 1234,
  ...r,
});

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const cases = [
  {
    name: '#1 CHANGELOG <updated> & "dated"',
    classname: "pre-release.changelog's",
    result: result({
      status: 'passed',
      summary: 'CHANGELOG.md:8 has "[1.2.0]"',
      evidence: { files: [{ path: 'CHANGELOG.md', sha256: 'ab12' }] },
    }),
  },
  {
    name: '#2 Tests pass',
    classname: 'pre-release.tests',
    result: result({
      status: 'failed',
      summary: 'npm test exited 1: expected <div> & got </div>',
      fix: 'fix the "tests"',
      evidence: {
        command: ['npm', 'test'],
        exitCode: 1,
        output: { head: ['> x', 'FAIL a < b'], tail: ['done \u0007bell'], lines: 40 },
      },
    }),
  },
  {
    name: '#3 Health',
    classname: 'post-release.health',
    result: result({
      status: 'error',
      summary: 'http://x/: connection refused (ECONNREFUSED)',
      evidence: { http: { url: 'http://x/?a=1&b=2', samples: 0 } },
    }),
  },
];

describe('renderJunit', () => {
  const xml = renderJunit('gonogo 1.2.0 <rc>', cases);

  it('writes testsuites, one testsuite and a testcase per result, with counts', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const suite =
      /<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="0" time="([\d.]+)">/.exec(
        xml,
      );
    expect(suite).not.toBeNull();
    expect(unescape(suite![1]!)).toBe('gonogo 1.2.0 <rc>');
    expect(suite!.slice(2, 6)).toEqual(['3', '1', '1', '3.702']);
    const testcases = [
      ...xml.matchAll(
        /<testcase name="([^"]*)" classname="([^"]*)" time="([\d.]+)">([\s\S]*?)<\/testcase>/g,
      ),
    ];
    expect(testcases.map((m) => [unescape(m[1]!), unescape(m[2]!), m[3]])).toEqual(
      cases.map((c) => [c.name, c.classname, '1.234']),
    );
    expect(testcases[0]![4]).not.toMatch(/<failure|<error/);
    expect(testcases[1]![4]).toMatch(/<failure message="[^"]*" type="failed">[^<]*<\/failure>/);
    expect(testcases[2]![4]).toMatch(/<error message="[^"]*" type="error">[^<]*<\/error>/);
  });

  it('escapes markup in every text and attribute, so the document stays well formed', () => {
    // Outside tags no raw < or &, inside attribute values no raw quotes or <.
    const text = xml.replace(/<\/?[a-z?-]+(?:\s+[a-z-]+="[^"<]*")*\s*\??\/?>/gi, '');
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!(lt|gt|amp|quot|apos);)/);
    const failure = /<failure message="([^"]*)"[^>]*>([^<]*)<\/failure>/.exec(xml)!;
    expect(unescape(failure[1]!)).toBe('npm test exited 1: expected <div> & got </div>');
    expect(unescape(failure[2]!)).toBe(
      'npm test exited 1: expected <div> & got </div>\nfix: fix the "tests"',
    );
    expect(xml).not.toContain('\u0007');
  });

  it('puts the evidence in system-out', () => {
    const outs = [...xml.matchAll(/<system-out>([^<]*)<\/system-out>/g)].map((m) =>
      unescape(m[1]!),
    );
    expect(outs[0]).toBe('CHANGELOG.md:8 has "[1.2.0]"\nfile: CHANGELOG.md sha256:ab12');
    expect(outs[1]).toContain(
      'command: npm test\nexit code: 1\noutput (40 lines):\n  > x\n  FAIL a < b\n  ...\n  done bell',
    );
    expect(outs[2]).toContain('http: http://x/?a=1&b=2, 0 samples');
  });
});

describe('escapeXml and summarizeEvidence', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
  });

  it('summarises HTTP timings and findings', () => {
    expect(
      summarizeEvidence({
        http: { url: 'http://h/', status: 200, samples: 5, p50: 12.3, p99: 40 },
        findings: [{ where: 'p99', message: 'over budget' }],
      }),
    ).toEqual([
      'http: http://h/, status 200, 5 samples, p50 12ms, p99 40ms',
      'finding: p99: over budget',
    ]);
  });
});

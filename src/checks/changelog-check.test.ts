import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import changelogCheck, { parseChangelog } from './changelog-check.ts';
import { testContext, useTestRepos, type TestRepo } from './check-git.fixture.ts';
import { sha256Hex } from './check-git.ts';
import type { CheckContext } from './check-types.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gonogo-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ctx = (version: string): CheckContext => ({
  root,
  version,
  policy: {},
  env: {},
  now: () => new Date('2026-03-02T10:00:00Z'),
});

async function check(version: string, params: unknown = {}) {
  return changelogCheck.run(
    ctx(version),
    checkParams.changelog.parse(params),
    new AbortController().signal,
  );
}

const keepAChangelog = `# Changelog

All notable changes to this project will be documented in this file.
The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]

## [1.2.0] - 2024-01-01

### Added

- A new thing
- Another one
  - with a detail

### Fixed

- A bug

## [1.1.0] - 2023-12-01

- Older

[1.2.0]: https://example.com/compare/v1.1.0...v1.2.0
`;

describe('changelog check', () => {
  it('passes on a Keep a Changelog section and records file hash, heading line and entries', async () => {
    writeFileSync(join(root, 'CHANGELOG.md'), keepAChangelog);
    const r = await check('1.2.0');
    expect(r.status).toBe('passed');
    expect(r.evidence.heading).toEqual({ line: 8, text: '[1.2.0] - 2024-01-01' });
    expect(r.evidence.items).toBe(4);
    expect(r.evidence.files).toEqual([
      { path: 'CHANGELOG.md', sha256: createHash('sha256').update(keepAChangelog).digest('hex') },
    ]);
    expect(r.summary).toContain('CHANGELOG.md:8');
  });

  it('accepts a release version with a leading v', async () => {
    writeFileSync(join(root, 'CHANGELOG.md'), keepAChangelog);
    expect((await check('v1.2.0')).status).toBe('passed');
  });

  it.each([
    ['## 1.2.0 (2024-01-01)\n\n* fix\n\n## 1.1.0 (2023-01-01)\n\n* old\n', 1],
    ['## v1.2.0\n\n- fix\n\n## v1.1.0\n\n- old\n', 1],
    ['# 1.2.0\n- fix\n# 1.1.0\n- old\n', 1],
    ['# Changes\n\n## Version 1.2.0 - 2024-01-01\n\n- fix\n', 3],
    [
      '## [1.2.0](https://github.com/o/r/compare/v1.1.0...v1.2.0) (2024-01-01)\n\n### Bug Fixes\n\n* **x:** y ([abc](https://github.com/o/r/commit/abc))\n\n## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) (2023-01-01)\n\n* old\n',
      1,
    ],
    [
      '1.2.0 / 2024-01-01\n==================\n\n  * fix\n\n1.1.0 / 2023-01-01\n==================\n\n  * old\n',
      1,
    ],
    ['1.2.0 / 2024-01-01\n  * fix\n\n1.1.0 / 2023-01-01\n  * old\n', 1],
    ['Release notes\n=============\n\n1.2.0\n-----\n\n- fix\n\n1.1.0\n-----\n\n- old\n', 4],
  ])('reads the heading style of %j', async (text, line) => {
    writeFileSync(join(root, 'CHANGELOG.md'), text);
    const r = await check('1.2.0');
    expect(r.status, r.summary).toBe('passed');
    expect((r.evidence.heading as { line: number }).line).toBe(line);
  });

  it('fails when the version has no section, naming the latest', async () => {
    writeFileSync(join(root, 'CHANGELOG.md'), keepAChangelog);
    const r = await check('1.3.0');
    expect(r.status).toBe('failed');
    expect(r.summary).toBe('CHANGELOG.md has no section for 1.3.0 (latest is 1.2.0)');
    expect(r.fix).toContain('add a section "## [1.3.0]');
    writeFileSync(
      join(root, 'CHANGELOG.md'),
      keepAChangelog.replace('## [Unreleased]\n', '## [Unreleased]\n- next\n'),
    );
    const pending = await check('1.3.0');
    expect(pending.fix).toContain(
      'rename the Unreleased section (line 6) to "## [1.3.0] - 2026-03-02"',
    );
  });

  it('does not take 1.2.0 for 1.2.0-rc.1 or 1.2.01', async () => {
    writeFileSync(
      join(root, 'CHANGELOG.md'),
      '## 1.2.0-rc.1 - 2024-01-01\n- a\n## 1.2.01 - 2024-01-01\n- b\n',
    );
    expect((await check('1.2.0')).status).toBe('failed');
    expect((await check('1.2.0-rc.1')).status).toBe('passed');
  });

  it('fails on an empty section (sub-headings only)', async () => {
    writeFileSync(
      join(root, 'CHANGELOG.md'),
      '## [1.2.0] - 2024-01-01\n\n### Added\n\n## [1.1.0] - 2023-01-01\n- x\n',
    );
    const r = await check('1.2.0');
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('the section for 1.2.0 is empty');
    expect(r.evidence.findings).toEqual([
      { where: 'CHANGELOG.md:1', message: 'no entries under the heading' },
    ]);
  });

  it('does not count a heading inside a code fence', async () => {
    writeFileSync(join(root, 'CHANGELOG.md'), '## 1.1.0\n\n```md\n## 1.2.0\n```\n');
    expect((await check('1.2.0')).status).toBe('failed');
  });

  it('requires a date when the other sections are dated, unless dated: false', async () => {
    writeFileSync(
      join(root, 'CHANGELOG.md'),
      '## [1.2.0]\n- new\n\n## [1.1.0] - 2023-12-01\n- old\n',
    );
    const r = await check('1.2.0');
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('no release date');
    expect(r.fix).toContain('## [1.2.0] - 2026-03-02');
    expect((await check('1.2.0', { dated: false })).status).toBe('passed');
  });

  it('requires no date when the format has none, but refuses an explicit "Unreleased" date', async () => {
    writeFileSync(join(root, 'CHANGELOG.md'), '## 1.2.0\n- new\n\n## 1.1.0\n- old\n');
    expect((await check('1.2.0')).status).toBe('passed');
    writeFileSync(join(root, 'CHANGELOG.md'), '## 1.2.0 (unreleased)\n- new\n\n## 1.1.0\n- old\n');
    expect((await check('1.2.0')).status).toBe('failed');
  });

  it('lets a non-empty Unreleased section stay unless unreleased: false', async () => {
    const text = keepAChangelog.replace('## [Unreleased]\n', '## [Unreleased]\n\n- pending work\n');
    writeFileSync(join(root, 'CHANGELOG.md'), text);
    expect((await check('1.2.0')).status).toBe('passed');
    const r = await check('1.2.0', { unreleased: false });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('Unreleased section still has 1 entry');
    writeFileSync(join(root, 'CHANGELOG.md'), keepAChangelog);
    expect((await check('1.2.0', { unreleased: false })).status).toBe('passed');
  });

  it('finds History.md and the other usual names, and honours file', async () => {
    writeFileSync(join(root, 'History.md'), '1.2.0 / 2024-01-01\n==================\n\n  * fix\n');
    const r = await check('1.2.0');
    expect(r.status).toBe('passed');
    expect(r.evidence.files?.[0]?.path).toBe('History.md');
    writeFileSync(join(root, 'notes.md'), '## 1.2.0\n- x\n');
    const named = await check('1.2.0', 'notes.md');
    expect(named.evidence.files?.[0]?.path).toBe('notes.md');
  });

  it('is an error when there is no changelog or it is outside the repository', async () => {
    const r = await check('1.2.0');
    expect(r.status).toBe('error');
    expect(r.summary).toContain('no changelog found in the working tree (looked for CHANGELOG.md');
    expect(r.fix).toBeTruthy();
    const named = await check('1.2.0', { file: 'docs/CHANGES.md' });
    expect(named.status).toBe('error');
    expect(named.summary).toBe('docs/CHANGES.md not found in the working tree');
    const outside = await check('1.2.0', { file: '../CHANGELOG.md' });
    expect(outside.status).toBe('error');
    expect(outside.summary).toContain('outside the repository');
  });

  // Real changelogs of installed packages, in their own formats, for their own versions.
  const real = ['acorn', 'es-errors', 'tsconfig-paths', 'extend', 'which'].filter((p) =>
    existsSync(join(repoRoot, 'node_modules', p, 'CHANGELOG.md')),
  );
  it.each(real)('passes on the real changelog of %s for its installed version', async (pkg) => {
    const dir = join(repoRoot, 'node_modules', pkg);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    writeFileSync(join(root, 'CHANGELOG.md'), readFileSync(join(dir, 'CHANGELOG.md')));
    const r = await check(version);
    expect(r.status, r.summary).toBe('passed');
  });
});

describe('parseChangelog', () => {
  it('lists versions and the Unreleased section with dates', () => {
    const s = parseChangelog(keepAChangelog);
    expect(s.map((x) => [x.version, x.unreleased, x.date])).toEqual([
      [undefined, true, undefined],
      ['1.2.0', false, '2024-01-01'],
      ['1.1.0', false, '2023-12-01'],
    ]);
  });
});

describe('changelog check at the release commit', () => {
  const repo = useTestRepos(afterEach);
  const at = (r: TestRepo, commit: string) =>
    changelogCheck.run(
      testContext(r.root, '1.1.0', { commit }),
      checkParams.changelog.parse({}),
      AbortSignal.timeout(30_000),
    );
  const before = '# Changelog\n\n## [1.0.0] - 2026-01-01\n\n- First.\n';
  const after =
    '# Changelog\n\n## [1.1.0] - 2026-03-01\n\n- Second.\n\n## [1.0.0] - 2026-01-01\n\n- First.\n';

  it('fails when only a commit after the release commit adds the section', async () => {
    const r = repo();
    const release = r.commit('feat: a', { 'CHANGELOG.md': before });
    const later = r.commit('docs: changelog for 1.1.0', { 'CHANGELOG.md': after });
    const result = await at(r, release);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('CHANGELOG.md has no section for 1.1.0 (latest is 1.0.0)');
    expect(result.evidence).toMatchObject({
      commit: release,
      files: [{ path: 'CHANGELOG.md', sha256: sha256Hex(before) }],
    });
    expect(result.fix).toContain(
      `CHANGELOG.md in the working tree differs from the one in the release commit ${release.slice(0, 7)}`,
    );
    // The same repository passes for a release pinned to the later commit.
    expect((await at(r, later)).status).toBe('passed');
  });

  it('does not count an uncommitted edit, and says the working tree differs', async () => {
    const r = repo();
    const release = r.commit('feat: a', { 'CHANGELOG.md': before });
    r.write({ 'CHANGELOG.md': after });
    const result = await at(r, release);
    expect(result.status).toBe('failed');
    expect(result.fix).toMatch(/commit it and retarget the release/);
  });

  it('could not run when the release commit is missing from the clone', async () => {
    const r = repo();
    r.commit('feat: a', { 'CHANGELOG.md': after });
    const result = await at(r, 'e'.repeat(40));
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^release commit eeeeeee is not in this clone/);
  });
});

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { testContext, useTestRepos, type TestRepo } from './check-git.fixture.ts';
import { sha256Hex } from './check-git.ts';
import type { CheckContext } from './check-types.ts';
import { resolveInRoot } from './check-tree.ts';
import fileCheck from './file-check.ts';

let root: string;
let outside: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gonogo-'));
  outside = mkdtempSync(join(tmpdir(), 'gonogo-outside-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const now = new Date('2026-03-02T10:00:00Z');
const ctx: () => CheckContext = () => ({
  root,
  version: '1.0.0',
  policy: {},
  env: {},
  now: () => now,
});
const check = (params: unknown) =>
  fileCheck.run(ctx(), checkParams.file.parse(params), new AbortController().signal);

function write(path: string, text: string, ageMs = 0) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
  const t = new Date(now.getTime() - ageMs);
  utimesSync(join(root, path), t, t);
}

describe('file check', () => {
  it('passes when the file exists, with its hash', async () => {
    write('docs/runbook.md', '# Runbook\n');
    const r = await check('docs/runbook.md');
    expect(r.status).toBe('passed');
    expect(r.summary).toBe('docs/runbook.md exists');
    expect(r.evidence.files).toEqual([
      { path: 'docs/runbook.md', sha256: createHash('sha256').update('# Runbook\n').digest('hex') },
    ]);
  });

  it('fails when it is missing', async () => {
    const r = await check({ path: 'backups/latest.tar' });
    expect(r.status).toBe('failed');
    expect(r.summary).toBe('backups/latest.tar does not exist');
  });

  it('checks contains as a multiline regex and records the matching line', async () => {
    write('backup.log', 'started\nbackup completed: 42 files\n');
    const ok = await check({ path: 'backup.log', contains: '^backup completed' });
    expect(ok.status).toBe('passed');
    expect(ok.evidence.match).toEqual({ line: 2, text: 'backup completed' });
    const bad = await check({ path: 'backup.log', contains: 'FAILED|error' });
    expect(bad.status).toBe('failed');
    expect(bad.summary).toBe('backup.log does not contain /FAILED|error/');
    const invalid = await check({ path: 'backup.log', contains: '(' });
    expect(invalid.status).toBe('error');
  });

  it('checks max_age against the clock of the context', async () => {
    write('fresh.txt', 'x', 2 * 3_600_000);
    write('stale.txt', 'x', 30 * 3_600_000);
    expect((await check({ path: 'fresh.txt', max_age: '24h' })).status).toBe('passed');
    const stale = await check({ path: 'stale.txt', max_age: '24h' });
    expect(stale.status).toBe('failed');
    expect(stale.summary).toBe('stale.txt is 1d old, older than 24h');
    const both = await check({ path: 'stale.txt', max_age: '1d', contains: 'y' });
    expect(both.summary).toBe('stale.txt is 1d old, older than 1d and does not contain /y/');
  });

  it('accepts a directory for existence and age, not for contains', async () => {
    mkdirSync(join(root, 'dist'));
    expect((await check('dist')).status).toBe('passed');
    expect((await check({ path: 'dist', contains: 'x' })).status).toBe('error');
  });

  it('refuses paths that leave the repository, by .., absolute path or symlink', async () => {
    writeFileSync(join(outside, 'secret.txt'), 'x');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link.txt'));
    for (const path of ['../x', join(outside, 'secret.txt'), 'link.txt', 'a/../../x']) {
      const r = await check(path);
      expect(r.status, path).toBe('error');
      expect(r.summary, path).toMatch(/outside the repository/);
    }
    write('inside.txt', 'y');
    expect((await check(join(root, 'inside.txt'))).status).toBe('passed');
    expect((await check('a/../inside.txt')).status).toBe('passed');
  });

  it('resolves paths relative to the root', async () => {
    expect(await resolveInRoot(root, 'a/b.txt')).toEqual({
      ok: true,
      abs: join(root, 'a/b.txt'),
      rel: 'a/b.txt',
    });
    expect((await resolveInRoot(root, '..')).ok).toBe(false);
    expect((await resolveInRoot(root, '..foo')).ok).toBe(true);
  });
});

describe('file check at the release commit', () => {
  const repo = useTestRepos(afterEach);
  const at = (r: TestRepo, commit: string, params: unknown) =>
    fileCheck.run(
      testContext(r.root, '1.0.0', { commit, now: () => new Date(Date.now() + 3_600_000) }),
      checkParams.file.parse(params),
      AbortSignal.timeout(30_000),
    );

  it('fails for a file added in a commit after the release commit', async () => {
    const r = repo();
    const release = r.commit('one', { 'README.md': '# x\n' });
    r.commit('two', { 'docs/runbook.md': '# Runbook\n' });
    const result = await at(r, release, 'docs/runbook.md');
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `docs/runbook.md is not in the release commit ${release.slice(0, 7)} (it was added after it)`,
    );
  });

  it('reads content from the commit and dates it by the last commit that changed it', async () => {
    const r = repo();
    const release = r.commit('one', { 'docs/runbook.md': '# Runbook\nowner: ops\n' });
    r.write({ 'docs/runbook.md': '# Runbook\nowner: nobody\n' });
    const result = await at(r, release, {
      path: 'docs/runbook.md',
      contains: 'owner: ops',
      max_age: '1d',
    });
    expect(result.status).toBe('passed');
    expect(result.evidence).toMatchObject({
      commit: release,
      path: 'docs/runbook.md',
      lastChanged: { commit: release },
      files: [{ path: 'docs/runbook.md', sha256: sha256Hex('# Runbook\nowner: ops\n') }],
      match: { line: 2, text: 'owner: ops' },
    });
  });

  it('reads a file no commit tracks (a job wrote it) from the working tree and says so', async () => {
    const r = repo();
    const release = r.commit('one', { '.gitignore': 'backups/\n' });
    r.write({ 'backups/last.log': 'backup completed\n' });
    const result = await at(r, release, { path: 'backups/last.log', contains: 'completed' });
    expect(result.status).toBe('passed');
    expect(result.evidence).toMatchObject({
      source: 'working tree',
      note: `not in the release commit ${release.slice(0, 7)} and not tracked: read from the working tree`,
    });
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { testContext, useTestRepos } from './check-git.fixture.ts';
import type { CheckContext } from './check-types.ts';
import versionCheck, { previousTag, readManifest, readTableKey } from './version-check.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gonogo-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', ...args], {
    cwd: root,
    env: gitEnv,
    encoding: 'utf8',
  });

function repoWithTags(...tags: string[]) {
  git('init', '-q', '-b', 'main');
  git('commit', '-q', '--allow-empty', '-m', 'first');
  for (const t of tags) git('tag', t);
}

const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

const ctx = (version: string): CheckContext => ({
  root,
  version,
  policy: {},
  env: {},
  now: () => new Date(),
});
const check = (version: string, params: unknown = {}) =>
  versionCheck.run(ctx(version), checkParams.version.parse(params), new AbortController().signal);

describe('version check', () => {
  it('passes when package.json says the version and it is above the previous tag', async () => {
    repoWithTags('v1.0.0', 'v1.1.0', 'v1.2.0', 'other-tag');
    write('package.json', '{ "name": "x", "version": "1.2.0" }\n');
    const r = await check('1.2.0');
    expect(r.status, r.summary).toBe('passed');
    expect(r.summary).toBe('package.json says 1.2.0, after v1.1.0');
    expect(r.evidence.previousTag).toBe('v1.1.0');
    expect(r.evidence.files?.[0]?.path).toBe('package.json');
    expect(r.evidence.files?.[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails when a manifest disagrees, listing each one', async () => {
    write('package.json', '{ "version": "1.2.0" }');
    write(
      'pyproject.toml',
      '[build-system]\nrequires = ["x"]\n\n[project]\nname = "x"\nversion = "1.1.9"  # bump me\n',
    );
    write('VERSION', '1.2.0\n');
    const r = await check('1.2.0');
    expect(r.status).toBe('failed');
    expect(r.evidence.findings).toEqual([
      { where: 'pyproject.toml', message: '[project] version is 1.1.9, not 1.2.0' },
    ]);
    expect(r.fix).toContain('set the version to 1.2.0');
  });

  it('fails when the version is not greater than the highest earlier release tag', async () => {
    repoWithTags('v1.0.0', 'v1.3.0', 'v1.10.0-rc.1');
    write('package.json', '{ "version": "1.2.0" }');
    const r = await check('1.2.0');
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('1.2.0 is not greater than the previous release 1.10.0-rc.1');
  });

  it('compares a maintenance release with the tags in its own history only', async () => {
    repoWithTags('v1.4.2');
    git('checkout', '-q', '-b', 'next');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    git('tag', 'v2.0.0');
    git('checkout', '-q', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'fix');
    write('package.json', '{ "version": "1.4.3" }');
    const r = await check('1.4.3');
    expect(r.status, r.summary).toBe('passed');
    expect(r.evidence.previousTag).toBe('v1.4.2');
  });

  it('honours tag_prefix', async () => {
    repoWithTags('release-2.0.0', 'v9.0.0');
    write('VERSION', '2.1.0');
    const r = await check('2.1.0', { tag_prefix: 'release-' });
    expect(r.status, r.summary).toBe('passed');
    expect(r.evidence.previousTag).toBe('release-2.0.0');
  });

  it('skips the tag comparison with a note in a directory without git or without tags', async () => {
    write(
      'Cargo.toml',
      '[package]\nname = "x"\nversion = "0.3.0"\nedition = "2021"\n\n[dependencies]\nversion = "1"\n',
    );
    const r = await check('0.3.0');
    expect(r.status, r.summary).toBe('passed');
    expect(String(r.evidence.notes)).toContain('not a git repository');
    repoWithTags();
    const untagged = await check('0.3.0');
    expect(untagged.status).toBe('passed');
    expect(String(untagged.evidence.notes)).toContain('no earlier tag v');
  });

  it('reads pyproject (poetry), setup.cfg, setup.py and Chart.yaml', async () => {
    write('pyproject.toml', '[tool.poetry]\nname = "x"\nversion = "3.0.0"\n');
    write('setup.cfg', '[metadata]\nname = x\nversion = 3.0.0\n');
    write('setup.py', 'from setuptools import setup\nsetup(name="x", version="3.0.0")\n');
    write('Chart.yaml', 'apiVersion: v2\nname: x\nversion: 0.4.1\nappVersion: "3.0.0"\n');
    const r = await check('3.0.0');
    expect(r.status, r.summary).toBe('passed');
    expect(
      (r.evidence.manifests as { file: string; key: string }[]).map((m) => `${m.file} ${m.key}`),
    ).toEqual([
      'pyproject.toml [tool.poetry] version',
      'setup.cfg [metadata] version',
      'setup.py version=',
      'Chart.yaml appVersion',
    ]);
  });

  it('reads a configured file with a pattern, and is an error when it does not match', async () => {
    write('src/version.go', 'package main\n\nconst Version = "4.5.6"\n');
    const ok = await check('4.5.6', { file: 'src/version.go', pattern: 'Version = "([^"]+)"' });
    expect(ok.status, ok.summary).toBe('passed');
    const bad = await check('4.5.6', { file: 'src/version.go', pattern: 'version: (\\S+)' });
    expect(bad.status).toBe('error');
    expect(bad.summary).toContain('has no match');
  });

  it('is an error when no manifest holds a version', async () => {
    const none = await check('1.0.0');
    expect(none.status).toBe('error');
    expect(none.summary).toContain('no manifest found');
    write('package.json', '{ "name": "monorepo", "private": true }');
    write('pyproject.toml', '[project]\nname = "x"\ndynamic = ["version"]\n');
    const dynamic = await check('1.0.0');
    expect(dynamic.status).toBe('error');
    expect(dynamic.summary).toBe('no version found in package.json, pyproject.toml');
    expect(String(dynamic.evidence.notes)).toContain('dynamic');
    const outside = await check('1.0.0', { file: '../package.json' });
    expect(outside.status).toBe('error');
  });

  it("checks gonogo's own package.json against its own version", async () => {
    const own = versionCheck.run(
      { root: process.cwd(), version: '0.0.0-never', policy: {}, env: {}, now: () => new Date() },
      checkParams.version.parse({ file: 'package.json' }),
      new AbortController().signal,
    );
    const r = await own;
    expect(r.status).toBe('failed');
    expect(r.evidence.findings?.[0]?.message).toMatch(
      /^version is \d+\.\d+\.\d+.*, not 0\.0\.0-never$/,
    );
  });
});

describe('manifest readers', () => {
  it('reads TOML and INI keys by table, ignoring other tables and array tables', () => {
    const toml =
      '[[bin]]\nversion = "9"\n[package]\nversion = \'1.0.0\' # c\n[dependencies]\nversion = "2"\n';
    expect(readTableKey(toml, 'package', 'version')).toEqual({ value: '1.0.0', quoted: true });
    expect(
      readTableKey('[ workspace . package ]\nversion = "3.1.0"\n', 'workspace.package', 'version')
        ?.value,
    ).toBe('3.1.0');
    expect(readTableKey('[metadata]\nversion: 2.0 ; note\n', 'metadata', 'version')).toEqual({
      value: '2.0',
      quoted: false,
    });
  });

  it('takes Cargo workspace versions and notes inherited ones', () => {
    expect(
      readManifest('Cargo.toml', '[workspace.package]\nversion = "1.4.0"\n').versions[0]?.value,
    ).toBe('1.4.0');
    expect(readManifest('Cargo.toml', '[package]\nversion.workspace = true\n').notes[0]).toContain(
      'no literal',
    );
  });

  it('finds the previous tag by semver, not by string order', () => {
    expect(previousTag(['v1.9.0', 'v1.10.0', 'v2.0.0', 'vx', 'v2.0.0-rc.1'], 'v', '2.0.0')).toEqual(
      {
        tag: 'v2.0.0-rc.1',
        version: '2.0.0-rc.1',
      },
    );
    expect(previousTag(['v1.9.0', 'v1.10.0'], 'v', '2.0.0')?.tag).toBe('v1.10.0');
    expect(previousTag([], 'v', '1.0.0')).toBeUndefined();
  });
});

describe('version check at the release commit', () => {
  const repo = useTestRepos(afterEach);

  it('reads the manifest of the release commit, not a bump committed after it', async () => {
    const r = repo();
    const release = r.commit('feat: a', { 'package.json': '{ "version": "1.1.0" }\n' });
    r.commit('chore: bump', { 'package.json': '{ "version": "1.2.0" }\n' });
    const result = await versionCheck.run(
      testContext(r.root, '1.2.0', { commit: release }),
      checkParams.version.parse({}),
      AbortSignal.timeout(30_000),
    );
    expect(result.status).toBe('failed');
    expect(result.evidence).toMatchObject({
      commit: release,
      findings: [{ where: 'package.json', message: 'version is 1.1.0, not 1.2.0' }],
    });
    expect(result.fix).toContain(
      `package.json in the working tree differs from the one in the release commit ${release.slice(0, 7)}`,
    );
  });
});

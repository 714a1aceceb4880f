import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testContext, useTestRepos } from './check-git.fixture.ts';
import {
  checkReleaseCheckout,
  openReleaseTree,
  parseLsTree,
  type ReleaseTree,
} from './check-tree.ts';

const repo = useTestRepos(afterEach);
const signal = () => AbortSignal.timeout(30_000);

async function open(root: string, commit?: string): Promise<ReleaseTree> {
  const tree = await openReleaseTree(
    testContext(root, '1.0.0', commit ? { commit } : {}),
    signal(),
  );
  if ('error' in tree) throw new Error(tree.error.summary);
  return tree;
}

const text = async (tree: ReleaseTree, path: string) => {
  const read = await tree.read(path);
  return read.ok ? read.bytes.toString('utf8') : `${read.problem}: ${read.message}`;
};

describe('parseLsTree', () => {
  it('reads mode, kind, id, size and path, and skips the directory itself', () => {
    const oid = 'a'.repeat(40);
    const out = [
      `100644 blob ${oid}      12\tREADME.md`,
      `100755 blob ${oid}       3\tbin/run me`,
      `120000 blob ${oid}       9\tlink.md`,
      `040000 tree ${oid}       -\tdocs`,
      `160000 commit ${oid}       -\tvendor/lib`,
      `040000 tree ${oid}       -\t./`,
      '',
    ].join('\0');
    expect(parseLsTree(out)).toEqual([
      { path: 'README.md', kind: 'file', oid, size: 12 },
      { path: 'bin/run me', kind: 'file', oid, size: 3 },
      { path: 'link.md', kind: 'symlink', oid, size: 9 },
      { path: 'docs', kind: 'directory', oid },
      { path: 'vendor/lib', kind: 'submodule', oid },
    ]);
  });
});

describe('openReleaseTree on a release commit', () => {
  it('reads the files as the release commit has them, whatever came after', async () => {
    const r = repo();
    const release = r.commit('feat: one', { 'CHANGELOG.md': 'v1\n', 'docs/a.md': 'a\n' });
    r.commit('feat: two', { 'CHANGELOG.md': 'v2\n', 'later.md': 'later\n' });
    r.write({ 'CHANGELOG.md': 'v3 uncommitted\n', 'untracked.md': 'u\n' });
    const tree = await open(r.root, release);
    expect(tree).toMatchObject({
      source: 'commit',
      commit: release,
      evidence: { commit: release },
    });
    expect(await text(tree, 'CHANGELOG.md')).toBe('v1\n');
    expect(await text(tree, './docs/../docs/a.md')).toBe('a\n');
    expect(await text(tree, 'later.md')).toMatch(
      /^missing: later\.md does not exist in the release commit/,
    );
    expect(await text(tree, 'untracked.md')).toMatch(/^missing/);
    expect(await text(tree, 'docs')).toBe('not-a-file: docs is a directory, not a file');
    expect((await tree.listFiles()).map((e) => e.path)).toEqual(['CHANGELOG.md', 'docs/a.md']);
    expect(await tree.listTracked()).toEqual(['CHANGELOG.md', 'docs/a.md']);
  });

  it('follows a symlink inside the tree and refuses one that leaves it', async () => {
    const r = repo();
    r.write({ 'docs/CHANGELOG.md': 'in docs\n' });
    symlinkSync('docs/CHANGELOG.md', join(r.root, 'CHANGELOG.md'));
    symlinkSync('../../etc/passwd', join(r.root, 'docs/escape.md'));
    const release = r.commit('links');
    const tree = await open(r.root, release);
    expect(await text(tree, 'CHANGELOG.md')).toBe('in docs\n');
    expect(await text(tree, 'docs/escape.md')).toBe(
      'outside: "docs/escape.md" is a link to outside the repository',
    );
    expect(await text(tree, '../x')).toBe('outside: "../x" is outside the repository');
  });

  it('takes a path literally, never as a pattern', async () => {
    const r = repo();
    const release = r.commit('odd names', { 'a.md': 'a\n', '[ab].md': 'brackets\n' });
    const tree = await open(r.root, release);
    expect(await text(tree, '[ab].md')).toBe('brackets\n');
    expect(await text(tree, '*.md')).toMatch(/^missing/);
  });

  it('refuses a file larger than the limit without reading it', async () => {
    const r = repo();
    const release = r.commit('big', { 'big.log': 'x'.repeat(3000) });
    const read = await (await open(r.root, release)).read('big.log', 1024);
    expect(read).toMatchObject({ ok: false, problem: 'too-large' });
  });

  it('reads many files in one pass, counting those too large', async () => {
    const r = repo();
    const release = r.commit('files', {
      'a.txt': 'same\n',
      'b.txt': 'same\n',
      'c.txt': 'c'.repeat(100),
    });
    const tree = await open(r.root, release);
    const seen: string[] = [];
    const counts = await tree.readFiles(await tree.listFiles(), 50, (entry, bytes) =>
      seen.push(`${entry.path}=${bytes.toString('utf8').trim()}`),
    );
    expect(seen.sort()).toEqual(['a.txt=same', 'b.txt=same']);
    expect(counts).toEqual({ read: 2, large: 1, other: 0 });
  });

  it('on a clean checkout reads from disk, and from git what is not kept on disk as it is', async () => {
    const r = repo();
    const release = r.commit('files', {
      'a.txt': 'a\n',
      'sparse.txt': 'sparse\n',
      'hidden.txt': 'hidden\n',
    });
    r.git('update-index', '--skip-worktree', 'sparse.txt');
    rmSync(join(r.root, 'sparse.txt'));
    r.git('update-index', '--assume-unchanged', 'hidden.txt');
    r.write({ 'hidden.txt': 'edited\n' });
    const tree = await open(r.root, release);
    const files = await tree.listFiles();
    expect(files.map((e) => [e.path, e.onDisk])).toEqual([
      ['a.txt', true],
      ['hidden.txt', false],
      ['sparse.txt', false],
    ]);
    const seen: string[] = [];
    await tree.readFiles(files, 1024, (e, bytes) =>
      seen.push(`${e.path}=${bytes.toString().trim()}`),
    );
    expect(seen.sort()).toEqual(['a.txt=a', 'hidden.txt=hidden', 'sparse.txt=sparse']);
  });

  it('explains when the working tree holds something else than the release commit', async () => {
    const r = repo();
    const release = r.commit('one', { 'CHANGELOG.md': 'v1\n', 'same.md': 's\n' });
    r.commit('two', { 'CHANGELOG.md': 'v2\n' });
    r.write({ 'NEW.md': 'new\n' });
    const tree = await open(r.root, release);
    const short = release.slice(0, 7);
    expect(await tree.explainDifference('CHANGELOG.md')).toBe(
      `CHANGELOG.md in the working tree differs from the one in the release commit ${short}: commit it and retarget the release to that commit (gonogo release retarget SHA)`,
    );
    expect(await tree.explainDifference('NEW.md')).toMatch(
      `NEW.md is in the working tree but not in the release commit ${short}`,
    );
    expect(await tree.explainDifference('same.md')).toBeUndefined();
    expect(await tree.explainDifference('nowhere.md')).toBeUndefined();
  });

  it('is an error result, not an empty tree, when the release commit is not in the clone', async () => {
    const r = repo();
    r.commit('one');
    const tree = await openReleaseTree(
      testContext(r.root, '1.0.0', { commit: 'b'.repeat(40) }),
      signal(),
    );
    expect(tree).toEqual({
      error: {
        status: 'error',
        summary:
          'release commit bbbbbbb is not in this clone (force-pushed away, or a shallow clone)',
        fix: `Fetch it (git fetch origin ${'b'.repeat(40)}, or git fetch --unshallow), or retarget the release to a commit that exists.`,
        evidence: { commit: 'b'.repeat(40) },
      },
    });
  });
});

describe('openReleaseTree without a release commit', () => {
  it('reads the working tree of a repository and says so', async () => {
    const r = repo();
    r.commit('one', { 'CHANGELOG.md': 'v1\n' });
    r.write({
      'CHANGELOG.md': 'edited\n',
      'new.md': 'n\n',
      '.gitignore': 'ignored.md\n',
      'ignored.md': 'i\n',
    });
    const tree = await open(r.root);
    expect(tree.evidence).toEqual({
      source: 'working tree',
      note: 'the release has no commit: the working tree was read',
    });
    expect(await text(tree, 'CHANGELOG.md')).toBe('edited\n');
    expect((await tree.listFiles()).map((e) => e.path)).toEqual([
      '.gitignore',
      'CHANGELOG.md',
      'new.md',
    ]);
    expect(await tree.listTracked()).toEqual(['CHANGELOG.md']);
  });

  it('reads a plain directory outside git and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-plain-'));
    try {
      writeFileSync(join(dir, 'a.txt'), 'a');
      const tree = await open(dir);
      expect(tree.evidence.note).toBe('not a git repository: the files in the directory were read');
      expect(await text(tree, 'a.txt')).toBe('a');
      expect(await tree.listTracked()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkReleaseCheckout', () => {
  const check = (root: string, commit?: string) =>
    checkReleaseCheckout(testContext(root, '1.0.0', commit ? { commit } : {}), signal());

  it('accepts HEAD at the release commit with untracked files beside it', async () => {
    const r = repo();
    const release = r.commit('one', { 'a.txt': 'a\n' });
    r.write({ 'coverage/lcov.info': 'x\n' });
    expect(await check(r.root, release)).toEqual({
      ok: true,
      evidence: { commit: release },
      head: release,
    });
  });

  it('refuses when HEAD is another commit, naming both', async () => {
    const r = repo();
    const release = r.commit('one');
    const head = r.commit('two');
    const state = await check(r.root, release);
    expect(state.ok).toBe(false);
    if (state.ok) return;
    expect(state.error.status).toBe('error');
    expect(state.error.summary).toBe(
      `HEAD is ${head.slice(0, 7)}, the release is pinned to ${release.slice(0, 7)}: check out the release commit or retarget the release`,
    );
    expect(state.error.evidence).toEqual({ commit: release, head });
  });

  it('refuses when a tracked file differs from the release commit', async () => {
    const r = repo();
    const release = r.commit('one', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    r.write({ 'a.txt': 'edited\n' });
    r.git('rm', '-q', 'b.txt');
    const state = await check(r.root, release);
    if (state.ok) throw new Error('expected a refusal');
    expect(state.error.summary).toBe(
      `tracked files differ from the release commit ${release.slice(0, 7)}: commit or stash them (a.txt, b.txt)`,
    );
    expect(state.error.evidence.findings).toEqual([
      { where: 'a.txt', message: 'differs from the release commit' },
      { where: 'b.txt', message: 'differs from the release commit' },
    ]);
  });

  it('refuses a release commit the clone lacks, and takes the tree as it is without one', async () => {
    const r = repo();
    r.commit('one');
    const missing = await check(r.root, 'c'.repeat(40));
    expect(missing.ok).toBe(false);
    r.write({ 'file-1.txt': 'edited\n' });
    expect(await check(r.root)).toEqual({
      ok: true,
      evidence: {
        source: 'working tree',
        note: 'the release has no commit: ran in the working tree as it is',
      },
    });
  });
});

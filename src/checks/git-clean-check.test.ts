import { afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { useTestRepos, testContext } from './check-git.fixture.ts';
import gitCleanCheck, { describeStatus, parsePorcelainStatus } from './git-clean-check.ts';

const repo = useTestRepos(afterEach);

const run = (root: string) =>
  gitCleanCheck.run(
    testContext(root, '1.0.0'),
    checkParams['git-clean'].parse({}),
    new AbortController().signal,
  );

describe('git-clean', () => {
  it('passes on a clean tree, ignoring ignored files', async () => {
    const r = repo();
    const sha = r.commit('chore: init', { '.gitignore': 'dist/\n*.log\n', 'a.txt': 'a\n' });
    r.write({ 'dist/bundle.js': 'x', 'debug.log': 'y' });
    const result = await run(r.root);
    expect(result).toMatchObject({ status: 'passed', summary: 'the work tree is clean' });
    expect(result.evidence).toMatchObject({ commit: sha, exitCode: 0 });
  });

  it('lists modified, staged, deleted, renamed and untracked paths (even in new folders)', async () => {
    const r = repo();
    r.commit('chore: init', {
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'c.txt': 'c\n',
      'old name.txt': 'o\n',
    });
    r.write({ 'a.txt': 'changed\n', 'new/deep/file.txt': 'n\n', 'staged.txt': 's\n' });
    r.git('add', 'staged.txt');
    r.git('rm', '-q', 'b.txt');
    r.git('mv', 'old name.txt', 'new name.txt');
    const result = await run(r.root);
    expect(result.status).toBe('failed');
    expect(result.summary).toMatch(/^4 uncommitted changes and 1 untracked file: /);
    expect(result.evidence.findings).toEqual(
      expect.arrayContaining([
        { where: 'a.txt', message: 'unstaged: modified' },
        { where: 'b.txt', message: 'staged: deleted' },
        { where: 'staged.txt', message: 'staged: added' },
        { where: 'new name.txt', message: 'staged: renamed from old name.txt' },
        { where: 'new/deep/file.txt', message: 'untracked' },
      ]),
    );
  });

  it('caps the findings at 50 but counts them all', async () => {
    const r = repo();
    r.commit('chore: init');
    r.write(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`gen/f${i}.txt`, 'x'])));
    const result = await run(r.root);
    expect(result.summary).toMatch(/^60 untracked files/);
    expect(result.evidence.findings).toHaveLength(50);
  });

  it('is an error outside a git repository', async () => {
    const result = await run(repo({ init: false }).root);
    expect(result.status).toBe('error');
    expect(result.fix).toContain('inside the repository');
  });

  it('parses porcelain -z output with renames and describes codes', () => {
    expect(parsePorcelainStatus('R  new\0old\0 M a b.txt\0?? x\0')).toEqual([
      { code: 'R ', path: 'new', from: 'old' },
      { code: ' M', path: 'a b.txt' },
      { code: '??', path: 'x' },
    ]);
    expect(describeStatus('MM')).toBe('staged: modified; unstaged: modified');
    expect(describeStatus('UU')).toBe('unmerged (conflict)');
  });
});

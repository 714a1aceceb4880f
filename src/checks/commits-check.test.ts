import { afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { useTestRepos, testContext } from './check-git.fixture.ts';
import commitsCheck, { judgeSubject } from './commits-check.ts';

const repo = useTestRepos(afterEach);

const run = (root: string, version: string, raw: unknown = {}, commit?: string) =>
  commitsCheck.run(
    testContext(root, version, commit ? { commit } : {}),
    checkParams.commits.parse(raw),
    new AbortController().signal,
  );

const forbid = checkParams.commits.parse({}).forbid.map((source) => new RegExp(source));

describe('judgeSubject', () => {
  it.each([
    'feat: add export',
    'fix(api): handle 404',
    'feat(ui)!: drop IE',
    'refactor!: rename the store',
    'Chore: bump deps',
    'revert: feat: add export',
    'Merge pull request #12 from acme/feature',
    "Merge branch 'main' into release",
    'Revert "feat: add export"',
  ])('accepts %j', (subject) => {
    expect(judgeSubject(subject, 1, 'conventional', forbid)).toEqual([]);
  });

  it.each([
    ['add export', 'not Conventional Commits'],
    ['feature: add export', 'not Conventional Commits'],
    ['feat:add export', 'not Conventional Commits'],
    ['feat(): empty scope', 'not Conventional Commits'],
    ['fixup! feat: add export', 'matches /^fixup!/'],
    ['squash! fix: x', 'matches /^squash!/'],
    ['feat: WIP export', 'matches /\\bWIP\\b/'],
  ])('rejects %j', (subject, problem) => {
    expect(judgeSubject(subject, 1, 'conventional', forbid).join('; ')).toContain(problem);
  });

  it('exempts merge commits from the convention but not from the forbidden patterns', () => {
    expect(judgeSubject('merged stuff', 2, 'conventional', forbid)).toEqual([]);
    expect(judgeSubject('WIP merge', 2, 'conventional', forbid)).toHaveLength(1);
    expect(judgeSubject('whatever', 1, 'any', forbid)).toEqual([]);
  });
});

describe('commits', () => {
  it('checks only the commits since the previous tag', async () => {
    const r = repo();
    r.commit('initial import'); // before v1.0.0: not judged for 1.1.0
    r.git('tag', 'v1.0.0');
    r.commit('feat: one');
    const head = r.commit('fix(core): two');
    const result = await run(r.root, '1.1.0', {}, head);
    expect(result.status).toBe('passed');
    expect(result.summary).toBe('2 commits since v1.0.0 follow the rule');
    expect(result.evidence).toMatchObject({ since: 'v1.0.0', commits: 2, commit: head });
  });

  it('lists the offenders with short sha and subject, and the count', async () => {
    const r = repo();
    r.commit('feat: one');
    r.git('tag', 'v1.0.0');
    const wip = r.commit('WIP');
    r.commit('feat: two');
    const fixup = r.commit('fixup! feat: two');
    const result = await run(r.root, '1.1.0');
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('2 of 3 commits since v1.0.0 break the rule');
    expect(result.evidence.findings).toEqual([
      {
        where: fixup.slice(0, 7),
        message:
          'fixup! feat: two (not Conventional Commits (type(scope)!: subject); matches /^fixup!/)',
      },
      {
        where: wip.slice(0, 7),
        message: 'WIP (not Conventional Commits (type(scope)!: subject); matches /\\bWIP\\b/)',
      },
    ]);
  });

  it('accepts a merge commit made by git', async () => {
    const r = repo();
    r.commit('feat: one');
    r.git('tag', 'v1.0.0');
    r.git('switch', '-q', '-c', 'topic');
    r.commit('feat: topic work');
    r.git('switch', '-q', 'main');
    r.commit('fix: main work');
    r.git('merge', '-q', '--no-ff', '--no-edit', 'topic');
    const result = await run(r.root, '1.1.0');
    expect(result.summary).toBe('3 commits since v1.0.0 follow the rule');
  });

  it('with no earlier tag judges all history up to the release commit, and says so', async () => {
    const r = repo();
    r.commit('feat: one');
    const release = r.commit('bad subject');
    r.commit('also bad, but after the release commit');
    const result = await run(r.root, '1.0.0', {}, release);
    expect(result.status).toBe('failed');
    expect(result.summary).toContain('1 of 2 commits up to release commit');
    expect(result.summary).toContain('no earlier vX.Y.Z tag: all history');
  });

  it('says when a shallow clone may hide the history it should judge', async () => {
    const origin = repo();
    origin.commit('feat: one');
    origin.git('tag', 'v1.0.0');
    origin.commit('feat: two');
    origin.commit('fix: three');
    const clone = repo({ init: false });
    clone.git('clone', '-q', '--depth', '1', `file://${origin.root}`, '.');
    const result = await run(clone.root, '1.1.0');
    expect(result.status).toBe('passed');
    expect(result.summary).toContain('1 commit up to HEAD');
    expect(result.summary).toContain(
      'shallow clone: history may be missing (fetch with fetch-depth: 0)',
    );
    const full = await run(origin.root, '1.1.0');
    expect(full.summary).toBe('2 commits since v1.0.0 follow the rule');
  });

  it('applies custom forbid patterns with convention any, and rejects an invalid regex', async () => {
    const r = repo();
    r.commit('Add things');
    r.commit('DO NOT MERGE: experiment');
    const result = await run(r.root, '1.0.0', { convention: 'any', forbid: ['DO NOT MERGE'] });
    expect(result.status).toBe('failed');
    expect(result.evidence['offenders']).toBe(1);
    // playbook lint rejects it; a caller that skipped validation still gets an error result.
    expect(checkParams.commits.safeParse({ forbid: ['(unclosed'] }).success).toBe(false);
    const invalid = await commitsCheck.run(
      testContext(r.root, '1.0.0'),
      { ...checkParams.commits.parse({}), forbid: ['(unclosed'] },
      new AbortController().signal,
    );
    expect(invalid.status).toBe('error');
    expect(invalid.summary).toContain('"(unclosed" is not a valid regular expression');
  });

  it('caps findings at 50 and is an error in an empty repository or outside one', async () => {
    const r = repo();
    for (let i = 0; i < 55; i++) r.git('commit', '-q', '--allow-empty', '-m', `change ${i}`);
    const many = await run(r.root, '1.0.0');
    expect(many.summary).toMatch(/^55 of 55 commits/);
    expect(many.evidence.findings).toHaveLength(50);
    expect((await run(repo().root, '1.0.0')).summary).toBe('the repository has no commits yet');
    expect((await run(repo({ init: false }).root, '1.0.0')).status).toBe('error');
  });
});

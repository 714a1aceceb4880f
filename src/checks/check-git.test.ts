import { afterEach, describe, expect, it } from 'vitest';
import {
  guardCancel,
  isGitRepo,
  previousTag,
  resolveReleaseCommit,
  resolveRevision,
  runGit,
  summarizeOutput,
} from './check-git.ts';
import { useTestRepos } from './check-git.fixture.ts';

const repo = useTestRepos(afterEach);

describe('runGit', () => {
  it('returns the exit code of a failing command instead of throwing', async () => {
    const r = repo();
    const run = await runGit(['rev-parse', '--verify', 'nosuch'], { cwd: r.root });
    expect(run.code).toBe(128);
    expect(run.stderr).toMatch(/Needed a single revision/);
  });

  it('reports a missing working directory as exit 127', async () => {
    const run = await runGit(['status'], { cwd: '/nonexistent/gonogo-dir' });
    expect(run.code).toBe(127);
  });

  it('rejects when its signal aborts it', async () => {
    const r = repo();
    const controller = new AbortController();
    const pending = runGit(['log'], { cwd: r.root, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});

describe('isGitRepo and resolveRevision', () => {
  it('tells a work tree from a plain directory', async () => {
    const r = repo();
    const plain = repo({ init: false });
    expect(await isGitRepo(r.root)).toBe(true);
    expect(await isGitRepo(plain.root)).toBe(false);
  });

  it('peels an annotated tag to its commit and treats options as revisions', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', '-a', 'v1.0.0', '-m', 'release');
    expect(r.git('rev-parse', 'v1.0.0')).not.toBe(sha); // the tag object
    expect(await resolveRevision(r.root, 'refs/tags/v1.0.0')).toBe(sha);
    expect(await resolveRevision(r.root, '--output=/tmp/x')).toBeUndefined();
  });

  it('resolveReleaseCommit falls back to HEAD, and says when a release commit is unknown', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    expect(await resolveReleaseCommit(r.root, undefined)).toMatchObject({ sha, fromHead: true });
    const unknown = await resolveReleaseCommit(r.root, 'f'.repeat(40));
    expect(unknown).toMatchObject({ error: { status: 'error' } });
    const empty = repo();
    expect(await resolveReleaseCommit(empty.root, undefined)).toMatchObject({
      error: { summary: 'the repository has no commits yet' },
    });
  });
});

describe('previousTag', () => {
  it('finds the highest semver tag below the version, in semver order, with the prefix', async () => {
    const r = repo();
    r.commit('feat: one');
    for (const tag of [
      'v1.2.0',
      'v1.9.0',
      'v1.10.0',
      'v2.0.0-rc.1',
      'v2.0.0',
      'release-1.11.0',
      'vNext',
    ]) {
      r.git('tag', tag);
    }
    expect(await previousTag(r.root, 'v', '2.0.0')).toBe('v2.0.0-rc.1');
    expect(await previousTag(r.root, 'v', '1.11.0')).toBe('v1.10.0');
    expect(await previousTag(r.root, 'v', '1.2.0')).toBeUndefined();
    expect(await previousTag(r.root, 'release-', '2.0.0')).toBe('release-1.11.0');
    expect(await previousTag(r.root, '', '9.0.0')).toBeUndefined(); // "v1.2.0" is not semver
  });

  it('is undefined in a repository without tags and outside a repository', async () => {
    const r = repo();
    r.commit('feat: one');
    expect(await previousTag(r.root, 'v', '1.0.0')).toBeUndefined();
    expect(await previousTag(repo({ init: false }).root, 'v', '1.0.0')).toBeUndefined();
  });
});

describe('guardCancel and summarizeOutput', () => {
  it('turns an abort into the cancelled result and lets bugs through', async () => {
    const controller = new AbortController();
    const r = repo();
    const pending = guardCancel(controller.signal, async () => {
      await runGit(['log'], { cwd: r.root, signal: controller.signal });
      return { status: 'passed', summary: 'not reached', evidence: {} };
    });
    controller.abort();
    expect(await pending).toMatchObject({ status: 'error', summary: 'cancelled' });
    await expect(
      guardCancel(new AbortController().signal, () => Promise.reject(new TypeError('bug'))),
    ).rejects.toThrow('bug');
  });

  it('keeps the first and last lines of long output', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const out = summarizeOutput(text, 2, 2);
    expect(out).toEqual({ head: ['line 0', 'line 1'], tail: ['line 98', 'line 99'], lines: 100 });
    expect(summarizeOutput('')).toEqual({ head: [], tail: [], lines: 0 });
  });
});

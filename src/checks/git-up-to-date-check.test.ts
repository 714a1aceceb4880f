import { afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { useTestRepos, testContext } from './check-git.fixture.ts';
import gitUpToDateCheck from './git-up-to-date-check.ts';

const repo = useTestRepos(afterEach);

const run = (root: string, raw: unknown = {}, commit?: string) =>
  gitUpToDateCheck.run(
    testContext(root, '1.0.0', commit ? { commit } : {}),
    checkParams['git-up-to-date'].parse(raw),
    new AbortController().signal,
  );

describe('git-up-to-date', () => {
  it('passes when the release commit is main or ahead of it', async () => {
    const r = repo();
    r.commit('feat: one');
    r.git('switch', '-q', '-c', 'release');
    const release = r.commit('fix: on the release branch');
    const result = await run(r.root, {}, release);
    expect(result.status).toBe('passed');
    expect(result.evidence).toMatchObject({ comparedRef: 'refs/heads/main', commit: release });
    expect(result.summary).toContain('contains main');
  });

  it('fails with the count and the missing commits when main moved on', async () => {
    const r = repo();
    r.commit('feat: one');
    r.git('switch', '-q', '-c', 'release');
    const release = r.commit('fix: release only');
    r.git('switch', '-q', 'main');
    r.commit('feat: two');
    r.commit('feat: three');
    const result = await run(r.root, {}, release);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe(
      `release commit ${release.slice(0, 7)} is 2 commits behind main (${r.git('rev-parse', '--short=7', 'main')})`,
    );
    expect(result.evidence['behind']).toBe(2);
    expect(result.evidence.findings?.map((f) => f.message)).toEqual([
      'missing from the release: feat: three',
      'missing from the release: feat: two',
    ]);
  });

  it('prefers the remote-tracking branch, without fetching', async () => {
    const r = repo();
    const remote = repo({ bare: true });
    r.git('remote', 'add', 'origin', remote.root);
    r.commit('feat: one');
    r.git('push', '-q', 'origin', 'main');
    r.git('fetch', '-q', 'origin');
    // Another clone pushes to origin/main; our remote-tracking ref is stale until a fetch.
    const other = repo({ init: false });
    other.git('clone', '-q', remote.root, '.');
    other.git(
      '-c',
      'user.email=o@example.com',
      '-c',
      'user.name=O',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'feat: pushed elsewhere',
    );
    other.git('push', '-q', 'origin', 'main');
    const head = r.git('rev-parse', 'HEAD');
    const stale = await run(r.root);
    expect(stale.status).toBe('passed');
    expect(stale.evidence).toMatchObject({
      comparedRef: 'refs/remotes/origin/main',
      note: 'remote-tracking branch as of the last fetch',
    });
    r.git('fetch', '-q', 'origin');
    const fetched = await run(r.root, 'main', head);
    expect(fetched.status).toBe('failed');
    expect(fetched.summary).toContain('1 commit behind origin/main');
  });

  it('says when a shallow clone may be why it looks behind', async () => {
    const origin = repo();
    origin.commit('feat: one');
    origin.git('switch', '-q', '-c', 'release');
    origin.commit('fix: release');
    origin.git('switch', '-q', 'main');
    origin.commit('feat: two');
    origin.git('switch', '-q', 'release');
    origin.git('merge', '-q', '--no-edit', 'main'); // the release does contain main
    expect((await run(origin.root)).status).toBe('passed');
    const clone = repo({ init: false });
    clone.git(
      'clone',
      '-q',
      '--depth',
      '1',
      '--no-single-branch',
      '--branch',
      'release',
      `file://${origin.root}`,
      '.',
    );
    const shallow = await run(clone.root);
    expect(shallow.status).toBe('failed');
    expect(shallow.summary).toContain(
      '(shallow clone: history may be missing (fetch with fetch-depth: 0))',
    );
  });

  it('is an error naming a branch that does not exist, and outside a repository', async () => {
    const r = repo();
    r.commit('feat: one');
    const missing = await run(r.root, { branch: 'trunk' });
    expect(missing.status).toBe('error');
    expect(missing.summary).toBe(
      'branch trunk not found (neither refs/remotes/origin/trunk nor refs/heads/trunk)',
    );
    expect((await run(repo({ init: false }).root)).status).toBe('error');
  });
});

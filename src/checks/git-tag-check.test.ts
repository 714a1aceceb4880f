import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { useTestRepos, testContext } from './check-git.fixture.ts';
import gitTagCheck from './git-tag-check.ts';

const repo = useTestRepos(afterEach);

const run = (root: string, version: string, raw: unknown = {}, commit?: string) =>
  gitTagCheck.run(
    testContext(root, version, commit ? { commit } : {}),
    checkParams['git-tag'].parse(raw),
    new AbortController().signal,
  );

describe('git-tag', () => {
  it('passes when the annotated tag points at the release commit', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
    const result = await run(r.root, '1.0.0', {}, sha);
    expect(result).toMatchObject({ status: 'passed', evidence: { commit: sha, tag: 'v1.0.0' } });
    expect(result.summary).toBe(`tag v1.0.0 points at release commit ${sha.slice(0, 7)}`);
  });

  it('uses the configured prefix and a lightweight tag', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', 'release-2.1.0');
    expect((await run(r.root, '2.1.0', { prefix: 'release-' }, sha)).status).toBe('passed');
    expect((await run(r.root, '2.1.0', {}, sha)).status).toBe('failed');
  });

  it('fails when the tag is missing, naming it and how to create it', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', 'v0.9.0');
    const result = await run(r.root, '1.0.0', {}, sha);
    expect(result.status).toBe('failed');
    expect(result.summary).toBe('tag v1.0.0 does not exist (nor 1.0.0)');
    expect(result.fix).toContain(`git tag -a v1.0.0 ${sha.slice(0, 7)}`);
  });

  it('fails when the tag points at another commit', async () => {
    const r = repo();
    const first = r.commit('feat: one');
    r.git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
    const second = r.commit('fix: two');
    const result = await run(r.root, '1.0.0', {}, second);
    expect(result.status).toBe('failed');
    expect(result.summary).toContain(
      `points at ${first.slice(0, 7)}, not release commit ${second.slice(0, 7)}`,
    );
    expect(result.evidence['tagCommit']).toBe(first);
  });

  it('compares with HEAD when the release has no commit, and says so', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', 'v1.0.0');
    const passed = await run(r.root, '1.0.0');
    expect(passed.status).toBe('passed');
    expect(passed.summary).toContain(`HEAD ${sha.slice(0, 7)} (the release has no commit)`);
    r.commit('fix: later');
    expect((await run(r.root, '1.0.0')).status).toBe('failed');
  });

  it('is an error outside a git repository, and for a release commit the repo lacks', async () => {
    const plain = repo({ init: false });
    const outside = await run(plain.root, '1.0.0');
    expect(outside.status).toBe('error');
    expect(outside.summary).toContain('is not a git repository');
    const r = repo();
    r.commit('feat: one');
    const unknown = await run(r.root, '1.0.0', {}, 'a'.repeat(40));
    expect(unknown).toMatchObject({ status: 'error' });
    expect(unknown.summary).toBe(
      'release commit aaaaaaa is not in this clone (force-pushed away, or a shallow clone)',
    );
  });

  describe('on a remote (a local bare repository)', () => {
    const withRemote = () => {
      const r = repo();
      const remote = repo({ bare: true });
      r.git('remote', 'add', 'origin', remote.root);
      const sha = r.commit('feat: one');
      r.git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
      return { r, remote, sha };
    };

    it('fails while the tag is only local, passes once pushed', async () => {
      const { r, sha } = withRemote();
      const local = await run(r.root, '1.0.0', { remote: true }, sha);
      expect(local.status).toBe('failed');
      expect(local.summary).toContain('not on remote origin');
      expect(local.fix).toBe('Push it: git push origin v1.0.0');
      r.git('push', '-q', 'origin', 'v1.0.0');
      const pushed = await run(r.root, '1.0.0', { remote: 'origin' }, sha);
      expect(pushed.status).toBe('passed');
      expect(pushed.summary).toContain('also on remote origin');
      expect(pushed.evidence).toMatchObject({ remote: 'origin', exitCode: 0 });
    });

    it('fails when the remote tag points at another commit than the local one', async () => {
      const { r, sha } = withRemote();
      r.git('push', '-q', 'origin', 'v1.0.0');
      // Someone moved the tag locally after it was published.
      const moved = r.commit('fix: two');
      r.git('tag', '-f', '-a', 'v1.0.0', '-m', 'again');
      const result = await run(r.root, '1.0.0', { remote: true }, moved);
      expect(result.status).toBe('failed');
      expect(result.summary).toContain(`on remote origin points at ${sha.slice(0, 7)}`);
    });

    it('is an error for a remote that does not exist, or a name that looks like an option', async () => {
      const { r, sha } = withRemote();
      r.git('push', '-q', 'origin', 'v1.0.0');
      const missing = await run(r.root, '1.0.0', { remote: 'upstream' }, sha);
      expect(missing.status).toBe('error');
      expect(missing.summary).toContain('could not list the tags of remote upstream');
      // Without --end-of-options git would run this as the upload-pack program.
      const planted = join(r.root, 'pwned');
      const sneaky = await run(r.root, '1.0.0', { remote: `--upload-pack=touch ${planted}` }, sha);
      expect(sneaky.status).toBe('error');
      expect(existsSync(planted)).toBe(false);
    });
  });

  it('returns cancelled when aborted', async () => {
    const r = repo();
    r.commit('feat: one');
    const controller = new AbortController();
    const pending = gitTagCheck.run(
      testContext(r.root, '1.0.0'),
      checkParams['git-tag'].parse({}),
      controller.signal,
    );
    controller.abort();
    expect(await pending).toMatchObject({ status: 'error', summary: 'cancelled' });
  });
});

describe('git-tag: either tag form', () => {
  it('takes 1.2.0 for the prefix v, and v1.2.0 for no prefix', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', '1.2.0');
    const bare = await run(r.root, '1.2.0', {}, sha);
    expect(bare).toMatchObject({ status: 'passed', evidence: { tag: '1.2.0' } });
    r.git('tag', '-d', '1.2.0');
    r.git('tag', 'v1.2.0');
    expect(await run(r.root, '1.2.0', { prefix: '' }, sha)).toMatchObject({
      status: 'passed',
      evidence: { tag: 'v1.2.0' },
    });
  });

  it('prefers the form that points at the release commit', async () => {
    const r = repo();
    const old = r.commit('feat: one');
    r.git('tag', 'v1.2.0', old);
    const sha = r.commit('fix: two');
    r.git('tag', '1.2.0', sha);
    expect(await run(r.root, '1.2.0', {}, sha)).toMatchObject({
      status: 'passed',
      evidence: { tag: '1.2.0' },
    });
  });

  it('keeps a custom prefix exact', async () => {
    const r = repo();
    const sha = r.commit('feat: one');
    r.git('tag', '1.2.0');
    const result = await run(r.root, '1.2.0', { prefix: 'release-' }, sha);
    expect(result.summary).toBe('tag release-1.2.0 does not exist');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { gitIn, testContext, useTestRepos } from './check-git.fixture.ts';
import type { CheckContext } from './check-types.ts';
import { alnum, createRandom, randomString } from '../core/secret-samples.fixture.ts';
import secretsCheck, {
  applyAllowlist,
  fingerprintSecret,
  matchesPathPattern,
  parseAllowlist,
  scanRepository,
  scanText,
} from './secrets-check.ts';

const git = gitIn;
const write = (root: string, path: string, content: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};
const commit = (root: string, message: string) => {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', '--short=7', 'HEAD');
};

const rnd = createRandom(99);
const npmToken = () => `npm_${randomString(rnd, alnum, 36)}`;
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-secrets-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const ctx = (root: string, version = '1.1.0'): CheckContext => ({
  root,
  version,
  policy: {} as CheckContext['policy'],
  env: {},
  now: () => new Date('2026-01-01T00:00:00Z'),
});
const run = (root: string, params: unknown = {}, signal = AbortSignal.timeout(60_000)) =>
  secretsCheck.run(ctx(root), checkParams.secrets.parse(params), signal);

describe('parseAllowlist and applyAllowlist', () => {
  it('takes fingerprints and path globs with reasons, and reports entries without one', () => {
    const { entries, problems } = parseAllowlist(
      [
        '# allowed findings',
        '3F9A1C0B7D2E4F56  # rotated on 2026-01-10',
        'test/fixtures/**  # fake keys for the parser tests',
        'docs/keys.md',
        'deadbeefdeadbeef #   ',
        '',
      ].join('\n'),
      '.gonogo-secrets-allow',
    );
    expect(entries).toEqual([
      { fingerprint: '3f9a1c0b7d2e4f56', reason: 'rotated on 2026-01-10', line: 2 },
      { path: 'test/fixtures/**', reason: 'fake keys for the parser tests', line: 3 },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^\.gonogo-secrets-allow:4: "docs\/keys\.md" has no reason/);
    expect(problems[1]).toMatch(/^\.gonogo-secrets-allow:5: /);
  });

  it('suppresses by fingerprint or by path', () => {
    const a = scanText(`NPM=${npmToken()}`, 'a.env')[0]!;
    const b = scanText(`NPM=${npmToken()}`, 'test/fixtures/b.env')[0]!;
    const c = scanText(`NPM=${npmToken()}`, 'c.env')[0]!;
    const { kept, allowed } = applyAllowlist(
      [a, b, c],
      [
        { fingerprint: a.fingerprint, reason: 'revoked', line: 1 },
        { path: 'test/fixtures/**', reason: 'fixtures', line: 2 },
      ],
    );
    expect(allowed).toEqual([a, b]);
    expect(kept).toEqual([c]);
  });

  it('fingerprints are the first 16 hex of the SHA-256 of the value', () => {
    expect(fingerprintSecret('hunter2')).toBe('f52fbd32b2b3b86f');
  });
});

describe('matchesPathPattern', () => {
  it.each([
    ['vendor/lib/a.js', 'vendor', true],
    ['vendor/lib/a.js', 'vendor/', true],
    ['vendorx/a.js', 'vendor', false],
    ['test/fixtures/keys.txt', 'test/fixtures/**', true],
    ['test/fixtures/keys.txt', 'test/*', true],
    ['deep/dir/server.pem', '*.pem', true],
    ['deep/dir/server.pem', 'deep/*.pem', false],
    ['./x', 'x', false],
  ])('%s against %s → %s', (path, pattern, expected) => {
    expect(matchesPathPattern(path, pattern)).toBe(expected);
  });
});

describe('secrets check on a repository with history', () => {
  let repo: string;
  const beforeTag = npmToken();
  const afterTag = npmToken();
  const untracked = npmToken();
  const kept = npmToken();
  const fixture = npmToken();
  let afterTagCommit: string;
  let keptCommit: string;

  beforeAll(() => {
    repo = tempDir();
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, 'README.md', '# shop\n');
    write(repo, 'old.env', `NPM_TOKEN=${beforeTag}\n`);
    commit(repo, 'old secret');
    git(repo, 'rm', '-q', 'old.env');
    commit(repo, 'remove old secret');
    git(repo, 'tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
    write(repo, 'new.env', `NPM_TOKEN=${afterTag}\n`);
    afterTagCommit = commit(repo, 'new secret');
    git(repo, 'rm', '-q', 'new.env');
    commit(repo, 'remove new secret');
    write(repo, 'app/.npmrc', `//registry.npmjs.org/:_authToken=${kept}\n`);
    keptCommit = commit(repo, 'npmrc');
    // Later edits keep the same token in new blobs: still one finding, at the first commit.
    write(
      repo,
      'app/.npmrc',
      `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${kept}\n`,
    );
    commit(repo, 'npmrc registry');
    write(
      repo,
      'app/.npmrc',
      `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${kept}\nsave-exact=true\n`,
    );
    write(repo, 'fixtures/tokens.txt', `${fixture}\n`);
    commit(repo, 'fixtures');
    write(repo, 'scratch.txt', `token ${untracked}\n`);
  });

  const where = (findings: { where: string }[] | undefined) =>
    (findings ?? []).map((f) => f.where).sort();

  it('since-tag: the working tree plus blobs added after the previous tag', async () => {
    const result = await run(repo, { exclude: ['fixtures'] });
    expect(result.status).toBe('failed');
    expect(where(result.evidence.findings)).toEqual([
      `app/.npmrc:2 (committed in ${keptCommit})`,
      `new.env:1 @${afterTagCommit} (history)`,
      'scratch.txt:1',
    ]);
    expect(result.summary).toMatch(/^3 secrets found in \d+ files and \d+ blobs of v1\.0\.0\.\./);
    expect(JSON.stringify(result)).not.toContain(kept.slice(4));
  });

  it('all: the whole history, including what was deleted before the tag', async () => {
    const result = await run(repo, { history: 'all', exclude: ['fixtures/**'] });
    expect(where(result.evidence.findings)).toEqual([
      `app/.npmrc:2 (committed in ${keptCommit})`,
      `new.env:1 @${afterTagCommit} (history)`,
      expect.stringMatching(/^old\.env:1 @[0-9a-f]{7} \(history\)$/),
      'scratch.txt:1',
    ]);
  });

  it('none: the working tree only', async () => {
    const result = await run(repo, { history: 'none' });
    expect(where(result.evidence.findings)).toEqual([
      'app/.npmrc:2',
      'fixtures/tokens.txt:1',
      'scratch.txt:1',
    ]);
  });

  it('since-tag without a matching tag scans all history', async () => {
    const report = await scanRepository(repo, {
      history: 'since-tag',
      tagPrefix: 'release-',
      version: '1.1.0',
    });
    expect(report.range).toMatch(/^all history/);
    expect(report.findings.some((f) => f.path === 'old.env')).toBe(true);
  });

  it('an allowlist entry with a reason suppresses; one without is reported and ignored', async () => {
    const fp = (value: string) => fingerprintSecret(value);
    write(
      repo,
      '.gonogo-secrets-allow',
      [
        `${fp(untracked)}  # scratch file, token revoked`,
        'fixtures/**  # generated test tokens',
        `${fp(afterTag)}`,
        '',
      ].join('\n'),
    );
    try {
      const result = await run(repo);
      expect(where(result.evidence.findings)).toEqual([
        `app/.npmrc:2 (committed in ${keptCommit})`,
        `new.env:1 @${afterTagCommit} (history)`,
      ]);
      expect(result.evidence.allowed).toBe(2);
      expect(result.evidence.allowlistProblems).toEqual([
        expect.stringMatching(/^\.gonogo-secrets-allow:3: "[0-9a-f]{16}" has no reason/),
      ]);
      expect(result.evidence.files?.[0]?.path).toBe('.gonogo-secrets-allow');
    } finally {
      rmSync(join(repo, '.gonogo-secrets-allow'));
    }
  });

  it('a named allowlist file that is missing is an error', async () => {
    const result = await run(repo, { allowlist: 'config/allow.txt' });
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/config\/allow\.txt cannot be read/);
  });

  it('a cancelled scan is an error, not a crash', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run(repo, {}, controller.signal);
    expect(result).toMatchObject({ status: 'error', summary: 'cancelled' });
  });
});

describe('secrets check outside git and on clean trees', () => {
  it('walks a plain directory, skipping node_modules, and says there was no history', async () => {
    const dir = tempDir();
    const token = npmToken();
    write(dir, 'src/app.js', 'console.log(1);\n');
    write(dir, 'node_modules/pkg/index.js', `module.exports = "${npmToken()}";\n`);
    write(dir, 'deploy/.npmrc', `_authToken=${token}\n`);
    write(dir, 'assets/logo.bin', `\0\0PNG ${npmToken()}`);
    const result = await run(dir);
    expect(result.status).toBe('failed');
    expect(where(result.evidence.findings)).toEqual(['deploy/.npmrc:1']);
    expect(result.summary).toContain('not a git repository');
    expect(result.evidence.scanned).toMatchObject({ files: 3, skipped: { binary: 1 } });
  });

  it('passes on a clean repository and says what it scanned', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q', '-b', 'main');
    write(repo, 'index.js', 'export const ok = true;\n');
    commit(repo, 'init');
    const result = await run(repo);
    expect(result.status).toBe('passed');
    expect(result.summary).toMatch(/^no secrets in 1 files and 0 blobs of all history/);
  });

  it('passes in an empty repository with no commits', async () => {
    const repo = tempDir();
    git(repo, 'init', '-q', '-b', 'main');
    const result = await run(repo);
    expect(result.status).toBe('passed');
  });
});

function where(findings: { where: string }[] | undefined): string[] {
  return (findings ?? []).map((f) => f.where).sort();
}

describe('secrets check at the release commit', () => {
  const repo = useTestRepos(afterEach);
  const at = (root: string, commit: string, params: unknown = {}) =>
    secretsCheck.run(
      testContext(root, '1.1.0', { commit }),
      checkParams.secrets.parse(params),
      AbortSignal.timeout(60_000),
    );

  it("scans the release commit's tree from git, not the working tree", async () => {
    const r = repo();
    const inRelease = npmToken();
    const release = r.commit('feat: a', {
      'app/.npmrc': `_authToken=${inRelease}\n`,
      'README.md': '# x\n',
    });
    // Removed from the working tree after the release commit: still in what is released.
    r.git('rm', '-q', 'app/.npmrc');
    r.write({ 'scratch.txt': `token ${npmToken()}\n` });
    const result = await at(r.root, release, { history: 'none' });
    expect(result.status).toBe('failed');
    expect(where(result.evidence.findings)).toEqual(['app/.npmrc:1']);
    expect(result.summary).toMatch(
      new RegExp(`^1 secret found in 2 files of the release commit ${release.slice(0, 7)}:`),
    );
    expect(result.evidence.commit).toBe(release);
  });

  it('scans history up to the release commit, reading each blob once', async () => {
    const r = repo();
    const gone = npmToken();
    r.commit('feat: a', { 'old.env': `NPM_TOKEN=${gone}\n` });
    r.git('rm', '-q', 'old.env');
    const release = r.commit('chore: remove');
    const after = r.commit('later', { 'later.env': `NPM_TOKEN=${npmToken()}\n` });
    const result = await at(r.root, release);
    expect(where(result.evidence.findings)).toEqual([
      expect.stringMatching(/^old\.env:1 @[0-9a-f]{7} \(history\)$/),
    ]);
    expect((await at(r.root, after)).evidence.findings).toHaveLength(2);
  });

  it('reads the allowlist of the release commit', async () => {
    const r = repo();
    const token = npmToken();
    const release = r.commit('feat: a', { 'a.env': `NPM_TOKEN=${token}\n` });
    r.write({
      '.gonogo-secrets-allow': `${fingerprintSecret(token)}  # only in the working tree\n`,
    });
    expect((await at(r.root, release, { history: 'none' })).status).toBe('failed');
    const allowed = r.commit('allow', {});
    expect((await at(r.root, allowed, { history: 'none' })).status).toBe('passed');
  });

  it('on a clean checkout of the release commit still reads what git does not keep on disk as it is', async () => {
    const r = repo();
    const hidden = npmToken();
    const sparse = npmToken();
    const release = r.commit('feat: a', {
      'hidden.env': `NPM_TOKEN=${hidden}\n`,
      'sparse.env': `NPM_TOKEN=${sparse}\n`,
      'clean.txt': 'nothing here\n',
    });
    // assume-unchanged hides an edit from git status; skip-worktree (sparse checkout) a deletion.
    r.git('update-index', '--assume-unchanged', 'hidden.env');
    r.write({ 'hidden.env': 'edited away\n', 'untracked.env': `NPM_TOKEN=${npmToken()}\n` });
    r.git('update-index', '--skip-worktree', 'sparse.env');
    rmSync(join(r.root, 'sparse.env'));
    expect(r.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    const result = await at(r.root, release, { history: 'none' });
    expect(where(result.evidence.findings)).toEqual(['hidden.env:1', 'sparse.env:1']);
    expect(result.evidence.scanned).toMatchObject({ files: 3 });
  });

  it('could not run, never passes, when the release commit is missing from the clone', async () => {
    const r = repo();
    r.commit('feat: a', { 'README.md': '# x\n' });
    const result = await at(r.root, 'f'.repeat(40));
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^release commit fffffff is not in this clone/);
  });
});

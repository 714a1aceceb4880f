import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkParams } from '../core/check-params.ts';
import { gitIn } from './check-git.fixture.ts';
import type { CheckContext } from './check-types.ts';
import {
  lookAlikeFiles,
  plantedSecrets,
  type PlantedSecret,
} from '../core/secret-samples.fixture.ts';
import { secretPatterns } from '../core/secret-patterns.ts';
import secretsCheck, { scanRepository, scanText } from './secrets-check.ts';

const git = gitIn;

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const planted = plantedSecrets();
const plantedFiles = Object.fromEntries(planted.map((p) => [p.file, p.content]));
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'gonogo-secrets-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const ctx = (root: string): CheckContext => ({
  root,
  version: '1.1.0',
  policy: {} as CheckContext['policy'],
  env: {},
  now: () => new Date('2026-01-01T00:00:00Z'),
});

function expectNoSecretIn(text: string, secrets: PlantedSecret[]): void {
  for (const p of secrets) {
    expect(text.includes(p.secret), `${p.id} value leaked`).toBe(false);
    // Also no long piece of it (a mask shows at most 4 characters).
    expect(text.includes(p.secret.slice(4, 16)), `${p.id} fragment leaked`).toBe(false);
  }
}

describe('secrets corpus: one planted secret of every kind', () => {
  it('plants every supported kind', () => {
    const kinds = new Set(planted.map((p) => p.id));
    expect([...kinds].sort()).toEqual(secretPatterns.map((p) => p.id).sort());
  });

  it.each(planted.map((p) => [`${p.id} in ${p.file}`, p] as const))(
    'scanText finds %s at its line, masked',
    (_name, p) => {
      const found = scanText(p.content, p.file);
      expect(found.map((f) => f.patternId)).toEqual([p.id]);
      const [f] = found;
      expect(f!.line).toBe(p.line);
      expect(f!.path).toBe(p.file);
      expect(f!.excerpt).toContain(`[REDACTED:${p.id}]`);
      expect(f!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expectNoSecretIn(JSON.stringify(found), [p]);
    },
  );
});

describe('secrets corpus: look-alikes are not reported', () => {
  const files = lookAlikeFiles();
  it.each(Object.keys(files))('%s has no findings', (path) => {
    const found = scanText(files[path]!, path);
    expect(found.map((f) => `${f.patternId} ${f.line}:${f.column} ${f.excerpt}`)).toEqual([]);
  });
});

describe('secrets corpus in a repository', () => {
  let worktree: string;
  let history: string;
  let addCommit: string;

  beforeAll(() => {
    // Working tree: every planted file (some tracked, some untracked) among the look-alikes.
    worktree = tempDir();
    git(worktree, 'init', '-q', '-b', 'main');
    writeTree(worktree, lookAlikeFiles());
    writeTree(worktree, { '.gitignore': 'ignored/\n', 'ignored/leak.env': planted[0]!.content });
    git(worktree, 'add', '.');
    git(worktree, 'commit', '-q', '-m', 'look-alikes');
    writeTree(worktree, plantedFiles);

    // History: planted after the v1.0.0 tag, committed, then deleted again.
    history = tempDir();
    git(history, 'init', '-q', '-b', 'main');
    writeTree(history, lookAlikeFiles());
    git(history, 'add', '.');
    git(history, 'commit', '-q', '-m', 'start');
    git(history, 'tag', 'v1.0.0');
    writeTree(history, plantedFiles);
    git(history, 'add', '.');
    git(history, 'commit', '-q', '-m', 'oops: config');
    addCommit = git(history, 'rev-parse', '--short=7', 'HEAD');
    git(history, 'rm', '-q', '-r', ...Object.keys(plantedFiles));
    git(history, 'commit', '-q', '-m', 'remove config');
  });

  it('finds every planted secret in the working tree, with file and line, ignoring ignored files', async () => {
    const report = await scanRepository(worktree, { history: 'none' });
    const got = report.findings.map((f) => `${f.patternId} ${f.path}:${f.line}`).sort();
    const want = planted.map((p) => `${p.id} ${p.file}:${p.line}`).sort();
    expect(got).toEqual(want);
    expect(report.findings.every((f) => f.inWorkingTree && !f.commit)).toBe(true);
    expect(report.skipped.binary).toBe(0);
    expectNoSecretIn(JSON.stringify(report), planted);
  });

  it('finds every planted secret in history after it was deleted, with the commit that added it', async () => {
    const report = await scanRepository(history, { history: 'since-tag', version: '1.1.0' });
    expect(report.range).toMatch(/^v1\.0\.0\.\./);
    const got = report.findings
      .map((f) => `${f.patternId} ${f.path}:${f.line} @${f.commit}`)
      .sort();
    const want = planted.map((p) => `${p.id} ${p.file}:${p.line} @${addCommit}`).sort();
    expect(got).toEqual(want);
    expect(report.findings.every((f) => !f.inWorkingTree)).toBe(true);
    expectNoSecretIn(JSON.stringify(report), planted);
  });

  it('the check fails with masked findings only, never the secret', async () => {
    const result = await secretsCheck.run(
      ctx(history),
      checkParams.secrets.parse({}),
      AbortSignal.timeout(60_000),
    );
    expect(result.status).toBe('failed');
    expect(result.summary).toContain(`${planted.length} secrets found`);
    expect(result.evidence.findings).toHaveLength(planted.length);
    expect(result.evidence.findings![0]!.where).toMatch(/:\d+ @[0-9a-f]{7} \(history\)$/);
    expectNoSecretIn(JSON.stringify(result), planted);
  });
});

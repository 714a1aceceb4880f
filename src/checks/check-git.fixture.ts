/**
 * Test support for the git checks: real repositories in temp dirs, with real commits and tags,
 * isolated from the machine's git configuration.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CheckContext } from './check-types.ts';

/** The environment for git in tests: no global or system config, a fixed identity. */
export const gitTestEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

const env = gitTestEnv;

/** Runs git in `cwd` with {@link gitTestEnv}; returns trimmed stdout. */
export function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

export interface TestRepo {
  root: string;
  git(...args: string[]): string;
  /** Writes the files (path → content), commits everything, returns the full SHA. */
  commit(message: string, files?: Record<string, string>): string;
  write(files: Record<string, string>): void;
  cleanup(): void;
}

/**
 * Makes a temp dir; with `init` (default) a git repository on branch main in it.
 *
 * @example
 * const repo = makeTestRepo(); repo.commit('feat: one', { 'a.txt': 'a' }); repo.git('tag', 'v1.0.0');
 */
export function makeTestRepo(options: { init?: boolean; bare?: boolean } = {}): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, env, encoding: 'utf8', stdio: 'pipe' }).trim();
  if (options.init !== false) {
    git('init', '-q', '-b', 'main', ...(options.bare ? ['--bare'] : []));
  }
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  };
  let counter = 0;
  return {
    root,
    git,
    write,
    commit(message, files) {
      write(files ?? { [`file-${++counter}.txt`]: `${message}\n` });
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * A check context for `root` with fixed clock and env.
 *
 * @example
 * await gitTagCheck.run(testContext(repo.root, '1.0.0'), params, new AbortController().signal);
 */
export function testContext(
  root: string,
  version: string,
  extra: Partial<CheckContext> = {},
): CheckContext {
  return {
    root,
    version,
    policy: {},
    env: {},
    now: () => new Date('2026-11-20T10:00:00Z'),
    ...extra,
  };
}

/**
 * A `repo()` maker for a test file that cleans up every repository after each test.
 *
 * @example const repo = useTestRepos(afterEach); const r = repo(); r.commit('feat: x', { a: 'a' });
 */
export function useTestRepos(afterEachHook: (fn: () => void) => void) {
  const repos: TestRepo[] = [];
  afterEachHook(() => {
    for (const made of repos.splice(0)) made.cleanup();
  });
  return (options?: Parameters<typeof makeTestRepo>[0]) => {
    const made = makeTestRepo(options);
    repos.push(made);
    return made;
  };
}

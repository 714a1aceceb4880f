/**
 * The few git facts the CLI needs, read with execFile (never a shell, never user strings in one).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function git(args: string[], cwd: string): string | undefined {
  try {
    // Loaded on first use: node:child_process brings net, dgram and streams, which a command
    // that runs no git (status) need not load.
    return process
      .getBuiltinModule('node:child_process')
      .execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
  } catch {
    return undefined;
  }
}

/**
 * The repository root (the nearest folder up from `cwd` with a `.git` entry, a directory or a
 * worktree's file), or undefined outside a git work tree. Looked up on the file system: every
 * command needs it, and a git subprocess would cost more than the rest of `status`.
 */
export function findRepoRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The full SHA and commit time of a revision (HEAD by default). */
export function resolveCommit(cwd: string, rev = 'HEAD'): { sha: string; at?: string } | undefined {
  const out = git(['show', '-s', '--format=%H %cI', '--end-of-options', `${rev}^{commit}`], cwd);
  if (!out) return undefined;
  const [sha, at] = out.split(' ');
  return sha ? { sha, ...(at ? { at: new Date(at).toISOString() } : {}) } : undefined;
}

/** `git config user.email`, when set. */
export function gitUserEmail(cwd: string): string | undefined {
  return git(['config', 'user.email'], cwd) || undefined;
}

/** The most commits a deployment carries (api-metrics.ts `maxDeploymentCommits`). */
export const maxCommitsPerDeployment = 10_000;

/** Commits a deployment shipped, as read from git, newest first. */
export interface CommitRange {
  commits: { sha: string; committedAt: string }[];
  /** More commits were in the range than the bound: the oldest are left out. */
  truncated: boolean;
  /** Why the range is only the deployed commit (no earlier deployment, or git could not tell). */
  only?: string;
}

/**
 * The commits between the commit an environment ran before (`since`) and the one deployed now
 * (`to`): `git log since..to`, at most `limit`, newest first. Without `since` (a first
 * deployment), or when git does not know it, only `to` itself: what shipped before gonogo saw
 * the environment is not known, and counting all history would make lead times up.
 *
 * @example readCommitRange('/repo', 'a1b2…', 'c3d4…') // { commits: [...], truncated: false }
 */
export function readCommitRange(
  cwd: string,
  since: string | undefined,
  to: string,
  limit = maxCommitsPerDeployment,
): CommitRange | undefined {
  const parse = (out: string) =>
    out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, at] = line.split('\t');
        return { sha: sha!, committedAt: new Date(at!).toISOString() };
      });
  const only = (why: string): CommitRange | undefined => {
    const out = git(['log', '-1', '--format=%H%x09%cI', '--end-of-options', `${to}^{commit}`], cwd);
    return out === undefined ? undefined : { commits: parse(out), truncated: false, only: why };
  };
  if (!since) return only('first deployment there: only the deployed commit counts');
  if (since === to) return { commits: [], truncated: false };
  const out = git(
    [
      'log',
      `--max-count=${limit + 1}`,
      '--format=%H%x09%cI',
      '--end-of-options',
      `${since}..${to}`,
    ],
    cwd,
  );
  if (out === undefined)
    return only(`git does not know ${since.slice(0, 12)}, the commit deployed before`);
  const commits = parse(out);
  return { commits: commits.slice(0, limit), truncated: commits.length > limit };
}

/** A tag as a deployment: its name, the commit it points at, and its time. */
export interface TagDeployment {
  tag: string;
  sha: string;
  /** Annotated: the tagger's time; lightweight: the commit's committer time. */
  at: string;
}

/**
 * The tags matching `pattern` (a `git tag --list` glob), oldest first by their time.
 *
 * @example listTagDeployments('/repo', 'v*')
 */
export function listTagDeployments(cwd: string, pattern = '*'): TagDeployment[] | undefined {
  const out = git(
    [
      'for-each-ref',
      '--format=%(refname:short)%09%(*objectname)%09%(objectname)%09%(taggerdate:iso-strict)%09%(committerdate:iso-strict)%09%(*committerdate:iso-strict)',
      '--end-of-options',
      `refs/tags/${pattern}`,
    ],
    cwd,
  );
  if (out === undefined) return undefined;
  const tags = out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tag, peeled, object, taggerAt, committerAt, peeledAt] = line.split('\t');
      return {
        tag: tag!,
        sha: peeled || object!,
        at: new Date(taggerAt || committerAt || peeledAt!).toISOString(),
      };
    });
  return tags.sort((a, b) => a.at.localeCompare(b.at));
}

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

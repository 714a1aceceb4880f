/**
 * The few git facts the CLI needs, read with execFile (never a shell, never user strings in one).
 */
import { execFileSync } from 'node:child_process';

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The repository root, or undefined outside a git work tree. */
export function findRepoRoot(cwd: string): string | undefined {
  return git(['rev-parse', '--show-toplevel'], cwd) || undefined;
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

/**
 * Small helpers the git and report checks share: git through execFile (never a shell, user
 * revisions always after `--end-of-options`), the previous release tag, file hashes, and the
 * results every check returns the same way (not a git repository, cancelled).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import semver from 'semver';
import type { CheckEvidence, CheckResult } from './check-types.ts';

export type CheckOutcome = Omit<CheckResult, 'durationMs'>;

export interface GitRun {
  stdout: string;
  stderr: string;
  /** Exit code; 127 when git is not installed. */
  code: number;
}

export interface GitRunOptions {
  cwd: string;
  signal?: AbortSignal;
}

// Prompts would hang a check until its timeout; a fixed locale keeps messages stable.
const gitEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

/**
 * Runs git with `args` in `cwd` and resolves with its output and exit code (a non-zero exit is
 * not an exception). Rejects only when `signal` aborts it.
 *
 * @example
 * const { stdout, code } = await runGit(['rev-parse', 'HEAD'], { cwd: root, signal });
 */
export function runGit(args: string[], options: GitRunOptions): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        signal: options.signal,
        env: gitEnv,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
        if (!error) return resolve({ stdout, stderr, code: 0 });
        const failure = error as NodeJS.ErrnoException & { code?: number | string };
        if (failure.code === 'ENOENT') {
          // git is not installed, or cwd does not exist: either way nothing could be read.
          return resolve({ stdout: '', stderr: `git: ${failure.message}`, code: 127 });
        }
        const code = typeof failure.code === 'number' ? failure.code : 1;
        resolve({ stdout, stderr: stderr || failure.message, code });
      },
    );
  });
}

/**
 * True when `root` is inside a git work tree.
 *
 * @example
 * if (!(await isGitRepo(ctx.root, signal))) return notGitRepoResult(ctx.root);
 */
export async function isGitRepo(root: string, signal?: AbortSignal): Promise<boolean> {
  const { stdout, code } = await runGit(['rev-parse', '--is-inside-work-tree'], {
    cwd: root,
    signal,
  });
  return code === 0 && stdout.trim() === 'true';
}

/**
 * The full SHA of the commit `rev` names (a tag is peeled to its commit), or undefined.
 *
 * @example
 * await resolveRevision(root, 'refs/tags/v1.4.0') // → '3f2c…'
 */
export async function resolveRevision(
  root: string,
  rev: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const { stdout, code } = await runGit(
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`],
    { cwd: root, signal },
  );
  return code === 0 ? stdout.trim() || undefined : undefined;
}

/**
 * True in a shallow clone (CI checkouts often are), where history and tags may be missing.
 *
 * @example
 * if (await isShallowRepo(root, signal)) note = 'shallow clone: fetch with fetch-depth: 0';
 */
export async function isShallowRepo(root: string, signal?: AbortSignal): Promise<boolean> {
  const { stdout, code } = await runGit(['rev-parse', '--is-shallow-repository'], {
    cwd: root,
    signal,
  });
  return code === 0 && stdout.trim() === 'true';
}

/** Said when a shallow clone may explain a result. */
export const shallowNote = 'shallow clone: history may be missing (fetch with fetch-depth: 0)';

/**
 * The highest tag `prefix + X.Y.Z` whose version is lower than `version` (semver order), or
 * undefined when there is none. Tags that are not semver after the prefix are ignored.
 *
 * @example
 * await previousTag(root, 'v', '1.4.0') // → 'v1.3.2'
 */
export async function previousTag(
  root: string,
  prefix: string,
  version: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const current = semver.valid(version);
  const { stdout, code } = await runGit(['tag', '--list'], { cwd: root, signal });
  if (code !== 0) return undefined;
  let best: { tag: string; version: string } | undefined;
  for (const tag of stdout.split('\n')) {
    if (!tag.startsWith(prefix)) continue;
    const rest = tag.slice(prefix.length);
    // semver.valid alone would also take "v1.2.0" when the prefix is "".
    const candidate = /^\d/.test(rest) ? semver.valid(rest) : null;
    if (!candidate) continue;
    if (current && !semver.lt(candidate, current)) continue;
    if (!best || semver.gt(candidate, best.version)) best = { tag, version: candidate };
  }
  return best?.tag;
}

/**
 * The commit to check: the release's commit when it has one, else HEAD (and says so).
 *
 * @example
 * const target = await resolveReleaseCommit(ctx.root, ctx.commit, signal);
 * if ('error' in target) return target.error;
 */
export async function resolveReleaseCommit(
  root: string,
  commit: string | undefined,
  signal?: AbortSignal,
): Promise<{ sha: string; label: string; fromHead: boolean } | { error: CheckOutcome }> {
  const sha = await resolveRevision(root, commit ?? 'HEAD', signal);
  if (sha) {
    return commit
      ? { sha, label: `release commit ${sha.slice(0, 7)}`, fromHead: false }
      : { sha, label: `HEAD ${sha.slice(0, 7)} (the release has no commit)`, fromHead: true };
  }
  if (commit) return { error: missingCommitResult(commit) };
  return {
    error: {
      status: 'error',
      summary: 'the repository has no commits yet',
      fix: 'Commit something first.',
      evidence: {},
    },
  };
}

/**
 * The `error` result for a release commit the clone does not have: nothing of it can be read,
 * so nothing may pass on what was not there to scan.
 *
 * @example return missingCommitResult('a91b0c2…');
 */
export function missingCommitResult(commit: string): CheckOutcome {
  return {
    status: 'error',
    summary: `release commit ${commit.slice(0, 7)} is not in this clone (force-pushed away, or a shallow clone)`,
    fix: `Fetch it (git fetch origin ${commit}, or git fetch --unshallow), or retarget the release to a commit that exists.`,
    evidence: { commit },
  };
}

/**
 * The `error` result of a git check run outside a git repository.
 *
 * @example
 * return notGitRepoResult('/srv/app');
 */
export function notGitRepoResult(root: string): CheckOutcome {
  return {
    status: 'error',
    summary: `${root} is not a git repository (or git is not installed)`,
    fix: 'Run gonogo check inside the repository checkout, with git on the PATH.',
    evidence: {},
  };
}

/** The result of a check stopped by its signal (Ctrl-C or timeout). */
export const cancelledResult: CheckOutcome = Object.freeze({
  status: 'error',
  summary: 'cancelled',
  evidence: {},
}) as CheckOutcome;

/**
 * Runs a check body and turns an abort into the `cancelled` result; anything else it throws is a
 * bug and goes on up.
 *
 * @example
 * run: (ctx, params, signal) => guardCancel(signal, () => checkTag(ctx, params, signal)),
 */
export async function guardCancel(
  signal: AbortSignal,
  body: () => Promise<CheckOutcome>,
): Promise<CheckOutcome> {
  if (signal.aborted) return { ...cancelledResult, evidence: {} };
  try {
    return await body();
  } catch (error) {
    if (signal.aborted) return { ...cancelledResult, evidence: {} };
    throw error;
  }
}

/**
 * The SHA-256 of some bytes, hex, for `evidence.files`.
 *
 * @example
 * sha256Hex(readFileSync(path)) // → 'e3b0c442…'
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The first `head` and last `tail` lines of some output, for `evidence.output`.
 *
 * @example
 * summarizeOutput('a\nb\nc', 1, 1) // → { head: ['a'], tail: ['c'], lines: 3 }
 */
export function summarizeOutput(
  text: string,
  head = 20,
  tail = 20,
): NonNullable<CheckEvidence['output']> {
  const lines = text.replace(/\n$/, '').split('\n');
  if (text === '') return { head: [], tail: [], lines: 0 };
  if (lines.length <= head + tail) return { head: lines, tail: [], lines: lines.length };
  return { head: lines.slice(0, head), tail: lines.slice(-tail), lines: lines.length };
}

/** Findings are capped so evidence stays small; the summary carries the full count. */
export const maxFindings = 50;

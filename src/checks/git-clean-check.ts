/**
 * `git-clean`: the work tree has no uncommitted or untracked changes (ignored files do not count),
 * so what is released is what is committed.
 */
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  isGitRepo,
  maxFindings,
  notGitRepoResult,
  resolveRevision,
  runGit,
  type CheckOutcome,
} from './check-git.ts';
import type { CheckContext, CheckDefinition } from './check-types.ts';

type Params = CheckParams<'git-clean'>;

export interface StatusEntry {
  path: string;
  /** The two-letter porcelain code, e.g. " M", "A ", "??". */
  code: string;
  /** The old path of a rename or copy. */
  from?: string;
}

/**
 * Parses `git status --porcelain=v1 -z` output.
 *
 * @example
 * parsePorcelainStatus(' M a.ts\0?? b.ts\0') // → [{ code: ' M', path: 'a.ts' }, { code: '??', path: 'b.ts' }]
 */
export function parsePorcelainStatus(output: string): StatusEntry[] {
  const fields = output.split('\0');
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    const entry: StatusEntry = { code, path: field.slice(3) };
    // Renames and copies carry their source path as the next NUL-separated field.
    if (code.includes('R') || code.includes('C')) entry.from = fields[++i];
    entries.push(entry);
  }
  return entries;
}

const words: Record<string, string> = {
  M: 'modified',
  T: 'type changed',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  U: 'unmerged',
};

/**
 * A person's words for a porcelain status code.
 *
 * @example
 * describeStatus('MM') // → 'staged: modified; unstaged: modified'
 */
export function describeStatus(code: string): string {
  if (code === '??') return 'untracked';
  if (code.includes('U') || code === 'AA' || code === 'DD') return 'unmerged (conflict)';
  const [staged, unstaged] = [code[0] ?? ' ', code[1] ?? ' '];
  const parts: string[] = [];
  if (staged !== ' ') parts.push(`staged: ${words[staged] ?? staged}`);
  if (unstaged !== ' ') parts.push(`unstaged: ${words[unstaged] ?? unstaged}`);
  return parts.join('; ');
}

async function checkClean(ctx: CheckContext, signal: AbortSignal): Promise<CheckOutcome> {
  if (!(await isGitRepo(ctx.root, signal))) return notGitRepoResult(ctx.root);
  const command = ['git', 'status', '--porcelain=v1', '-z', '--untracked-files=all'];
  const run = await runGit(command.slice(1), { cwd: ctx.root, signal });
  const head = await resolveRevision(ctx.root, 'HEAD', signal);
  const evidence = { command, exitCode: run.code, ...(head ? { commit: head } : {}) };
  if (run.code !== 0) {
    return {
      status: 'error',
      summary: `git status failed: ${run.stderr.trim().split('\n')[0] ?? ''}`,
      fix: 'Run git status in the repository to see what is wrong.',
      evidence,
    };
  }
  const entries = parsePorcelainStatus(run.stdout);
  if (entries.length === 0) {
    return { status: 'passed', summary: 'the work tree is clean', evidence };
  }
  const untracked = entries.filter((entry) => entry.code === '??').length;
  const changed = entries.length - untracked;
  const counts = [
    changed ? `${changed} uncommitted change${changed === 1 ? '' : 's'}` : '',
    untracked ? `${untracked} untracked file${untracked === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return {
    status: 'failed',
    summary: `${counts.join(' and ')}: ${entries
      .slice(0, 3)
      .map((entry) => entry.path)
      .join(', ')}${entries.length > 3 ? ', …' : ''}`,
    fix: 'Commit or stash them (git stash -u), or add build outputs to .gitignore.',
    evidence: {
      ...evidence,
      findings: entries.slice(0, maxFindings).map((entry) => ({
        where: entry.path,
        message: describeStatus(entry.code) + (entry.from ? ` from ${entry.from}` : ''),
      })),
    },
  };
}

const gitCleanCheck: CheckDefinition<Params> = {
  name: 'git-clean',
  timeoutMs: 30_000,
  run: (ctx, _params, signal) => guardCancel(signal, () => checkClean(ctx, signal)),
};

export default gitCleanCheck;

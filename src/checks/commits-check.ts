/**
 * `commits`: every commit subject since the previous release tag follows the rule (Conventional
 * Commits by default) and none matches a forbidden pattern (fixup!, squash!, WIP by default).
 */
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  isGitRepo,
  isShallowRepo,
  maxFindings,
  notGitRepoResult,
  previousTag,
  resolveReleaseCommit,
  runGit,
  shallowNote,
  type CheckOutcome,
} from './check-git.ts';
import type { CheckContext, CheckDefinition } from './check-types.ts';

type Params = CheckParams<'commits'>;

// The spec says types are case-insensitive; the list is the Angular one most tools use.
const conventional =
  /^(feat|fix|docs|style|refactor|perf|test|build|ci|chore|revert)(\([^()\r\n]+\))?!?: \S/i;
// git's own messages for merges and reverts are accepted as they are.
const gitGenerated = /^(Merge|Revert) /;

export interface CommitVerdict {
  sha: string;
  subject: string;
  /** Why it breaks the rule; empty when it follows it. */
  problems: string[];
}

/**
 * Judges one commit subject against the convention and the forbidden patterns.
 *
 * @example
 * judgeSubject('feat(api): add x', 1, 'conventional', [/^fixup!/]) // → []
 * judgeSubject('fixup! oops', 1, 'conventional', [/^fixup!/]) // → ['not Conventional Commits', 'matches /^fixup!/']
 */
export function judgeSubject(
  subject: string,
  parents: number,
  convention: Params['convention'],
  forbid: RegExp[],
): string[] {
  const problems: string[] = [];
  const exempt = parents > 1 || gitGenerated.test(subject);
  if (convention === 'conventional' && !exempt && !conventional.test(subject)) {
    problems.push('not Conventional Commits (type(scope)!: subject)');
  }
  for (const pattern of forbid) if (pattern.test(subject)) problems.push(`matches ${pattern}`);
  return problems;
}

async function checkCommits(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  const forbid: RegExp[] = [];
  for (const source of params.forbid) {
    try {
      forbid.push(new RegExp(source));
    } catch (error) {
      return {
        status: 'error',
        summary: `forbid pattern ${JSON.stringify(source)} is not a valid regular expression`,
        fix: `Fix it in gonogo.yaml (${(error as Error).message}).`,
        evidence: {},
      };
    }
  }
  if (!(await isGitRepo(ctx.root, signal))) return notGitRepoResult(ctx.root);
  const target = await resolveReleaseCommit(ctx.root, ctx.commit, signal);
  if ('error' in target) return target.error;
  const since = await previousTag(ctx.root, params.tag_prefix, ctx.version, signal);
  const range = since ? `refs/tags/${since}..${target.sha}` : target.sha;
  const command = ['git', 'log', '-z', '--format=%H%x09%P%x09%s', '--end-of-options', range];
  const run = await runGit(command.slice(1), { cwd: ctx.root, signal });
  const evidence = {
    commit: target.sha,
    ...(since ? { since } : {}),
    command,
    exitCode: run.code,
  };
  if (run.code !== 0) {
    return {
      status: 'error',
      summary: `git log failed: ${run.stderr.trim().split('\n')[0] ?? ''}`,
      fix: 'Run the command in the repository to see what is wrong.',
      evidence,
    };
  }
  const verdicts: CommitVerdict[] = run.stdout
    .split('\0')
    .filter(Boolean)
    .map((record) => {
      const [sha = '', parents = '', ...rest] = record.replace(/^\n/, '').split('\t');
      const subject = rest.join('\t');
      const count = parents.split(' ').filter(Boolean).length;
      return { sha, subject, problems: judgeSubject(subject, count, params.convention, forbid) };
    });
  // Without a previous tag every reachable commit is judged; in a shallow clone that is a few.
  const shallow = !since && (await isShallowRepo(ctx.root, signal));
  const scope = since
    ? `since ${since}`
    : `up to ${target.label} (no earlier ${params.tag_prefix}X.Y.Z tag: all history${shallow ? `; ${shallowNote}` : ''})`;
  const offenders = verdicts.filter((verdict) => verdict.problems.length > 0);
  const counted = `${verdicts.length} commit${verdicts.length === 1 ? '' : 's'} ${scope}`;
  if (offenders.length === 0) {
    return {
      status: 'passed',
      summary: `${counted} follow${verdicts.length === 1 ? 's' : ''} the rule`,
      evidence: { ...evidence, commits: verdicts.length },
    };
  }
  return {
    status: 'failed',
    summary: `${offenders.length} of ${counted} break the rule`,
    fix: 'Reword or squash them before tagging (git rebase -i), or relax the rule with convention: any / forbid: [...] in gonogo.yaml.',
    evidence: {
      ...evidence,
      commits: verdicts.length,
      offenders: offenders.length,
      findings: offenders.slice(0, maxFindings).map((verdict) => ({
        where: verdict.sha.slice(0, 7),
        message: `${verdict.subject} (${verdict.problems.join('; ')})`,
      })),
    },
  };
}

const commitsCheck: CheckDefinition<Params> = {
  name: 'commits',
  timeoutMs: 30_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkCommits(ctx, params, signal)),
};

export default commitsCheck;

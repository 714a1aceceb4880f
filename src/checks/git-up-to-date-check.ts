/**
 * `git-up-to-date`: the release commit contains the tip of the main branch (configurable), so
 * nothing merged there is left out. It compares with the remote-tracking branch as of the last
 * fetch and never fetches itself (checks stay off the network unless asked).
 */
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  isGitRepo,
  isShallowRepo,
  maxFindings,
  notGitRepoResult,
  resolveReleaseCommit,
  resolveRevision,
  runGit,
  shallowNote,
  type CheckOutcome,
} from './check-git.ts';
import type { CheckContext, CheckDefinition } from './check-types.ts';

type Params = CheckParams<'git-up-to-date'>;

async function checkUpToDate(
  ctx: CheckContext,
  params: Params,
  signal: AbortSignal,
): Promise<CheckOutcome> {
  if (!(await isGitRepo(ctx.root, signal))) return notGitRepoResult(ctx.root);
  const target = await resolveReleaseCommit(ctx.root, ctx.commit, signal);
  if ('error' in target) return target.error;

  const remoteRef = `refs/remotes/${params.remote}/${params.branch}`;
  const localRef = `refs/heads/${params.branch}`;
  let ref = remoteRef;
  let tip = await resolveRevision(ctx.root, remoteRef, signal);
  if (!tip) {
    ref = localRef;
    tip = await resolveRevision(ctx.root, localRef, signal);
  }
  if (!tip) {
    return {
      status: 'error',
      summary: `branch ${params.branch} not found (neither ${remoteRef} nor ${localRef})`,
      fix: `Fetch it (git fetch ${params.remote} ${params.branch}), or name the main branch: check: { git-up-to-date: { branch: NAME } }.`,
      evidence: { commit: target.sha },
    };
  }
  const name = ref.replace(/^refs\/(remotes|heads)\//, '');
  const command = ['git', 'merge-base', '--is-ancestor', '--end-of-options', tip, target.sha];
  const run = await runGit(command.slice(1), { cwd: ctx.root, signal });
  const evidence = {
    commit: target.sha,
    comparedRef: ref,
    tip,
    command,
    exitCode: run.code,
    ...(ref === remoteRef ? { note: 'remote-tracking branch as of the last fetch' } : {}),
  };
  if (run.code === 0) {
    return {
      status: 'passed',
      summary: `${target.label} contains ${name} (${tip.slice(0, 7)})`,
      evidence,
    };
  }
  if (run.code !== 1) {
    return {
      status: 'error',
      summary: `git merge-base failed: ${run.stderr.trim().split('\n')[0] ?? ''}`,
      fix: 'Run the command in the repository to see what is wrong (a shallow clone lacks history: fetch with depth 0).',
      evidence,
    };
  }
  const range = `${target.sha}..${tip}`;
  const count = await runGit(['rev-list', '--count', '--end-of-options', range], {
    cwd: ctx.root,
    signal,
  });
  const behind = Number.parseInt(count.stdout.trim(), 10);
  const log = await runGit(
    ['log', `--max-count=${maxFindings}`, '--format=%h%x09%s', '--end-of-options', range],
    { cwd: ctx.root, signal },
  );
  const findings = log.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', ...subject] = line.split('\t');
      return { where: sha, message: `missing from the release: ${subject.join('\t')}` };
    });
  const howMany = Number.isFinite(behind)
    ? `${behind} commit${behind === 1 ? '' : 's'}`
    : 'commits';
  // A shallow clone lacks the history that would show the tip is contained.
  const shallow = (await isShallowRepo(ctx.root, signal)) ? ` (${shallowNote})` : '';
  return {
    status: 'failed',
    summary: `${target.label} is ${howMany} behind ${name} (${tip.slice(0, 7)})${shallow}`,
    fix: `Merge or rebase onto ${name} (git fetch first) and release the new commit.`,
    evidence: { ...evidence, behind, findings },
  };
}

const gitUpToDateCheck: CheckDefinition<Params> = {
  name: 'git-up-to-date',
  timeoutMs: 30_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkUpToDate(ctx, params, signal)),
};

export default gitUpToDateCheck;

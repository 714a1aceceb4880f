/**
 * `git-tag`: the release tag (`prefix + version`) exists, points at the release commit, and, when
 * asked, exists on the remote pointing at the same commit. With the usual prefix "v" (or none)
 * either form counts: release 1.2.0 may be tagged `v1.2.0` or `1.2.0`.
 */
import type { CheckParams } from '../core/check-params.ts';
import {
  guardCancel,
  isGitRepo,
  notGitRepoResult,
  resolveReleaseCommit,
  resolveRevision,
  runGit,
  type CheckOutcome,
} from './check-git.ts';
import type { CheckContext, CheckDefinition } from './check-types.ts';

type Params = CheckParams<'git-tag'>;

/**
 * The tag names release `version` may have: `prefix + version`, and with the prefix "v" or ""
 * the other of the two forms too.
 *
 * @example tagCandidates('v', '1.2.0') // ['v1.2.0', '1.2.0']
 * @example tagCandidates('release-', '1.2.0') // ['release-1.2.0']
 */
export function tagCandidates(prefix: string, version: string): string[] {
  const bare = version.replace(/^v(?=\d)/, '');
  if (prefix === 'v' || prefix === '')
    return [...new Set([`${prefix}${bare}`, prefix ? bare : `v${bare}`])];
  return [`${prefix}${bare}`];
}

async function checkTag(ctx: CheckContext, params: Params, signal: AbortSignal) {
  if (!(await isGitRepo(ctx.root, signal))) return notGitRepoResult(ctx.root);
  const target = await resolveReleaseCommit(ctx.root, ctx.commit, signal);
  if ('error' in target) return target.error;
  const short = target.sha.slice(0, 7);
  const names = tagCandidates(params.prefix, ctx.version);
  const found: { tag: string; sha: string }[] = [];
  for (const name of names) {
    const sha = await resolveRevision(ctx.root, `refs/tags/${name}`, signal);
    if (sha) found.push({ tag: name, sha });
  }
  // The form that points at the release commit wins; else the first that exists is reported.
  const chosen = found.find((f) => f.sha === target.sha) ?? found[0];
  const tag = chosen?.tag ?? names[0]!;
  const evidence = { commit: target.sha, tag, comparedWith: target.fromHead ? 'HEAD' : 'release' };

  if (!chosen) {
    const also = names.length > 1 ? ` (nor ${names.slice(1).join(', ')})` : '';
    return {
      status: 'failed',
      summary: `tag ${tag} does not exist${also}`,
      fix: `Tag the release: git tag -a ${tag} ${short} -m "${tag}" && git push origin ${tag}`,
      evidence,
    } satisfies CheckOutcome;
  }
  const tagged = chosen.sha;
  if (tagged !== target.sha) {
    return {
      status: 'failed',
      summary: `tag ${tag} points at ${tagged.slice(0, 7)}, not ${target.label}`,
      fix: `Move the tag if it was never published (git tag -f ${tag} ${short}), or release the tagged commit.`,
      evidence: { ...evidence, tagCommit: tagged },
    } satisfies CheckOutcome;
  }
  const local = `tag ${tag} points at ${target.label}`;
  if (params.remote === false) {
    return { status: 'passed', summary: local, evidence } satisfies CheckOutcome;
  }
  return checkRemoteTag(ctx, params.remote === true ? 'origin' : params.remote, tag, target.sha, {
    local,
    evidence,
    signal,
  });
}

async function checkRemoteTag(
  ctx: CheckContext,
  remote: string,
  tag: string,
  sha: string,
  extra: { local: string; evidence: Record<string, string>; signal: AbortSignal },
): Promise<CheckOutcome> {
  const refs = [`refs/tags/${tag}`, `refs/tags/${tag}^{}`];
  const command = ['git', 'ls-remote', '--tags', '--end-of-options', remote, ...refs];
  const run = await runGit(command.slice(1), { cwd: ctx.root, signal: extra.signal });
  const evidence = { ...extra.evidence, remote, command, exitCode: run.code };
  if (run.code !== 0) {
    return {
      status: 'error',
      summary: `could not list the tags of remote ${remote}: ${firstLine(run.stderr)}`,
      fix: `Check that remote "${remote}" exists (git remote -v) and is reachable with your credentials.`,
      evidence,
    };
  }
  // An annotated tag is listed twice: the tag object, then `^{}` with the commit it peels to.
  const listed = new Map<string, string>();
  for (const line of run.stdout.split('\n')) {
    const [id, ref] = line.split('\t');
    if (id && ref) listed.set(ref, id);
  }
  const remoteSha = listed.get(`refs/tags/${tag}^{}`) ?? listed.get(`refs/tags/${tag}`);
  if (!remoteSha) {
    return {
      status: 'failed',
      summary: `${extra.local}, but it is not on remote ${remote}`,
      fix: `Push it: git push ${remote} ${tag}`,
      evidence,
    };
  }
  if (remoteSha !== sha) {
    return {
      status: 'failed',
      summary: `tag ${tag} on remote ${remote} points at ${remoteSha.slice(0, 7)}, not ${sha.slice(0, 7)}`,
      fix: `The local and remote tags differ: find out which is right before force-pushing (git push -f ${remote} ${tag}).`,
      evidence: { ...evidence, remoteCommit: remoteSha },
    };
  }
  return { status: 'passed', summary: `${extra.local}, also on remote ${remote}`, evidence };
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find(Boolean) ?? 'no output'
  );
}

const gitTagCheck: CheckDefinition<Params> = {
  name: 'git-tag',
  timeoutMs: 30_000,
  run: (ctx, params, signal) => guardCancel(signal, () => checkTag(ctx, params, signal)),
};

export default gitTagCheck;

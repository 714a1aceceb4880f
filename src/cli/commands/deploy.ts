import { UsageError } from '../../core/errors.ts';
import { openReleaseStates } from '../../core/release-model.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine } from '../cli-output.ts';
import type { Context } from '../cli-context.ts';
import type { ReleaseService } from '../../service/service-contract.ts';
import { captureBaselineNow } from '../cli-watch.ts';
import { maxCommitsPerDeployment, readCommitRange } from '../cli-git.ts';
import type { CommitRange } from '../cli-git.ts';

/**
 * The commits this deployment ships, for lead time: git log from the commit the environment
 * runs now to the release's commit (docs/metrics.md). Said on stderr when it is cut or cannot
 * be read; the deployment is recorded either way.
 */
async function collectCommits(
  ctx: Context,
  svc: ReleaseService,
  env: string,
): Promise<CommitRange | undefined> {
  // The release deploy acts on: the one named, else the newest in progress (as the service picks).
  const release = ctx.release
    ? (await svc.getRelease({ version: ctx.release })).release
    : (await svc.listReleases()).find((r) => openReleaseStates.includes(r.state));
  if (!release?.commit) return undefined;
  const current = (await svc.listEnvironments()).find((e) => e.environment === env)?.current;
  const range = readCommitRange(ctx.root, current?.commit, release.commit);
  const say = (text: string) => {
    if (!ctx.json) ctx.output.err(text);
  };
  if (!range)
    say(
      `lead time: git does not know commit ${release.commit.slice(0, 12)} here; no commits recorded`,
    );
  else if (range.truncated)
    say(
      `lead time: more than ${maxCommitsPerDeployment} commits since the last deployment; the newest ${maxCommitsPerDeployment} recorded`,
    );
  return range;
}

/**
 * Before a production deployment, the baseline of every metric with a query (once per
 * release): a failed read is said and does not stop the deployment.
 */
async function captureBeforeDeploy(ctx: Context, svc: ReleaseService, env: string) {
  const plan = await svc.planWatches(ctx.release ? { version: ctx.release } : {});
  if (env !== plan.environment || !plan.metrics.length || plan.deployedAt) return;
  const values = await captureBaselineNow(svc, plan, env).catch((e: unknown) => {
    ctx.output.err(`baseline not captured: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  });
  if (!ctx.json)
    for (const v of values ?? [])
      ctx.output.err(
        `baseline ${v.metric} = ${v.value !== undefined ? v.value : `none (${oneLine(v.error ?? '')})`}`,
      );
}

export default defineCommand({
  usage: 'gonogo deploy ENV [--status succeeded|failed] [--force --reason TEXT]',
  summary:
    "Records a deployment of the release to ENV. Every gate in front of ENV's deployment (for the last environment without a deploy step in the playbook: every gate) is evaluated now; when one says NO-GO the deployment is refused with its blockers (exit 1), unless a holder of a role the playbook's policy.force names forces it with a reason. A locked environment (gonogo lock) refuses every deployment, forced ones too, until it is unlocked.",
  options: { status: { type: 'string' }, force: { type: 'boolean' }, reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    const status = v.status ?? 'succeeded';
    if (status !== 'succeeded' && status !== 'failed')
      throw new UsageError(`--status is "succeeded" or "failed", not "${status}"`);
    if (v.reason !== undefined && !v.force)
      throw new UsageError('--reason goes with --force (a deployment past the gate)');
    const svc = await ctx.service({ mustExist: true });
    if (status === 'succeeded') await captureBeforeDeploy(ctx, svc, env!);
    const range = status === 'succeeded' ? await collectCommits(ctx, svc, env!) : undefined;
    const d = await svc
      .deploy({
        environment: env!,
        status,
        ...(range
          ? { commits: { commits: range.commits, ...(range.truncated ? { truncated: true } : {}) } }
          : {}),
        ...(v.force ? { force: { reason: v.reason ?? '' } } : {}),
        ...(ctx.release ? { version: ctx.release } : {}),
      })
      .catch((error: unknown) => {
        // A lock is lifted only by unlocking (not by --force): say how, beside the refusal.
        const blockers = (error as { blockers?: { kind: string }[] }).blockers;
        if (!ctx.json && blockers?.some((b) => b.kind === 'environment-locked'))
          ctx.output.err(
            `to deploy to ${env}, unlock it first: gonogo unlock ${env} --reason TEXT`,
          );
        throw error;
      });
    if (ctx.json) ctx.output.out(JSON.stringify(d));
    else {
      const forced = d.override
        ? `, forced past ${d.override.blockers.length} blocker${d.override.blockers.length === 1 ? '' : 's'}: ${d.override.reason}`
        : '';
      ctx.output.out(
        `recorded: ${d.version} → ${d.environment} ${d.status} (commit ${d.commit?.slice(0, 12) ?? 'none'})${forced}`,
      );
      for (const t of d.ticked)
        ctx.output.out(
          `  ticked #${t.number} ${JSON.stringify(oneLine(t.title))} with the deployment`,
        );
      if (d.releaseState === 'deployed')
        ctx.output.out('  release deployed: what remains are its follow-ups (gonogo status)');
      else if (d.releaseState === 'finished')
        ctx.output.out('  release finished: nothing required is left open');
    }
    return d.status === 'succeeded' ? 0 : 1;
  },
});

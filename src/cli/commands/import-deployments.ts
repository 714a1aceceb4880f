import { EnvironmentError, UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { listTagDeployments, readCommitRange } from '../cli-git.ts';

/** Tags per request (api-metrics.ts `maxImportedDeployments`). */
const page = 1000;

export default defineCommand({
  usage: 'gonogo import deployments --from-tags [PATTERN] [--env ENV]',
  summary:
    "Records the repository's tags (those matching the git glob PATTERN, every tag by default) as deployments to ENV (production by default), at the tag's time (an annotated tag's, else its commit's), each with the commits since the tag before, marked imported: metrics from day one. A version ENV has already is skipped, so importing again adds only new tags.",
  options: { 'from-tags': { type: 'boolean' }, env: { type: 'string' } },
  positionals: [0, 1],
  async run(ctx, v, [pattern]) {
    if (!v['from-tags'])
      throw new UsageError('say where the deployments come from: --from-tags [PATTERN]');
    const tags = listTagDeployments(ctx.root, pattern ?? '*');
    if (!tags)
      throw new EnvironmentError({
        place: ctx.root,
        message: 'git could not list the tags here',
        fix: 'run it inside the git repository whose tags are the deployments',
      });
    const environment = v.env ?? 'production';
    const deployments = tags.map((t, i) => {
      const range = readCommitRange(ctx.root, tags[i - 1]?.sha, t.sha);
      return {
        version: t.tag,
        commit: t.sha,
        at: t.at,
        commits: {
          commits: range?.commits ?? [],
          ...(range?.truncated ? { truncated: true } : {}),
          ...(tags[i - 1] ? { since: tags[i - 1]!.sha } : {}),
        },
      };
    });
    const svc = await ctx.service({ mustExist: false });
    const total = { environment, imported: 0, skipped: 0, commits: 0, tags: tags.length };
    for (let i = 0; i < deployments.length; i += page) {
      const r = await svc.importDeployments({
        environment,
        deployments: deployments.slice(i, i + page),
      });
      total.imported += r.imported;
      total.skipped += r.skipped;
      total.commits += r.commits;
    }
    if (ctx.json) ctx.output.out(JSON.stringify(total));
    else
      ctx.output.out(
        `imported ${total.imported} of ${tags.length} tags as deployments to ${environment} (${total.commits} commits; ${total.skipped} there already)`,
      );
    return 0;
  },
});

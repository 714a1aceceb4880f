import { defineCommand } from '../cli-command.ts';
import { pickCommit } from './release-start.ts';

export default defineCommand({
  usage: 'gonogo release retarget SHA',
  summary:
    'Moves the release to a new candidate commit; earlier sign-offs become stale and must be given again.',
  options: {},
  positionals: [1, 1],
  async run(ctx, _v, [sha]) {
    const commit = pickCommit(ctx.root, sha);
    const svc = await ctx.service({ mustExist: true });
    const release = await svc.retarget({
      commit: commit.commit!,
      ...(commit.commitAt ? { commitAt: commit.commitAt } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(release));
    else
      ctx.output.out(
        `release ${release.version} now targets ${release.commit?.slice(0, 12)}; earlier sign-offs are stale`,
      );
    return 0;
  },
});

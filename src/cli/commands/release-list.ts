import { defineCommand } from '../cli-command.ts';
import { paint, table } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo release list',
  summary: 'Lists releases, newest first.',
  options: {},
  async run(ctx) {
    const svc = await ctx.service({ mustExist: true });
    const releases = await svc.listReleases();
    if (ctx.json) {
      ctx.output.out(JSON.stringify(releases));
      return 0;
    }
    if (!releases.length) ctx.output.out('no releases yet: gonogo release start VERSION');
    const o = ctx.output;
    for (const line of table(
      releases.map((r) => [
        r.version,
        r.state === 'active' ? paint(o, 'yellow', r.state) : r.state,
        r.type ?? '',
        r.commit?.slice(0, 10) ?? '',
        r.createdAt.slice(0, 16).replace('T', ' '),
        r.createdBy,
      ]),
    ))
      o.out(line);
    return 0;
  },
});

import { describeReleaseState } from '../../core/release-life.ts';
import { defineCommand } from '../cli-command.ts';

export default defineCommand({
  usage: 'gonogo release abandon [VERSION] --reason TEXT',
  summary:
    'Ends a release that will not ship (in progress or rolled back), with the reason; it takes no more changes.',
  options: { reason: { type: 'string', short: 'm' } },
  positionals: [0, 1],
  async run(ctx, v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const release = await svc.abandonRelease({
      reason: v.reason ?? '',
      ...(ver ? { version: ver } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(release));
    else ctx.output.out(`release ${release.version} is ${describeReleaseState(release)}`);
    return 0;
  },
});

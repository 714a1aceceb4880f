import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';

export default defineCommand({
  usage: 'gonogo deploy ENV [--status succeeded|failed] [--force --reason TEXT]',
  summary:
    'Records a deployment of the release to ENV. The last environment (production) needs a GO decision for the current commit unless forced with a reason.',
  options: { status: { type: 'string' }, force: { type: 'boolean' }, reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    const status = v.status ?? 'succeeded';
    if (status !== 'succeeded' && status !== 'failed')
      throw new UsageError(`--status is "succeeded" or "failed", not "${status}"`);
    if (v.reason !== undefined && !v.force)
      throw new UsageError('--reason goes with --force (a deployment past the gate)');
    const svc = await ctx.service({ mustExist: true });
    const d = await svc.deploy({
      environment: env!,
      status,
      ...(v.force ? { force: { reason: v.reason ?? '' } } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(d));
    else
      ctx.output.out(
        `recorded: ${d.version} → ${d.environment} ${d.status} (commit ${d.commit?.slice(0, 12) ?? 'none'})`,
      );
    return d.status === 'succeeded' ? 0 : 1;
  },
});

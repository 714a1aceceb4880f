import { defineCommand } from '../cli-command.ts';
import { renderItem } from '../cli-render.ts';
import { oneLine } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo rollback ENV --reason TEXT',
  summary:
    "Records a rollback of the release in ENV, opens an incident, and adds the playbook's rollback procedure to the release.",
  options: { reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    const svc = await ctx.service({ mustExist: true });
    const r = await svc.rollback({
      environment: env!,
      reason: v.reason ?? '',
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify(r));
      return 0;
    }
    const to = r.runsAgain ? `to ${r.runsAgain.version}` : '(no earlier version recorded there)';
    ctx.output.out(
      `rolled ${r.deployment.environment} back from ${r.deployment.version} ${to}: ${oneLine(v.reason ?? '')}`,
    );
    if (r.items.length) {
      ctx.output.out('rollback procedure:');
      for (const i of r.items) ctx.output.out(renderItem(ctx.output, i));
    }
    return 0;
  },
});

import { defineCommand } from '../cli-command.ts';
import { oneLine } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo unlock ENV [--reason TEXT] [--json]',
  summary:
    "Lifts an environment's lock, so deployments to it are accepted again; recorded with who, when and the reason given. On a server: a release manager or an administrator.",
  options: { reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    const svc = await ctx.service({ mustExist: true });
    const r = await svc.unlockEnvironment({
      environment: env!,
      ...(v.reason !== undefined ? { reason: v.reason } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(r));
    else
      ctx.output.out(
        `unlocked ${r.environment} (locked by ${oneLine(r.lock.actor)} at ${r.lock.at}: ${oneLine(r.lock.reason)})`,
      );
    return 0;
  },
});

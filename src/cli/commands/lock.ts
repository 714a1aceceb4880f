import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo lock ENV --reason TEXT [--json]',
  summary:
    'Locks an environment: every deployment to it is refused (exit 1), a forced one too, until someone unlocks it (gonogo unlock ENV). Recorded with who, when and why on the log of the newest release. On a server: a release manager or an administrator.',
  options: { reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    if (!v.reason?.trim()) throw new UsageError('a lock needs --reason TEXT: why deploying stops');
    const svc = await ctx.service({ mustExist: true });
    const lock = await svc.lockEnvironment({ environment: env!, reason: v.reason });
    if (ctx.json) ctx.output.out(JSON.stringify(lock));
    else
      ctx.output.out(
        `locked ${lock.environment}: deployments to it are refused until it is unlocked (gonogo unlock ${lock.environment}); ${oneLine(lock.reason)}`,
      );
    return 0;
  },
});

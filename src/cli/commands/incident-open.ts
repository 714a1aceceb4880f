import { defineCommand } from '../cli-command.ts';
import { oneLine } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo incident open ENV --reason TEXT',
  summary:
    'Opens an incident on the deployment running in ENV now: that deployment counts as a change failure, and its recovery time runs until the incident is resolved (gonogo incident resolve) or a later good deployment to ENV resolves it.',
  options: { reason: { type: 'string' } },
  positionals: [1, 1],
  async run(ctx, v, [env]) {
    const svc = await ctx.service({ mustExist: true });
    const incident = await svc.openIncident({ environment: env!, reason: v.reason ?? '' });
    if (ctx.json) ctx.output.out(JSON.stringify(incident));
    else
      ctx.output.out(
        `incident ${incident.id} opened on ${env} at ${incident.openedAt}: ${oneLine(incident.reason)}`,
      );
    return 0;
  },
});

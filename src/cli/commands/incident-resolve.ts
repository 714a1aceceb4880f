import { defineCommand } from '../cli-command.ts';

export default defineCommand({
  usage: 'gonogo incident resolve [ID] [--env ENV]',
  summary:
    "Resolves an incident (or a rollback whose procedure is still open): the one named by ID, else the newest open one (in ENV when given). Its deployment's recovery time ends now.",
  options: { env: { type: 'string' } },
  positionals: [0, 1],
  async run(ctx, v, [id]) {
    const svc = await ctx.service({ mustExist: true });
    const incident = await svc.resolveIncident({
      ...(id ? { id } : {}),
      ...(v.env ? { environment: v.env } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(incident));
    else ctx.output.out(`incident ${incident.id} resolved at ${incident.resolvedAt}`);
    return 0;
  },
});

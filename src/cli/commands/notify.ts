import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { outcomeOf, renderDeliveryLog } from '../cli-notify.ts';

/** How long the local sender waits for a retry that comes due soon, at most, before it exits. */
const maxWaitMs = 5 * 60_000;

export default defineCommand({
  usage:
    'gonogo notify REF | --log [--limit N] | --send-queued | --enable CHANNEL [--release VERSION] [--json]',
  summary:
    "Performs a notify item now: sends its message to each channel it names (the playbook's notify:), then the item is done with the deliveries as evidence (exit 0), or failed with the error (exit 1). A channel not declared or a variable it needs not set: exit 2, nothing recorded. --log shows the delivery log (status, attempts, last error, next attempt); --send-queued sends the queued deliveries that are due (what commands start in the background); --enable turns a channel on again after its endpoint answered 410 Gone.",
  options: {
    log: { type: 'boolean' },
    limit: { type: 'string' },
    'send-queued': { type: 'boolean' },
    enable: { type: 'string' },
  },
  positionals: [0, 1],
  async run(ctx, v, [ref]) {
    const modes = [ref !== undefined, !!v.log, !!v['send-queued'], v.enable !== undefined].filter(
      Boolean,
    ).length;
    if (modes !== 1)
      throw new UsageError(
        'name one notify item (gonogo notify 12), or one of --log, --send-queued, --enable CHANNEL',
      );
    const release = ctx.release ? { version: ctx.release } : {};
    if (v.log) {
      const limit = v.limit === undefined ? undefined : Number(v.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new UsageError(`--limit takes a whole number above 0, got "${v.limit}"`);
      const svc = await ctx.service({ mustExist: true });
      const log = await svc.listDeliveries({ ...release, ...(limit ? { limit } : {}) });
      if (ctx.json) ctx.output.out(JSON.stringify(log));
      else for (const line of renderDeliveryLog(ctx.output, log)) ctx.output.out(line);
      return 0;
    }
    if (v.enable !== undefined) {
      const svc = await ctx.service({ mustExist: true });
      const r = await svc.enableNotifyChannel({ channel: v.enable });
      if (ctx.json) ctx.output.out(JSON.stringify(r));
      else
        ctx.output.out(
          r.enabled
            ? `enabled channel ${r.channel}: deliveries to it are sent again`
            : `channel ${r.channel} was not disabled`,
        );
      return 0;
    }
    if (v['send-queued']) {
      // The sender itself: it never starts another one.
      ctx.quietSender = true;
      const svc = await ctx.service({ mustExist: true });
      let attempted = 0;
      let delivered = 0;
      let waited = false;
      for (let round = 0; round < 50; round++) {
        const r = await svc.sendDueDeliveries({});
        attempted += r.attempted;
        delivered += r.delivered;
        if (r.attempted > 0) {
          waited = false;
          continue;
        }
        // Nothing due: wait for a retry due soon; else (or when waiting made nothing due, as
        // under a fixed clock) a later command starts a sender again.
        const wait = r.nextAttemptAt ? Date.parse(r.nextAttemptAt) - Date.now() : Infinity;
        if (waited || !(wait <= maxWaitMs)) break;
        await new Promise((done) => setTimeout(done, Math.max(0, wait) + 50));
        waited = true;
      }
      if (ctx.json) ctx.output.out(JSON.stringify({ attempted, delivered }));
      else ctx.output.out(`sent ${attempted} deliveries, ${delivered} delivered`);
      return 0;
    }
    const svc = await ctx.service({ mustExist: true });
    const r = await svc.performNotifyItem({ ...release, ref: ref! });
    // It sent what it queued, and said so.
    ctx.quietSender = true;
    const ok = r.item.state === 'done';
    if (ctx.json) ctx.output.out(JSON.stringify(r));
    else {
      ctx.output.out(
        `${paint(ctx.output, ok ? 'green' : 'red', ok ? 'sent' : 'failed')} #${r.item.number} ${oneLine(r.item.title)}`,
      );
      for (const d of r.deliveries)
        ctx.output.out(`  ${d.channel}: ${d.status} ${outcomeOf(d)}`.trimEnd());
    }
    return ok ? 0 : 1;
  },
});

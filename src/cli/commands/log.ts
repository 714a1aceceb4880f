import { defineCommand } from '../cli-command.ts';
import { paint } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo log [VERSION]',
  summary: "The release's event log: who changed what, when.",
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const events = await svc.listEvents(ver ? { version: ver } : {});
    if (ctx.json) {
      ctx.output.out(JSON.stringify(events));
      return 0;
    }
    const o = ctx.output;
    for (const e of events) {
      o.out(
        `${paint(o, 'gray', String(e.seq).padStart(4))} ${e.at.slice(0, 19).replace('T', ' ')} ${paint(o, 'cyan', e.type.padEnd(19))} ${e.actor}  ${paint(o, 'gray', summarize(e.payload))}`,
      );
    }
    return 0;
  },
});

function summarize(payload: unknown): string {
  const text = JSON.stringify(payload);
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

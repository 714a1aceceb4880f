import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { clockOverrideNote } from '../cli-render.ts';

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
        `${paint(o, 'gray', String(e.seq).padStart(4))} ${e.at.slice(0, 19).replace('T', ' ')} ${paint(o, 'cyan', e.type.padEnd(19))} ${oneLine(e.actor)}  ${paint(o, 'gray', summarize(e.payload))}`,
      );
      // An event written under an overridden clock says so on the line under it.
      if (e.realAt) o.out(`     ${paint(o, 'yellow', clockOverrideNote(e.at, e.realAt))}`);
    }
    return 0;
  },
});

function summarize(payload: unknown): string {
  const text = oneLine(JSON.stringify(payload));
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

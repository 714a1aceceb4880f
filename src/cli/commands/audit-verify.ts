import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { clockOverrideNote } from '../cli-render.ts';

export default defineCommand({
  usage: 'gonogo audit verify [VERSION]',
  summary:
    "Verifies the record of one release, or all: recomputes the event log's hash chain, compares its end with the head the release anchors, and replays it against the item, sign-off, decision, deployment and incident tables. Reports every difference with its place. Exit 1 when the record does not hold.",
  options: {},
  positionals: [0, 1],
  async run(ctx, _v, [version]) {
    const svc = await ctx.service({ mustExist: true });
    const ver = version ?? ctx.release;
    const results = await svc.verifyAudit(ver ? { version: ver } : {});
    const ok = results.every((r) => r.ok);
    if (ctx.json) {
      ctx.output.out(JSON.stringify({ ok, releases: results }));
      return ok ? 0 : 1;
    }
    const o = ctx.output;
    for (const r of results) {
      const head = `head ${r.head.hash.slice(0, 12)}`;
      if (r.ok)
        o.out(
          `${paint(o, 'green', 'ok')}  ${r.version}: ${r.checked} events, chain intact, ${head}, tables match the log`,
        );
      else {
        o.out(
          `${paint(o, 'red', 'TAMPERED')}  ${r.version}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${r.checked} events`,
        );
        for (const p of r.problems) {
          // Chain problems are about one event; table problems name their row (and the event
          // where the log last set it, inside the message).
          const where =
            p.kind === 'record' ? 'record' : p.seq !== undefined ? `event #${p.seq}` : 'log';
          o.out(`  ${where}: ${oneLine(p.message)}`);
        }
      }
      if (r.firstClockOverride) {
        const f = r.firstClockOverride;
        o.out(
          `  ${paint(o, 'yellow', `${r.clockOverrides} event${r.clockOverrides === 1 ? '' : 's'} written under an overridden clock, the first is event ${f.seq} — ${clockOverrideNote(f.at, f.realAt)}`)}`,
        );
      }
    }
    return ok ? 0 : 1;
  },
});

import { defineCommand } from '../cli-command.ts';
import { paint } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo audit verify [VERSION]',
  summary:
    'Recomputes the hash chain of the event log (of one release, or all) and reports every event that does not match. Exit 1 when tampered.',
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
      if (r.ok)
        o.out(`${paint(o, 'green', 'ok')}  ${r.version}: ${r.checked} events, chain intact`);
      else {
        o.out(
          `${paint(o, 'red', 'TAMPERED')}  ${r.version}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${r.checked} events`,
        );
        for (const p of r.problems) o.out(`  event #${p.seq}: ${p.message}`);
      }
    }
    return ok ? 0 : 1;
  },
});

import { UsageError } from '../../core/errors.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { renderBlockers } from '../cli-render.ts';

export default defineCommand({
  usage: 'gonogo decide [--phase P] [--override-window --reason TEXT]',
  summary:
    'Evaluates the next gate (or phase P): GO exits 0, NO-GO lists every blocker and exits 1. The decision is recorded with its inputs.',
  options: {
    phase: { type: 'string' },
    'override-window': { type: 'boolean' },
    reason: { type: 'string' },
  },
  async run(ctx, v) {
    if (v.reason && !v['override-window'])
      throw new UsageError('--reason goes with --override-window');
    const svc = await ctx.service({ mustExist: true });
    const { decision, gateTitle } = await svc.decide({
      ...(v.phase ? { gate: v.phase } : {}),
      ...(v['override-window'] ? { overrideWindow: { reason: v.reason ?? '' } } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) {
      ctx.output.out(JSON.stringify(decision));
    } else {
      const o = ctx.output;
      const what = decision.gate === 'release' ? 'release' : `gate "${oneLine(gateTitle)}"`;
      if (decision.outcome === 'go')
        o.out(
          `${paint(o, 'green', 'GO')} for ${what} at commit ${decision.commit?.slice(0, 12) ?? '(none)'}${decision.override ? ` (window overridden: ${oneLine(decision.override.reason)})` : ''}`,
        );
      else {
        o.out(
          `${paint(o, 'red', 'NO-GO')} for ${what}: ${decision.blockers.length} blocker${decision.blockers.length === 1 ? '' : 's'}`,
        );
        for (const line of renderBlockers(o, decision.blockers)) o.out(line);
      }
    }
    return decision.outcome === 'go' ? 0 : 1;
  },
});

import { UsageError } from '../../core/errors.ts';
import type { Verdict } from '../../core/release-model.ts';
import { defineCommand } from '../cli-command.ts';
import { paint } from '../cli-output.ts';

export default defineCommand({
  usage: 'gonogo sign ROLE go|no-go [--gate G] [--comment TEXT]',
  summary:
    "Records a role holder's go or no-go for one gate (a phase or section id) or sign item (its id or number), pinned to the release's commit. Without --gate: the role's next gate or sign item still waiting for its go. A go counts only where it was given; a no-go blocks every gate until the same role says go again.",
  options: { gate: { type: 'string', short: 'g' }, comment: { type: 'string', short: 'm' } },
  positionals: [2, 2],
  async run(ctx, v, [role, verdict]) {
    if (verdict !== 'go' && verdict !== 'no-go')
      throw new UsageError(
        `the verdict is "go" or "no-go", not "${verdict}"\nusage: gonogo sign ROLE go|no-go`,
      );
    const svc = await ctx.service({ mustExist: true });
    const s = await svc.sign({
      role: role!,
      verdict: verdict as Verdict,
      ...(v.gate !== undefined ? { gate: v.gate } : {}),
      ...(v.comment ? { comment: v.comment } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(s));
    else
      ctx.output.out(
        `${s.role}: ${s.verdict === 'go' ? paint(ctx.output, 'green', 'go') : paint(ctx.output, 'red', 'no-go')} for ${s.label} by ${s.actor} at commit ${s.commit?.slice(0, 12) ?? '(none)'}`,
      );
    return 0;
  },
});

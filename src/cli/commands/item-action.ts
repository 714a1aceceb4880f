import { UsageError } from '../../core/errors.ts';
import type { ItemAction } from '../../core/release-model.ts';
import { defineCommand } from '../cli-command.ts';
import { renderItem } from '../cli-render.ts';

const actions: ItemAction[] = ['done', 'na', 'waive', 'fail', 'reset'];
const past: Record<ItemAction, string> = {
  done: 'done',
  na: 'marked n/a',
  waive: 'waived',
  fail: 'marked failed',
  reset: 'reset to pending',
};

export default defineCommand({
  usage: 'gonogo item done|na|waive|fail|reset REF [--note TEXT] [--evidence URL]',
  summary:
    "Records a person's action on an item. REF is the item number (12) or id (changelog, pre-release/changelog). n/a, waive and fail need --note.",
  options: { note: { type: 'string', short: 'm' }, evidence: { type: 'string' } },
  positionals: [2, 2],
  async run(ctx, v, [action, ref]) {
    if (!actions.includes(action as ItemAction))
      throw new UsageError(`unknown item action "${action}" (done, na, waive, fail, reset)`);
    if (v.note !== undefined && v.note.length > 4000)
      throw new UsageError('--note is limited to 4000 characters');
    if (v.evidence !== undefined && v.evidence.length > 2000)
      throw new UsageError('--evidence is limited to 2000 characters');
    const svc = await ctx.service({ mustExist: true });
    const item = await svc.actOnItem({
      ref: ref!,
      action: action as ItemAction,
      ...(v.note !== undefined ? { note: v.note } : {}),
      ...(v.evidence !== undefined ? { evidence: v.evidence } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    if (ctx.json) ctx.output.out(JSON.stringify(item));
    else ctx.output.out(`${past[action as ItemAction]}: ${renderItem(ctx.output, item).trim()}`);
    return 0;
  },
});

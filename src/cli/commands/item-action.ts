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
  usage: 'gonogo item done|na|waive|fail|reset REF... [--note TEXT] [--evidence URL]',
  summary:
    "Records a person's action on one or more items, all or none. REF is the item number (12) or id (changelog, pre-release/changelog). n/a, waive and fail need --note.",
  options: { note: { type: 'string', short: 'm' }, evidence: { type: 'string' } },
  positionals: [2, 200],
  async run(ctx, v, [action, ...refs]) {
    if (!actions.includes(action as ItemAction))
      throw new UsageError(`unknown item action "${action}" (done, na, waive, fail, reset)`);
    const svc = await ctx.service({ mustExist: true });
    const items = await svc.actOnItems({
      refs,
      action: action as ItemAction,
      ...(v.note !== undefined ? { note: v.note } : {}),
      ...(v.evidence !== undefined ? { evidence: v.evidence } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    // One item prints as an object (as it always has), several as an array.
    if (ctx.json) ctx.output.out(JSON.stringify(items.length === 1 ? items[0] : items));
    else
      for (const item of items)
        ctx.output.out(`${past[action as ItemAction]}: ${renderItem(ctx.output, item).trim()}`);
    return 0;
  },
});

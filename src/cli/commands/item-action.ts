import { UsageError } from '../../core/errors.ts';
import type { SkippedItemRef } from '../../core/item-action-plan.ts';
import { formatNumbers } from '../../core/item-refs.ts';
import type { ItemAction } from '../../core/release-model.ts';
import { defineCommand } from '../cli-command.ts';
import { oneLine, paint } from '../cli-output.ts';
import { renderItem } from '../cli-render.ts';

const actions: ItemAction[] = ['done', 'na', 'waive', 'fail', 'reset'];
const past: Record<ItemAction, string> = {
  done: 'done',
  na: 'marked n/a',
  waive: 'waived',
  fail: 'marked failed',
  reset: 'reset to pending',
};
/** Skipped refs shown before "… N more": the rest are in --json. */
const shownSkips = 20;

export default defineCommand({
  usage:
    'gonogo item done|na|waive|fail|reset REF... [--note TEXT] [--evidence URL] [--skip-unmatched]',
  summary: [
    "Records a person's action on items. REF is a number (12), a range (9-14), an id (changelog,",
    'pre-release/changelog), or a section or phase (code-quality, pre-release/code-quality; a',
    'trailing / means the section or phase when an item has the same id). Items named one by one',
    'are all or none: one that cannot take the action refuses them all, listing every problem.',
    'A section or phase takes the items the action fits (done ticks its manual items, never its',
    'checks or sign-offs, and leaves failed ones failed) and lists the others as skipped.',
    '--skip-unmatched applies to what it can and lists the rest, with why; it exits 0 when it',
    'changed something (a malformed or ambiguous ref, or a missing --note, still refuses all).',
    'A parent whose sub-items are all accepted becomes done by itself. n/a, waive and fail need --note.',
  ].join('\n'),
  options: {
    note: { type: 'string', short: 'm' },
    evidence: { type: 'string' },
    'skip-unmatched': { type: 'boolean' },
  },
  positionals: [2, 200],
  async run(ctx, v, [action, ...refs]) {
    if (!actions.includes(action as ItemAction))
      throw new UsageError(`unknown item action "${action}" (done, na, waive, fail, reset)`);
    const svc = await ctx.service({ mustExist: true });
    const result = await svc.actOnItems({
      refs,
      action: action as ItemAction,
      ...(v.note !== undefined ? { note: v.note } : {}),
      ...(v.evidence !== undefined ? { evidence: v.evidence } : {}),
      ...(v['skip-unmatched'] ? { skipUnmatched: true } : {}),
      ...(ctx.release ? { version: ctx.release } : {}),
    });
    const o = ctx.output;
    if (ctx.json) {
      o.out(JSON.stringify(result));
      return 0;
    }
    for (const item of result.items)
      o.out(`${past[action as ItemAction]}: ${renderItem(o, item).trim()}`);
    for (const item of result.followed)
      o.out(
        `${item.state === 'done' ? 'done' : 'reopened'} (follows its sub-items): ${renderItem(o, item).trim()}`,
      );
    if (result.skipped.length) {
      o.out(paint(o, 'yellow', `skipped ${result.skipped.length}:`));
      const lines = groupReasons(result.skipped);
      // Reasons quote what was typed and recorded titles: one safe line each.
      for (const line of lines.slice(0, shownSkips)) o.out(`  ${oneLine(line)}`);
      if (lines.length > shownSkips)
        o.out(`  … ${lines.length - shownSkips} more (--json lists them all)`);
    }
    return 0;
  },
});

/** An item's name at the start of a reason: `#12 "Title" ` (the title as JSON). */
const namedItem = /^#(\d+) "(?:[^"\\]|\\.)*" (.*)$/s;

/**
 * The skipped refs as lines, items skipped for the same reason on one line
 * (`#1-#5, #8: is a check, so ...`), in the order first met.
 */
function groupReasons(skipped: SkippedItemRef[]): string[] {
  const groups = new Map<string, { numbers: number[]; reason: string }>();
  const lines: (string | { numbers: number[]; reason: string })[] = [];
  for (const s of skipped) {
    const m = s.item === undefined ? null : namedItem.exec(s.reason);
    if (!m) {
      lines.push(s.reason);
      continue;
    }
    const rest = m[2]!;
    const group = groups.get(rest);
    if (group) group.numbers.push(s.item!);
    else {
      const fresh = { numbers: [s.item!], reason: s.reason };
      groups.set(rest, fresh);
      lines.push(fresh);
    }
  }
  return lines.map((l) => {
    if (typeof l === 'string') return l;
    if (l.numbers.length === 1) return l.reason;
    return `${formatNumbers(l.numbers)}: ${namedItem.exec(l.reason)![2]}`;
  });
}

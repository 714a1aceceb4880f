/**
 * Use cases on items: a person's action on one or more items (all or none), and one item with
 * its history.
 */
import { InputError } from '../core/errors.ts';
import type { Evidence, ReleaseItem } from '../core/release-model.ts';
import { planItemAction, resolveItemRef } from '../core/release-rules.ts';
import type { ItemActionInput, ItemDetail, ItemRefInput } from './service-contract.ts';
import type { ServiceContext } from './service-context.ts';
import {
  assertOpen,
  assertText,
  findRelease,
  loadPlaybookOf,
  lockRelease,
  maxLinkLength,
  maybeFinish,
  setItemState,
} from './service-context.ts';

/** The most items one action may name. */
export const maxItemRefs = 500;

/**
 * The same action on several items, all or none: every item is checked before anything is
 * written, so one bad ref leaves the release as it was.
 */
export async function actOnItems(
  ctx: ServiceContext,
  input: ItemActionInput,
): Promise<ReleaseItem[]> {
  if (input.refs.length === 0) throw new InputError('name at least one item', { field: 'refs' });
  if (input.refs.length > maxItemRefs)
    throw new InputError(`at most ${maxItemRefs} items at once`, { field: 'refs' });
  assertText(input.note, 'note');
  assertText(input.evidence, 'evidence', { max: maxLinkLength });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const playbook = await loadPlaybookOf(tx, release);
    const all = await tx.listItems(release.id);
    const items = [
      ...new Map(input.refs.map((r) => resolveItemRef(all, r)).map((i) => [i.number, i])).values(),
    ];
    const plans = items.map((item) => ({
      item,
      next: planItemAction(playbook, item, input.action, {
        actor: ctx.actor(),
        ...(input.note !== undefined ? { note: input.note } : {}),
      }),
    }));
    const at = ctx.iso();
    const extra: { note?: string; evidence?: Evidence; action: string } = {
      action: input.action,
    };
    if (input.note !== undefined) extra.note = input.note;
    if (input.evidence !== undefined) extra.evidence = { url: input.evidence };
    for (const { item, next } of plans) await setItemState(ctx, tx, release, item, next, at, extra);
    await maybeFinish(ctx, tx, release, playbook, at);
    const after = await tx.listItems(release.id);
    return items.map((item) => after.find((i) => i.number === item.number)!);
  });
}

/** One item with its history: its state changes and the check results logged beside it. */
export async function getItem(ctx: ServiceContext, input: ItemRefInput): Promise<ItemDetail> {
  const release = await findRelease(ctx, ctx.store, input, 'read');
  const [items, events] = await Promise.all([
    ctx.store.listItems(release.id),
    ctx.store.listEvents(release.id),
  ]);
  const item = resolveItemRef(items, input.ref);
  const history = events.filter(
    (e) =>
      (e.type === 'item.state' || e.type === 'check.result') &&
      (e.payload as { item?: number }).item === item.number,
  );
  return { release, item, history };
}

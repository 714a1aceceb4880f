/**
 * Use cases on items: a person's action on the items some refs name, and one item with its
 * history.
 */
import { planItemActions } from '../core/item-action-plan.ts';
import { resolveItemRef } from '../core/item-refs.ts';
import { InputError } from '../core/errors.ts';
import type { Evidence } from '../core/release-model.ts';
import type {
  ItemActionInput,
  ItemActionResult,
  ItemDetail,
  ItemRefInput,
} from './service-contract.ts';
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
  syncParentItems,
} from './service-context.ts';

/** The most refs one action may name (a range or a section counts as one). */
export const maxItemRefs = 500;

/**
 * The same action on the items some refs name (see `core/item-action-plan.ts` for which):
 * everything is checked before anything is written, so a refusal leaves the release as it was.
 * Parents then follow their sub-items.
 */
export async function actOnItems(
  ctx: ServiceContext,
  input: ItemActionInput,
): Promise<ItemActionResult> {
  if (input.refs.length === 0) throw new InputError('name at least one item', { field: 'refs' });
  if (input.refs.length > maxItemRefs)
    throw new InputError(`at most ${maxItemRefs} refs at once`, { field: 'refs' });
  assertText(input.note, 'note');
  assertText(input.evidence, 'evidence', { max: maxLinkLength });
  return ctx.store.transaction(async (tx) => {
    const release = await lockRelease(ctx, tx, input);
    assertOpen(release);
    const playbook = await loadPlaybookOf(tx, release);
    const all = await tx.listItems(release.id);
    const plan = planItemActions(playbook, all, {
      refs: input.refs,
      action: input.action,
      actor: ctx.actor(),
      ...(input.note !== undefined ? { note: input.note } : {}),
      ...(input.skipUnmatched ? { skipUnmatched: true } : {}),
    });
    const at = ctx.iso();
    const extra: { note?: string; evidence?: Evidence; action: string } = {
      action: input.action,
    };
    if (input.note !== undefined) extra.note = input.note;
    if (input.evidence !== undefined) extra.evidence = { url: input.evidence };
    for (const { item, next } of plan.changes)
      await setItemState(ctx, tx, release, item, next, at, extra);
    const followed = await syncParentItems(ctx, tx, release, at);
    await maybeFinish(ctx, tx, release, playbook, at);
    const after = new Map((await tx.listItems(release.id)).map((i) => [i.number, i]));
    return {
      items: plan.changes.map(({ item }) => after.get(item.number)!),
      skipped: plan.skipped,
      followed: followed.map((i) => after.get(i.number)!),
    };
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

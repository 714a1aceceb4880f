/**
 * Parents and their sub-items: a parent a person would tick (a manual item) follows its
 * sub-items. When every sub-item is accepted, a pending parent becomes done; when a sub-item is
 * no longer accepted, a parent that became done that way goes back to pending. A state a person
 * gave the parent (done, failed, n/a, waived) stands: only what this rule did, it undoes. A
 * parent that is a check, run, sign or watch item has its own evidence and is left alone.
 * Pure: the service writes the changes as `item.state` events.
 */
import { acceptedStates } from './release-model.ts';
import type { ItemState, ReleaseEvent, ReleaseItem } from './release-model.ts';
import { describeItem } from './release-rules.ts';

/** The `action` of the `item.state` events by which a parent follows its sub-items. */
export const followSubItemsAction = 'sub-items';

/** One parent to move, the state it moves to, and the note that says why. */
export interface ParentChange {
  item: ReleaseItem;
  to: ItemState;
  note: string;
}

const accepted = (s: ItemState) => acceptedStates.includes(s);

/** The sub-items of each parent, by the parent's number. */
function childrenOf(items: readonly ReleaseItem[]): Map<number, ReleaseItem[]> {
  const out = new Map<number, ReleaseItem[]>();
  for (const i of items) {
    if (i.parent === undefined) continue;
    out.set(i.parent, [...(out.get(i.parent) ?? []), i]);
  }
  return out;
}

/**
 * The parents that might have to go back to pending: done manual parents with a sub-item not
 * accepted, and their done manual ancestors. Only for these does the caller need {@link followingParents}, which reads the log.
 *
 * @example reopenCandidates(items) // [] right after every sub-item was ticked
 */
export function reopenCandidates(items: readonly ReleaseItem[]): number[] {
  const byNumber = new Map(items.map((i) => [i.number, i]));
  const out = new Set<number>();
  for (const i of items) {
    if (accepted(i.state)) continue;
    // A parent that reopens may reopen its own parent in turn: every done manual ancestor.
    for (
      let parent = i.parent === undefined ? undefined : byNumber.get(i.parent);
      parent?.kind === 'manual' && parent.state === 'done' && !out.has(parent.number);
      parent = parent.parent === undefined ? undefined : byNumber.get(parent.parent)
    )
      out.add(parent.number);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The parents whose latest `item.state` event is this rule's move to done: those it may undo.
 * The whole log, or only the latest `item.state` event of each parent in question.
 *
 * @example followingParents(events).has(63) // true when #63 was made done by its sub-items
 */
export function followingParents(events: readonly ReleaseEvent[]): Set<number> {
  const latest = new Map<number, { action?: string; to: ItemState }>();
  for (const e of events) {
    if (e.type !== 'item.state') continue;
    const p = e.payload as { item: number; action?: string; to: ItemState };
    latest.set(p.item, { ...(p.action !== undefined ? { action: p.action } : {}), to: p.to });
  }
  return new Set(
    [...latest]
      .filter(([, v]) => v.action === followSubItemsAction && v.to === 'done')
      .map(([n]) => n),
  );
}

/**
 * The parents that must move to follow their sub-items, deepest first (a parent of parents
 * sees its sub-items' new states). `following` holds the parents this rule made done (see
 * {@link followingParents}).
 *
 * @example
 * planParentSync(items, new Set()); // [{ item: #63, to: 'done', note: 'follows its sub-items: all 7 accepted' }]
 */
export function planParentSync(
  items: readonly ReleaseItem[],
  following: ReadonlySet<number>,
): ParentChange[] {
  const children = childrenOf(items);
  const state = new Map(items.map((i) => [i.number, i.state]));
  const changes: ParentChange[] = [];
  // Sub-items come after their parent, so the highest numbers are the deepest parents.
  const parents = items
    .filter((i) => i.kind === 'manual' && children.has(i.number))
    .sort((a, b) => b.number - a.number);
  for (const parent of parents) {
    const subs = children.get(parent.number)!;
    const open = subs.filter((s) => !accepted(state.get(s.number)!));
    const now = state.get(parent.number)!;
    if (open.length === 0 && now === 'pending') {
      changes.push({
        item: parent,
        to: 'done',
        note: `follows its sub-items: ${subs.length === 1 ? 'the one' : `all ${subs.length}`} accepted`,
      });
      state.set(parent.number, 'done');
    } else if (open.length > 0 && now === 'done' && following.has(parent.number)) {
      const first = open[0]!;
      const more = open.length > 1 ? ` (and ${open.length - 1} more)` : '';
      changes.push({
        item: parent,
        to: 'pending',
        note: `follows its sub-items: ${describeItem(first)} is ${state.get(first.number)}${more}`,
      });
      state.set(parent.number, 'pending');
    }
  }
  return changes;
}

/**
 * The sub-items of `parent` when it follows them (a manual item with sub-items), else none.
 *
 * @example subItemsOf(items, parent).map((i) => i.number) // [64, 65, 66]
 */
export function subItemsOf(items: readonly ReleaseItem[], parent: ReleaseItem): ReleaseItem[] {
  if (parent.kind !== 'manual') return [];
  return items.filter((i) => i.parent === parent.number);
}
